/**
 * `schsm status`: read-only. VERIFY-status of both PINs (never spends a try), DKEK query, EF 2F02
 * (device CVC ‖ DICA CVC) with its signature chain, ENUMERATE OBJECTS for the key count (§7, §8.4, §10).
 */
import type { CardStatus } from '../../../card/card-status.ts';
import { verifyDeviceChain, type DeviceChainVerification } from '../../../card/cvc-verify.ts';
import type { PinStatus } from '../../../card/commands/verify-pin.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { field, printJson } from '../../output.ts';
import { dkekLines } from '../dkek/run-status.ts';

export interface StatusReport {
  readonly reader: string;
  readonly status: CardStatus;
  readonly chain: DeviceChainVerification | undefined;
  /** Why the chain could not be checked (no EF 2F02, undecodable certificate). */
  readonly chainError: string | undefined;
}

/** Verify the device certificate chain from the EF 2F02 content `status()` already read. */
function checkChain(certificates: Uint8Array | undefined): { chain: DeviceChainVerification | undefined; chainError: string | undefined } {
  if (certificates === undefined) return { chain: undefined, chainError: 'no device certificate (EF 2F02 missing)' };
  try {
    return { chain: verifyDeviceChain(certificates), chainError: undefined };
  } catch (err) {
    if (err instanceof Error && 'code' in err) return { chain: undefined, chainError: err.message };
    throw err;
  }
}

/** Read everything `schsm status` shows. */
export async function readStatusReport(card: SmartCardHsm): Promise<StatusReport> {
  const status = await card.status();
  return { reader: card.transport.name, status, ...checkChain(status.deviceCertificates) };
}

function tries(s: PinStatus): string {
  switch (s.state) {
    case 'not-verified':
      return String(s.retriesLeft ?? '?');
    case 'verified':
      return 'verified';
    case 'blocked':
      return '0 (BLOCKED)';
    case 'transport-pin':
      return 'transport PIN set, change it before first use';
    case 'not-initialized':
      return 'not set';
  }
}

function dkekStatusLines(s: CardStatus): string[] {
  return s.dkek === undefined ? [field('DKEK', 'none (initialised without --dkek-shares: keys cannot be wrapped)')] : dkekLines(s.dkek);
}

function chainLines(r: StatusReport): string[] {
  if (r.chain === undefined) return [field('Device certificate', r.chainError ?? 'unknown')];
  const issuer = r.chain.dica === undefined ? '' : ` (issued by ${r.chain.dica.body.chr})`;
  return [field('Device certificate', `${r.chain.device.body.chr}${issuer}`), field('Certificate chain', r.chain.summary)];
}

/** The human-readable report, sc-hsm-tool's lines first. */
export function formatStatus(r: StatusReport): string[] {
  const s = r.status;
  const head = [
    field('Reader', r.reader),
    field('Serial number', s.serial ?? 'unknown'),
    field('Version', `${s.version.major}.${s.version.minor}`),
    field('Applet', s.appletType),
  ];
  if (!s.initialized) {
    return [...head, 'SmartCard-HSM has never been initialized. Please use `schsm init` to set SO-PIN and user PIN.', ...chainLines(r)];
  }
  const opts = s.options?.flags ?? [];
  return [
    ...head,
    field('Config options', opts.length === 0 ? 'none' : ''),
    ...opts.map((o) => `  ${o.charAt(0).toUpperCase()}${o.slice(1)}`),
    field('SO-PIN tries left', tries(s.soPin)),
    field('User PIN tries left', tries(s.userPin)),
    ...dkekStatusLines(s),
    field('Keys', s.keyCount),
    ...chainLines(r),
  ];
}

function jsonOf(r: StatusReport): unknown {
  const c = r.chain;
  const { deviceCertificates: _raw, ...status } = r.status;
  return {
    reader: r.reader,
    ...status,
    dkek:
      r.status.dkek === undefined
        ? null
        : {
            total: r.status.dkek.total,
            outstanding: r.status.dkek.outstanding,
            kcv: r.status.dkek.outstanding === 0 ? r.status.dkek.kcv : null,
          },
    deviceCertificate:
      c === undefined
        ? { error: r.chainError ?? null }
        : {
            chr: c.device.body.chr,
            dica: c.dica?.body.chr ?? null,
            root: c.rootChr ?? null,
            rootKind: c.root?.kind ?? null,
            deviceVerified: c.deviceVerified ?? null,
            rootKnown: c.rootKnown,
            dicaVerified: c.dicaVerified ?? null,
            verified: c.verified,
            summary: c.summary,
          },
  };
}

/**
 * What `schsm status` adds on stderr about the chain: an error (exit FAILED) when a signature in it is
 * wrong, a warning when it reaches CardContact's test root; nothing for an unknown root (the summary says so).
 */
export function chainVerdict(chain: DeviceChainVerification | undefined): { readonly error?: string; readonly warning?: string } {
  if (chain === undefined) return {};
  if (chain.deviceVerified === false)
    return { error: 'the device certificate does not verify with its issuer (DICA): this may not be a genuine device' };
  if (chain.dicaVerified === false)
    return { error: `the DICA certificate does not verify with root ${chain.rootChr ?? '?'}: this may not be a genuine device` };
  if (chain.root?.kind === 'test')
    return { warning: `the device chains to CardContact's TEST root ${chain.root.chr}: it is not a production SmartCard-HSM` };
  return {};
}

export async function runStatus(args: CardArgs & { json?: boolean }, ctx: CliContext): Promise<number> {
  const report = await withCard(args, ctx, readStatusReport);
  if (args.json === true) printJson(ctx, jsonOf(report));
  else for (const l of formatStatus(report)) line(ctx.stdout, l);
  const { error, warning } = chainVerdict(report.chain);
  if (warning !== undefined) line(ctx.stderr, `warning: ${warning}`);
  if (error === undefined) return EXIT.OK;
  line(ctx.stderr, `error: ${error}`);
  return EXIT.FAILED;
}
