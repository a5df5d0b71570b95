import { defineCommand, defineGroup } from '../../command.ts';
import { withPinOptions } from '../../pin-flags.ts';

const createShare = defineCommand({
  command: 'create-share <file>',
  describe: "create a DKEK share file (.pbe, sc-hsm-tool format) from 32 random bytes of this computer's CSPRNG",
  needsCard: false,
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        description: 'the share file to create (mode 0600; never overwritten without --force)',
      })
      .option('password-env', { type: 'string', description: 'read the share password from this environment variable' })
      .option('password-stdin', { type: 'boolean', default: false, description: 'read the share password from the first line of stdin' })
      .option('threshold', {
        type: 'number',
        description:
          'split a random password into --total shares, any --threshold of which open the file (sc-hsm-tool --pwd-shares-threshold)',
      })
      .option('total', { type: 'number', description: 'number of password shares (≥ 3, sc-hsm-tool --pwd-shares-total)' })
      .example('schsm dkek create-share dkek-share-1.pbe', 'asks for the password twice (hidden); ~3 s of key derivation')
      .example(
        'schsm dkek create-share share.pbe --threshold 2 --total 3',
        'password split 2-of-3; one share per custodian, one screen each',
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run-create.ts')).runCreateShare(args, ctx),
});

const importShare = defineCommand({
  command: 'import-share <files..>',
  describe: 'decrypt DKEK share files and import them into the card (IMPORT DKEK SHARE)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .positional('files', { type: 'string', array: true, demandOption: true, description: 'share files (.pbe) in any order' })
      .option('password-env', {
        type: 'string',
        array: true,
        description: 'environment variable holding the password, once per file in order',
      })
      .option('password-stdin', { type: 'boolean', default: false, description: 'read one password per file from stdin lines' })
      .option('threshold-shares', {
        type: 'number',
        description: "the file's password was split: enter the prime and this many (ID, value) shares (one file only)",
      })
      .option('shares-file', {
        type: 'string',
        description: 'read the threshold shares from this text file (the printouts: Prime / Share ID / Share value)',
      })
      .option('share-id-base', {
        choices: ['hex', 'decimal'] as const,
        default: 'hex' as const,
        description:
          'how share IDs are read: hex (sc-hsm-tool import and schsm printouts) or decimal (sc-hsm-tool printouts of ≥ 10 shares)',
      })
      .option('domain', {
        type: 'number',
        description: 'key domain to import into (default 0; another domain needs the user PIN: --pin-env VAR or the prompt)',
      })
      .example('schsm dkek import-share dkek-share-1.pbe', 'asks for the password (hidden)')
      .example('PIN=… schsm dkek import-share --domain 1 --pin-env PIN a.pbe b.pbe', 'the shares of key domain 1')
      .example('schsm dkek import-share share.pbe --threshold-shares 2', 'asks for the prime and 2 shares like sc-hsm-tool')
      .example('schsm dkek import-share share.pbe --shares-file custodians.txt', 'shares from a file of printouts')
      .strict(),
  handler: async (args, ctx) => (await import('./run-import.ts')).runImportShare(args, ctx),
});

const status = defineCommand({
  command: 'status',
  describe: 'DKEK shares announced, still missing, and the key check value',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('domain', { type: 'number', description: 'the DKEK of this key domain (default 0; `schsm domain list` shows all)' })
      .example('schsm dkek status', 'e.g. "DKEK key check value : 6C609824B9CA28EB"; no PIN is tried')
      .example('schsm dkek status --domain 1', 'shares and KCV of key domain 1')
      .example(
        'PIN=… schsm dkek status --pin-env PIN',
        'a device that shows the KCV only after login (zeros before VERIFY): log in, then ask again',
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run-status.ts')).runDkekStatus(args, ctx),
});

/** `schsm dkek …`: DKEK share files, their import, and the card's DKEK state (§8). */
export const dkekCommand = defineGroup({
  command: 'dkek',
  describe: 'DKEK shares: create share files, import them, show the DKEK state',
  subcommands: [createShare, importShare, status],
});
