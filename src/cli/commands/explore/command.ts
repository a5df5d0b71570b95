import { defineCommand } from '../../command.ts';

/** `schsm explore`: the card explorer (the main job of schsm; `npm start` runs it). */
export const exploreCommand = defineCommand({
  command: 'explore',
  aliases: ['explorer', 'shell'],
  describe: 'interactive SmartCard-HSM explorer (opensc-explorer style); uses the built-in simulator when no card is present',
  needsCard: true,
  builder: (y) =>
    y
      .option('script', {
        type: 'string',
        description:
          'run the explorer commands in FILE (one per line, # comments; - for stdin) and exit; stops at the first failing line with exit 1',
      })
      .option('keep-going', {
        type: 'boolean',
        default: false,
        description: 'script mode: run the remaining lines after a failure (opensc-explorer behaviour); still exit 1',
      })
      .option('ephemeral', {
        type: 'boolean',
        default: false,
        description: 'simulator: a new, uninitialised card kept in memory only (default: the card in $XDG_STATE_HOME/schsm/sim.json)',
      })
      .option('history', {
        type: 'boolean',
        default: true,
        description: 'keep the interactive history in $XDG_STATE_HOME/schsm/history, without PINs (--no-history: memory only)',
      })
      .example('schsm explore', 'the card in the first reader, else the simulator')
      .example('schsm explore --sim', 'the built-in simulator (its card persists in ~/.local/state/schsm/sim.json)')
      .example('schsm explore --reader 0 -v', 'reader 0, every APDU annotated')
      .example('schsm explore --script setup.txt', 'script mode; stdin that is not a terminal works too')
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runExplore(args, ctx),
});
