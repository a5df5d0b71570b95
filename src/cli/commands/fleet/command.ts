import { defineCommand, defineGroup } from '../../command.ts';
import { withPinOptions } from '../../pin-flags.ts';

/** `schsm fleet status`: a pool of HSMs, side by side, and whether they hold the same DKEK and keys. */
const status = defineCommand({
  command: 'status',
  describe: 'compare a pool of HSMs (local readers and pcscd sockets): DKEK KCV, keys, firmware, PINs; exit 1 when they differ',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('socket', {
        type: 'string',
        array: true,
        description: 'a remote pcscd socket (e.g. forwarded with ssh -L), PATH or PATH=label; repeat for each host',
      })
      .option('local', {
        type: 'boolean',
        default: true,
        description: 'include the local readers with a card when no --reader is named (--no-local: only the --socket hosts)',
      })
      .example('schsm fleet status', 'every local reader with a card')
      .example('schsm fleet status --reader 0 --reader 1 --json', 'two named devices, machine-readable')
      .example(
        'ssh -N -L /tmp/b.comm:/run/pcscd/pcscd.comm hsm-b & schsm fleet status --socket /tmp/b.comm=hsm-b',
        'the local devices and those of host hsm-b',
      )
      .example('PIN=… schsm fleet status --pin-env PIN', 'also AES check values computed by each card (logs in once per device)')
      .epilogue(
        [
          'Consistent: the same DKEK (KCV per key domain) and the same keys, matched by ID (else label): type, label, public-key fingerprint.',
          'AES keys: given the user PIN, each card encrypts a zero block (AES-CBC, zero IV), the first 3 bytes are compared; else type and label.',
          'Firmware and PIN differences are shown, not counted. The devices outside the majority are marked "<- differs".',
          'The same PIN (--pin-env or --pin-stdin) is used on every device; fleet never prompts, and with several local cards it needs --reader for each.',
          'Exit 0 consistent; 1 the devices differ or one could not be read; 3 no device found; 4 a PIN for cards that were not named.',
        ].join('\n'),
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run-status.ts')).runFleetStatus(args, ctx),
});

export const fleetCommand = defineGroup({
  command: 'fleet',
  describe: 'a pool of HSMs that should hold the same keys (load balancing, fail-over)',
  subcommands: [status],
});
