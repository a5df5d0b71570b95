import { defineCommand } from '../../command.ts';

/** `schsm completion bash|zsh|fish`: a completion script generated from the command definitions. */
export const completionCommand = defineCommand({
  command: 'completion [shell]',
  describe: 'print a shell completion script (commands, options, reader names, simulator key references)',
  needsCard: false,
  builder: (y) =>
    y
      .positional('shell', { type: 'string', choices: ['bash', 'zsh', 'fish'], description: 'the shell to complete in' })
      .option('values', {
        type: 'string',
        choices: ['readers', 'key-refs'],
        hidden: true,
        description:
          'for the scripts: print reader names, or the key references of the simulator state named by --sim-state / --reader sim:FILE',
      })
      .example('source <(schsm completion bash)', 'complete schsm in this bash')
      .example('schsm completion bash > ~/.local/share/bash-completion/completions/schsm', 'in every new bash')
      .example('schsm completion zsh > "$fpath[1]/_schsm"', 'in every new zsh')
      .example('schsm completion fish > ~/.config/fish/completions/schsm.fish', 'in every new fish')
      .epilogue(
        'Completing a reader name asks pcscd for its readers (no card is touched). Key references are completed\nfrom a simulator state file only (--sim-state FILE or --reader sim:FILE): listing the keys of a real card\nSELECTs its applet, which ends a PIN session another application may have open on it.',
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runCompletion(args, ctx),
});
