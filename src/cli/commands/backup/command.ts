import { defineCommand, defineGroup } from '../../command.ts';

const verify = defineCommand({
  command: 'verify <file>',
  describe: 'OFFLINE check of a wrapped key against DKEK share files: KCV, MAC, key type/size, public key fingerprint',
  needsCard: false,
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        description: 'wrapped-key file (sc-hsm-tool --wrap-key / schsm keys wrap) or a bare key blob',
      })
      .option('share', {
        type: 'string',
        array: true,
        demandOption: true,
        description: 'DKEK share file (.pbe); repeat for every share of the device',
      })
      .option('password-env', {
        type: 'string',
        array: true,
        description: 'environment variable with the password, once per --share in order',
      })
      .option('password-stdin', { type: 'boolean', default: false, description: 'read one password per share file from stdin lines' })
      .example('schsm backup verify key1.wrapped --share dkek-share-1.pbe', 'asks for the share password; no card needed')
      .example(
        'schsm backup verify k.wrapped --share a.pbe --share b.pbe --json',
        'two shares, machine-readable; exit 0 only when everything checks out',
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run-verify.ts')).runBackupVerify(args, ctx),
});

/** `schsm backup …`: checks of exported keys that need no card. */
export const backupCommand = defineGroup({ command: 'backup', describe: 'check key backups offline (no card)', subcommands: [verify] });
