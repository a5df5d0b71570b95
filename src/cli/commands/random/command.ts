import { defineCommand } from '../../command.ts';

/** `schsm random N [--out FILE]`: N bytes from the card's RNG (GET CHALLENGE, §3.19). */
export const randomCommand = defineCommand({
  command: 'random <bytes>',
  describe: "random bytes from the card's RNG (GET CHALLENGE): hex on stdout, or raw into a file",
  needsCard: true,
  builder: (y) =>
    y
      .positional('bytes', { type: 'number', demandOption: true, description: 'how many bytes (1..65536)' })
      .option('out', { type: 'string', description: 'write the raw bytes to this file (mode 0600; --force to replace)' })
      .example('schsm random 32', '64 hex digits')
      .example('schsm random 1024 --out seed.bin', 'raw bytes into a new file')
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runRandom(args, ctx),
});
