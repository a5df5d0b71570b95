/**
 * `schsm dkek import-share FILE…`: decrypt each `.pbe` file on the host (password from env, stdin or a
 * hidden prompt; or rebuilt from threshold shares, §8.3), then import all shares in ONE exclusive
 * section: `80 52 00 00 20 <share> 00` per file (§3.10). Output as sc-hsm-tool prints it (§8.2).
 */
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { queryDkekStatus, importDkekShare, type DkekStatus } from '../../../card/commands/import-dkek-share.ts';
import type { ShareIdBase } from '../../../card/formats/threshold-text.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError } from '../../exit-codes.ts';
import { readInputFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { SecretReader } from '../../secret-input.ts';
import { dkekJson, dkekLines } from './run-status.ts';
import { checkShareArgs, openShareFiles } from './share-open.ts';

export interface ImportShareArgs extends CardArgs {
  readonly files: readonly string[];
  readonly passwordEnv?: readonly string[] | undefined;
  readonly passwordStdin?: boolean;
  readonly thresholdShares?: number | undefined;
  readonly sharesFile?: string | undefined;
  readonly shareIdBase?: ShareIdBase;
}

/** Refuse before asking for any password when the card cannot take the shares. */
function checkCard(d: DkekStatus, count: number): void {
  if (d.outstanding === 0)
    throw new RefusedError(
      `all ${d.total} DKEK share(s) are already imported (KCV ${d.kcv})`,
      'importing more would change nothing on a real card; re-initialise to start a new DKEK',
    );
  if (count > d.outstanding)
    throw new RefusedError(
      `${count} share files given, but only ${d.outstanding} share(s) are still missing`,
      'import only the shares that belong to this device',
    );
}

async function importAll(card: SmartCardHsm, shares: readonly Uint8Array[]): Promise<DkekStatus[]> {
  return card.exclusive(async () => {
    const out: DkekStatus[] = [];
    for (const share of shares) out.push(await importDkekShare(card, share));
    return out;
  });
}

export async function runImportShare(args: ImportShareArgs, ctx: CliContext): Promise<number> {
  checkShareArgs(args);
  const files: Uint8Array[] = [];
  for (const f of args.files) files.push(await readInputFile(ctx, f, 'DKEK share file', INPUT_LIMITS.dkekShare)); // a missing file fails before the card is touched
  return withDevice(args, ctx, async (card) => {
    checkCard(await queryDkekStatus(card), args.files.length);
    const reader = new SecretReader(ctx);
    const shares = await openShareFiles(ctx, reader, args, files);
    try {
      const states = await importAll(card, shares);
      const last = states[states.length - 1];
      if (args.json === true) printJson(ctx, { imported: args.files, ...(last === undefined ? {} : (dkekJson(last) as object)) });
      else
        for (const [i, s] of states.entries()) {
          line(ctx.stdout, `imported ${args.files[i]}`);
          for (const l of dkekLines(s)) line(ctx.stdout, l);
        }
      return EXIT.OK;
    } finally {
      for (const s of shares) s.fill(0);
    }
  });
}
