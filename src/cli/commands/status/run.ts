/**
 * `schsm status`: read-only. VERIFY-status of both PINs (never spends a try), DKEK query, EF 2F02
 * with its signatures, ENUMERATE OBJECTS for the key count (§7, §8.4, §10). EF 2F02 is read liberally
 * (device-identity.ts): a CardContact `device ‖ DICA` chain is verified to the known roots; another
 * implementation's layout (e.g. `67 request ‖ 7F21 self-signed`) is described, its own signatures are
 * checked, and what cannot be verified is said (`notVerified`) instead of failing.
 */
import type { CardStatus } from '../../../card/card-status.ts';
import type { DeviceChainVerification } from '../../../card/cvc-verify.ts';
import { checkDeviceIdentity, type DeviceIdentityCheck, type SelfDescribedIdentity } from '../../../card/device-identity.ts';
import type { PinStatus } from '../../../card/commands/verify-pin.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { withCard, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { field, printJson } from '../../output.ts';
import { type KeyDomainInfo, listKeyDomains } from '../../../card/key-domains.ts';
import { dkekLines } from '../dkek/run-status.ts';
import { domainJson, domainLine } from '../domain/domain-view.ts';

export interface StatusReport {
  readonly reader: string;
  readonly status: CardStatus;
  /** The CardContact device chain (device ‖ DICA in EF 2F02), when EF 2F02 has that layout. */
  readonly chain: DeviceChainVerification | undefined;
  /** EF 2F02 in another implementation's layout, described with the signatures it lets us check. */
  readonly selfDescribed: SelfDescribedIdentity | undefined;
  /** Why the identity could not be checked at all (no EF 2F02, undecodable certificate). */
  readonly chainError: string | undefined;
}

type IdentityParts = Pick<StatusReport, 'chain' | 'selfDescribed' | 'chainError'>;

/** Check the device identity from the EF 2F02 content `status()` already read. */
function checkIdentity(certificates: Uint8Array | undefined): IdentityParts {
  const none = { chain: undefined, selfDescribed: undefined };
  if (certificates === undefined) return { ...none, chainError: 'no device certificate (EF 2F02 missing)' };
  let id: DeviceIdentityCheck;
  try {
    id = checkDeviceIdentity(certificates);
  } catch (err) {
    if (err instanceof Error && 'code' in err) return { ...none, chainError: err.message };
    throw err;
  }
  return id.layout === 'device-and-issuer'
    ? { ...none, chain: id.chain, chainError: undefined }
    : { ...none, selfDescribed: id.identity, chainError: undefined };
}

/** Read everything `schsm status` shows. */
export async function readStatusReport(card: SmartCardHsm): Promise<StatusReport> {
  const status = await card.status();
  return { reader: card.transport.name, status, ...checkIdentity(status.deviceCertificates) };
}

/** Everything the report could not verify, one sentence each (shown as `Not verified` and in --json). */
export function notVerified(r: StatusReport): string[] {
  const out: string[] = [];
  const d = r.status.dkek;
  if (d !== undefined && d.outstanding === 0 && d.kcvHidden)
    out.push('DKEK key check value: the card shows 8 zero bytes until the user PIN is verified (`schsm dkek status --pin-env VAR`)');
  if (r.chainError !== undefined) out.push(`device identity: ${r.chainError}`);
  if (r.selfDescribed !== undefined) out.push(...r.selfDescribed.notVerified.map((n) => `device identity: ${n}`));
  if (r.chain !== undefined && !r.chain.verified) out.push(`device certificate chain: ${r.chain.summary}`);
  return out;
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
  const own = r.selfDescribed;
  if (own !== undefined)
    return [field('Device certificate', `${own.chr ?? '?'} (${own.contents})`), field('Certificate chain', own.summary)];
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
    ...notVerified(r).map((n, i) => (i === 0 ? field('Not verified', n) : `${' '.repeat(23)}${n}`)),
  ];
}

function selfDescribedJson(own: SelfDescribedIdentity): unknown {
  return {
    layout: 'other',
    chr: own.chr ?? null,
    contents: own.contents,
    dica: null,
    root: null,
    rootKind: null,
    deviceVerified: null,
    rootKnown: false,
    dicaVerified: null,
    verified: false,
    selfSignatures: own.signatures,
    summary: own.summary,
  };
}

function identityJson(r: StatusReport): unknown {
  const c = r.chain;
  if (r.selfDescribed !== undefined) return selfDescribedJson(r.selfDescribed);
  return c === undefined
    ? { error: r.chainError ?? null }
    : {
        layout: 'device-and-issuer',
        chr: c.device.body.chr,
        dica: c.dica?.body.chr ?? null,
        root: c.rootChr ?? null,
        rootKind: c.root?.kind ?? null,
        deviceVerified: c.deviceVerified ?? null,
        rootKnown: c.rootKnown,
        dicaVerified: c.dicaVerified ?? null,
        verified: c.verified,
        summary: c.summary,
      };
}

function jsonOf(r: StatusReport): unknown {
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
            kcv: r.status.dkek.outstanding === 0 && !r.status.dkek.kcvHidden ? r.status.dkek.kcv : null,
            kcvHidden: r.status.dkek.kcvHidden,
          },
    deviceCertificate: identityJson(r),
    notVerified: notVerified(r),
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

/**
 * The verdict on EF 2F02 in another implementation's layout: an error when a signature it carries does
 * not verify (as for a CardContact chain), else a warning that the device is not verified as genuine.
 */
export function selfDescribedVerdict(own: SelfDescribedIdentity | undefined): { readonly error?: string; readonly warning?: string } {
  if (own === undefined) return {};
  const bad = own.signatures.filter((s) => !s.verified);
  if (bad.length > 0) return { error: `EF 2F02: ${bad.map((s) => s.what).join('; ')} does NOT verify` };
  return { warning: `the device identity is not verified: EF 2F02 holds ${own.contents} and no certificate from a known root` };
}

/** `--domains`: every key domain slot after the report (status queries `80 52 00 <i>` only, §3.10). */
function domainLines(domains: readonly KeyDomainInfo[]): string[] {
  if (domains.length === 0) return [field('Key domains', 'none')];
  return [field('Key domains', domains.length), ...domains.map((d) => `  ${domainLine(d)}`)];
}

export async function runStatus(args: CardArgs & { json?: boolean; domains?: boolean }, ctx: CliContext): Promise<number> {
  const { report, domains } = await withCard(args, ctx, async (card) => {
    const r = await readStatusReport(card);
    return { report: r, domains: args.domains === true && r.status.initialized ? await listKeyDomains(card) : undefined };
  });
  if (args.json === true)
    printJson(ctx, domains === undefined ? jsonOf(report) : { ...(jsonOf(report) as object), keyDomains: domains.map(domainJson) });
  else for (const l of [...formatStatus(report), ...(domains === undefined ? [] : domainLines(domains))]) line(ctx.stdout, l);
  const { error, warning } = report.selfDescribed === undefined ? chainVerdict(report.chain) : selfDescribedVerdict(report.selfDescribed);
  if (warning !== undefined) line(ctx.stderr, `warning: ${warning}`);
  if (error === undefined) return EXIT.OK;
  line(ctx.stderr, `error: ${error}`);
  return EXIT.FAILED;
}
