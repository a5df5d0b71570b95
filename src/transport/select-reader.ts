/**
 * Which reader a user's `--reader` words name, given the reader names pcscd lists: pure (no PC/SC
 * binding), so the explorer can resolve reader names it was handed without loading PC/SC itself.
 */
import { PcscError, PCSC_CODE } from './pcsc-errors.ts';

/** Pick the reader named by `selector`: exact name, index (all digits), or unique case-insensitive fragment. */
export function selectReader(names: readonly string[], selector: string): string {
  if (names.includes(selector)) return selector;
  const list = names.map((n, i) => `${i}: ${n}`).join('; ') || 'none';
  if (/^\d+$/.test(selector)) {
    const byIndex = names[Number(selector)];
    if (byIndex !== undefined) return byIndex;
    throw new PcscError(`no reader with index ${selector} (pcscd lists ${names.length})`, PCSC_CODE.SCARD_E_UNKNOWN_READER, {
      hint: `readers: ${list}`,
    });
  }
  const hits = names.filter((n) => n.toLowerCase().includes(selector.toLowerCase()));
  const [only] = hits;
  if (hits.length === 1 && only !== undefined) return only;
  if (hits.length > 1) {
    throw new PcscError(`reader "${selector}" is ambiguous: it matches ${hits.map((h) => `"${h}"`).join(', ')}`, undefined, {
      code: 'ERR_SCHSM_PCSC_AMBIGUOUS_READER',
      hint: `give more of the name, or the index (readers: ${list})`,
    });
  }
  throw new PcscError(`no reader named "${selector}"`, PCSC_CODE.SCARD_E_UNKNOWN_READER, {
    hint:
      names.length === 0
        ? 'pcscd sees no readers: connect one (`schsm readers`)'
        : `readers: ${list}; pick one with --reader NAME|PART|INDEX`,
  });
}
