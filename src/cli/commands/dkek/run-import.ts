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
import { type GuardArgs, type PinArgs, withLogin } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { domainArg } from '../domain/domain-view.ts';
import { dkekJson, dkekLines } from './run-status.ts';
import { checkShareArgs, openShareFiles } from './share-open.ts';

export interface ImportShareArgs extends CardArgs, PinArgs, GuardArgs {
  /** Key domain (P2, §3.10); absent = 0. Another domain needs the user PIN. */
  readonly domain?: number | undefined;
  readonly files: readonly string[];
  readonly passwordEnv?: readonly string[] | undefined;
  readonly passwordStdin?: boolean;
  readonly thresholdShares?: number | undefined;
  readonly sharesFile?: string | undefined;
  readonly shareIdBase?: ShareIdBase;
}

/** Refuse before asking for any password when the card cannot take the shares. */
function checkCard(d: DkekStatus, count: number, domain: number): void {
  if (d.outstanding === 0)
    throw new RefusedError(
      `all ${d.total} DKEK share(s)${domain === 0 ? '' : ` of key domain ${domain}`} are already imported (KCV ${d.kcv})`,
      domain === 0
        ? 'importing more would change nothing on a real card; re-initialise to start a new DKEK'
        : `importing more would change nothing; \`schsm domain clear --domain ${domain} --yes\` starts its DKEK anew`,
    );
  if (count > d.outstanding)
    throw new RefusedError(
      `${count} share files given, but only ${d.outstanding} share(s) are still missing`,
      'import only the shares that belong to this device',
    );
}

async function importAll(card: SmartCardHsm, shares: readonly Uint8Array[], domain: number): Promise<DkekStatus[]> {
  return card.exclusive(async () => {
    const out: DkekStatus[] = [];
    for (const share of shares) out.push(await importDkekShare(card, share, domain));
    return out;
  });
}

export async function runImportShare(args: ImportShareArgs, ctx: CliContext): Promise<number> {
  checkShareArgs(args);
  const domain = domainArg(args.domain) ?? 0;
  const files: Uint8Array[] = [];
  for (const f of args.files) files.push(await readInputFile(ctx, f, 'DKEK share file', INPUT_LIMITS.dkekShare)); // a missing file fails before the card is touched
  return withDevice(args, ctx, async (card) => {
    checkCard(await queryDkekStatus(card, domain), args.files.length, domain);
    const reader = new SecretReader(ctx);
    const shares = await openShareFiles(ctx, reader, args, files);
    try {
      // domain 0 takes shares without a login (sc-hsm-tool does so); another domain needs the user PIN (§3.10)
      const states =
        domain === 0 ? await importAll(card, shares, 0) : await withLogin(card, reader, args, () => importAll(card, shares, domain));
      const last = states[states.length - 1];
      if (args.json === true) printJson(ctx, { imported: args.files, domain, ...(last === undefined ? {} : (dkekJson(last) as object)) });
      else
        for (const [i, s] of states.entries()) {
          line(ctx.stdout, `imported ${args.files[i]}${domain === 0 ? '' : ` into key domain ${domain}`}`);
          for (const l of dkekLines(s)) line(ctx.stdout, l);
        }
      return EXIT.OK;
    } finally {
      for (const s of shares) s.fill(0);
    }
  });
}
