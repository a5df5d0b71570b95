import { withAllowLastTry } from '../../pin-flags.ts';
import { defineCommand, defineGroup } from '../../command.ts';

const status = defineCommand({
  command: 'status',
  describe: 'public key authentication state: keys registered, missing, required, authenticated (MANAGE PKA, no PIN)',
  needsCard: true,
  builder: (y) =>
    y
      .example('schsm pka status', 'e.g. "Public keys: 3 (1 still to register), 2 must authenticate, 0 authenticated"')
      .example('schsm pka status --json', '{"total":3,"missing":1,"required":2,"authenticated":0}')
      .strict(),
  handler: async (args, ctx) => (await import('./run-status.ts')).runPkaStatus(args, ctx),
});

const exportCmd = defineCommand({
  command: 'export',
  describe: "write a key's CV request and this device's certificates as a file another device registers (no PIN)",
  needsCard: true,
  builder: (y) =>
    y
      .option('ref', { type: 'number', demandOption: true, description: 'key reference (1..255) of an EC key generated on this device' })
      .option('out', { alias: 'o', type: 'string', demandOption: true, description: 'output file (never overwritten without --force)' })
      .option('layout', {
        choices: ['old', 'new'] as const,
        default: 'old' as const,
        description:
          "old: 30{67,7F21 device,7F21 DICA} as sc-hsm-tool --export-for-pub-key-auth writes; new: CardContact's 30{06 OID,61,62,63}",
      })
      .example('schsm pka export --ref 1 -o alice.pka', "custodian Alice's key 1, for `schsm pka register alice.pka` on the HSM")
      .example('schsm pka export --ref 2 -o bob.pka --layout new', 'the OID-tagged layout of Smart Card Shell')
      .strict(),
  handler: async (args, ctx) => (await import('./run-export.ts')).runPkaExport(args, ctx),
});

const register = defineCommand({
  command: 'register <file>',
  describe: 'register the public key in a PKA file (either layout) on this device; no PIN while keys are missing',
  needsCard: true,
  builder: (y) =>
    y
      .positional('file', {
        type: 'string',
        demandOption: true,
        description: 'file from `schsm pka export` or `sc-hsm-tool --export-for-pub-key-auth`',
      })
      .example('schsm pka register --reader 0 alice.pka', 'verifies the exporting device certificate chain on the card, then registers')
      .strict(),
  handler: async (args, ctx) => (await import('./run-register.ts')).runPkaRegister(args, ctx),
});

const auth = defineCommand({
  command: 'auth',
  describe:
    'authenticate the device given by --reader with registered keys held on other SmartCard-HSMs (--with, repeatable): challenge from the device, signature from the key holder',
  needsCard: true,
  builder: (y) =>
    withAllowLastTry(y)
      .option('with', {
        type: 'string',
        array: true,
        demandOption: true,
        description: 'reader of a device holding a registered key (name, part of it, index, sim:FILE); repeat for each custodian',
      })
      .option('with-pin-env', {
        type: 'string',
        array: true,
        description:
          'user PIN of each --with device from these environment variables, in --with order (default: a hidden prompt per device)',
      })
      .option('key', {
        type: 'number',
        array: true,
        description: 'key reference on each --with device, in --with order (default: the first registered one)',
      })
      .example('schsm pka auth --reader 0 --with 1', 'the key on the device in reader 1 authenticates the device in reader 0')
      .example('A=… B=… schsm pka auth --reader HSM --with alice --with bob --with-pin-env A --with-pin-env B', 'a 2-of-n quorum')
      .strict(),
  handler: async (args, ctx) => (await import('./run-auth.ts')).runPkaAuth(args, ctx),
});

/** `schsm pka …`: n-of-m public key authentication (§3.20). */
export const pkaCommand = defineGroup({
  command: 'pka',
  describe: 'public key authentication (n of m keys held on other SmartCard-HSMs): status, export, register, auth',
  subcommands: [status, exportCmd, register, auth],
});
