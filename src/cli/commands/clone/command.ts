import { defineCommand } from '../../command.ts';
import { withPinOptions } from '../../pin-flags.ts';

/**
 * `schsm clone --from READER --to READER`: the device-replication runbook as one command: equal DKEK
 * KCVs or refuse (exit 4, nothing touched; a KCV a device hides until login is read after it, kcv.ts), wrap every key on the source, unwrap on the target with
 * its PRKD/certificate, prove each copy with the original public key, report per key.
 */
export const cloneCommand = defineCommand({
  command: 'clone',
  describe: 'copy every key from one device to another with the same DKEK (wrap → unwrap → prove)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('from', { type: 'string', demandOption: true, description: 'source reader (name, part of it, or index)' })
      .option('to', { type: 'string', demandOption: true, description: 'target reader' })
      .option('to-pin-env', {
        type: 'string',
        description: 'user PIN of the target from this environment variable (with --pin-stdin: the second line)',
      })
      .option('dry-run', {
        type: 'boolean',
        default: false,
        description: 'check DKEKs and list what would be copied; change nothing (logs in only to a device that shows its KCV after login)',
      })
      .example('schsm clone --from "PCD 00 00" --to "PCD 00 01" --dry-run', 'what would be copied')
      .example('SRC=… DST=… schsm clone --from 0 --to 1 --pin-env SRC --to-pin-env DST', 'copy all keys')
      .strict(),
  handler: async (args, ctx) => (await import('./run.ts')).runClone(args, ctx),
});
