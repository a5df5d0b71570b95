import type { KeyDomainInfo } from '../../../card/key-domains.ts';
import { UsageError } from '../../exit-codes.ts';
import { HIDDEN_KCV_TEXT } from '../dkek/run-status.ts';

/** One line per slot: `domain N  free` or `domain N  DKEK  T share(s)  <missing|complete>  KCV …`. */
export function domainLine(d: KeyDomainInfo): string {
  if (d.state === 'free') return `domain ${d.domain}  free`;
  const s = d.status;
  const kind = d.state === 'xkek' ? 'XKEK' : 'DKEK';
  const shares = d.state === 'xkek' ? '' : `  ${s.total} share(s)`;
  const progress = s.outstanding > 0 ? `  ${s.outstanding} share(s) missing` : '  complete';
  const kcv = s.outstanding > 0 ? '' : `  KCV ${s.kcvHidden ? HIDDEN_KCV_TEXT : s.kcv}`;
  const uid = d.state === 'xkek' ? `  UID ${d.uid}` : '';
  return `domain ${d.domain}  ${kind}${shares}${progress}${kcv}${uid}`;
}

export function domainJson(d: KeyDomainInfo): unknown {
  if (d.state === 'free') return { domain: d.domain, state: 'free', total: null, outstanding: null, complete: false, kcv: null };
  const s = d.status;
  const complete = s.outstanding === 0;
  return {
    domain: d.domain,
    state: d.state,
    total: s.total,
    outstanding: s.outstanding,
    complete,
    kcv: complete && !s.kcvHidden ? s.kcv : null,
    kcvHidden: s.kcvHidden,
    ...(d.state === 'xkek' ? { uid: d.uid } : {}),
  };
}

/** `--domain N` as the card layer takes it (0..255), or a usage error naming the flag. */
export function domainArg(n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new DomainArgError(n);
  return n;
}

class DomainArgError extends UsageError {
  constructor(n: number) {
    super(`--domain must be a key domain number 0..255, got ${n}`, "see `schsm domain list` for the device's domains");
  }
}
