import { defineCommand, defineGroup } from '../../command.ts';
import { withAllowLastTry, withPinOptions } from '../../pin-flags.ts';

const status = defineCommand({
  command: 'status',
  describe: 'PIN state and tries left, without spending a try (VERIFY without data)',
  needsCard: true,
  builder: (y) =>
    y
      .option('so-pin', { type: 'boolean', default: false, description: 'the SO-PIN instead of the user PIN' })
      .example('schsm pin status', 'e.g. "User PIN : 3 tries left"')
      .example('schsm pin status --so-pin --json', 'SO-PIN retries, machine-readable')
      .strict(),
  handler: async (args, ctx) => (await import('./run-status.ts')).runPinStatus(args, ctx),
});

const verify = defineCommand({
  command: 'verify',
  describe: 'check the user PIN (refuses on the last try unless --allow-last-try)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .example('schsm pin verify', 'asks for the PIN (hidden)')
      .example('PIN=… schsm pin verify --pin-env PIN', 'from the environment')
      .strict(),
  handler: async (args, ctx) => (await import('./run-verify.ts')).runPinVerify(args, ctx),
});

const change = defineCommand({
  command: 'change',
  describe: 'change the user PIN (or with --so-pin the SO-PIN): CHANGE REFERENCE DATA',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('so-pin', {
        type: 'boolean',
        default: false,
        description: 'change the SO-PIN (16 hex digits); --pin-env/--new-pin-env/--pin-stdin then carry SO-PINs',
      })
      .option('new-pin-env', { type: 'string', description: 'read the new PIN from this environment variable' })
      .option('new-pin', { type: 'string', description: 'the new PIN itself (leaks into shell history and ps)' })
      .example('schsm pin change', 'asks for the current PIN, then the new one twice (hidden)')
      .example('printf "%s\\n%s\\n" "$OLD" "$NEW" | schsm pin change --pin-stdin', 'current and new PIN as two lines of stdin')
      .example('schsm pin change --so-pin', 'change the SO-PIN')
      .strict(),
  handler: async (args, ctx) => (await import('./run-change.ts')).runPinChange(args, ctx),
});

const unblock = defineCommand({
  command: 'unblock',
  describe: "reset the user PIN's retry counter with the SO-PIN and set a new PIN (RESET RETRY COUNTER)",
  needsCard: true,
  builder: (y) =>
    withAllowLastTry(y)
      .option('so-pin-env', { type: 'string', description: 'read the SO-PIN from this environment variable' })
      .option('new-pin-env', { type: 'string', description: 'read the new user PIN from this environment variable' })
      .option('stdin', { type: 'boolean', default: false, description: 'read the SO-PIN and then the new user PIN as lines of stdin' })
      .option('reset-only', {
        type: 'boolean',
        default: false,
        description: 'only reset the counter, keep the PIN (P1 01; not every card allows it)',
      })
      .example('schsm pin unblock', 'asks for the SO-PIN and a new user PIN (hidden)')
      .example('SO=… NEW=… schsm pin unblock --so-pin-env SO --new-pin-env NEW', 'unattended')
      .strict(),
  handler: async (args, ctx) => (await import('./run-unblock.ts')).runPinUnblock(args, ctx),
});

const session = defineCommand({
  command: 'session',
  describe: 'generate a session PIN inside a secure channel and write it to a file (GENERATE SESSION PIN)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('out', { alias: 'o', type: 'string', demandOption: true, description: 'file for the session PIN (hex, mode 0600)' })
      .example('schsm pin session -o session.pin', 'chip authentication, VERIFY inside the channel, session PIN to session.pin')
      .example('PIN=… schsm pin session --pin-env PIN -o /run/user/1000/hsm.pin --json', 'unattended')
      .strict(),
  handler: async (args, ctx) => (await import('./run-session.ts')).runPinSession(args, ctx),
});

/** `schsm pin …`: PIN status, verify, change, unblock — every attempt behind the retry guard. */
export const pinCommand = defineGroup({
  command: 'pin',
  describe: 'user PIN and SO-PIN: status, verify, change, unblock, session PIN',
  subcommands: [status, verify, change, unblock, session],
});
