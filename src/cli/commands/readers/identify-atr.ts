import { INPUT_LIMITS, readBoundedFile } from '../../../transport/bounded-read.ts';
import { toHex } from '../../../apdu/hex.ts';

/**
 * What an ATR is: first the SmartCard-HSM ATRs schsm knows (docs/protocol.md §2.1), then pcsc-tools'
 * list (`smartcard_list.txt`, Ludovic Rousseau) when it is installed.
 */
export interface AtrIdentity {
  readonly source: 'schsm' | 'smartcard_list.txt';
  readonly description: readonly string[];
  /** A SmartCard-HSM for sure (by ATR), or possibly (generic JCOP ATR: SELECT decides). */
  readonly scHsm: 'yes' | 'maybe' | 'no';
}

interface Known {
  readonly pattern: RegExp;
  readonly text: string;
  readonly scHsm: 'yes' | 'maybe' | 'no';
}

/** ATRs as compact upper-case hex (§2.1; checksums verified there). */
const KNOWN: readonly Known[] = [
  {
    pattern: /^3BFE1800008131FE458031815448534D31738021408107FA$/,
    text: 'SmartCard-HSM (CardContact), contact interface, T=1 (also pico-hsm)',
    scHsm: 'yes',
  },
  { pattern: /^3B8E80018031815448534D3173802140810718$/, text: 'SmartCard-HSM (CardContact), contactless interface', scHsm: 'yes' },
  { pattern: /^3BDE18FF8191FE1FC38031815448534D317380214081071C$/, text: 'SmartCard-HSM 4K USB-Token (JCOP 3)', scHsm: 'yes' },
  { pattern: /^3BDE96FF8191FE1FC38031815448534D3173802140810792$/, text: 'SmartCard-HSM (JCOP 3, faster TA1)', scHsm: 'yes' },
  {
    pattern: /^3BF81300008131FE454A434F5076323431B7$/,
    text: 'JCOP v2.4.1 card: may carry the SmartCard-HSM applet (SELECT decides)',
    scHsm: 'maybe',
  },
  { pattern: /^3B80800101$/, text: 'SmartCard-HSM SoC sample card (SELECT decides)', scHsm: 'maybe' },
  { pattern: /^3B8[4-9A-F]8001476F4944/, text: 'Bundesdruckerei GoID (SmartCard-HSM SoC variant; SELECT decides)', scHsm: 'maybe' },
  { pattern: /^3B8A8001736368736D2D6563686F41$/, text: 'schsm echo test card (virtual, src/sim/echo-card.ts)', scHsm: 'no' },
];

export const SMARTCARD_LIST = '/usr/share/pcsc/smartcard_list.txt';

/** The built-in table only (synchronous, no I/O). */
export function identifyKnownAtr(atrHex: string): AtrIdentity | undefined {
  const k = KNOWN.find((e) => e.pattern.test(atrHex));
  return k === undefined ? undefined : { source: 'schsm', description: [k.text], scHsm: k.scHsm };
}

/**
 * Look `atrHex` up in smartcard_list.txt: blocks of an ATR regular expression over upper-case,
 * space-separated bytes, then tab-indented description lines, then an empty line. The whole ATR must
 * match (as pcsc-tools' ATR_analysis does).
 */
export function lookupSmartcardList(text: string, atrHex: string): string[] | undefined {
  const spaced = atrHex.replace(/(..)(?!$)/g, '$1 ');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (l === '' || l.startsWith('#') || l.startsWith('\t')) continue;
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${l.trim()})$`, 'i');
    } catch {
      continue;
    }
    if (!re.test(spaced)) continue;
    const out: string[] = [];
    for (let j = i + 1; j < lines.length && (lines[j] ?? '').startsWith('\t'); j++) out.push((lines[j] ?? '').trim());
    return out;
  }
  return undefined;
}

/** Identify an ATR (empty ATR: undefined). */
export async function identifyAtr(atr: Uint8Array, listFile = SMARTCARD_LIST): Promise<AtrIdentity | undefined> {
  if (atr.length === 0) return undefined;
  const hex = toHex(atr);
  const known = identifyKnownAtr(hex);
  if (known !== undefined) return known;
  const text = await readBoundedFile(listFile, INPUT_LIMITS.atrList, { what: 'ATR list' })
    .then((b) => new TextDecoder().decode(b))
    .catch(() => undefined);
  const found = text === undefined ? undefined : lookupSmartcardList(text, hex);
  if (found === undefined) return undefined;
  return {
    source: 'smartcard_list.txt',
    description: found,
    scHsm: found.some((d) => /smart ?card-hsm|nitrokey hsm/i.test(d)) ? 'maybe' : 'no',
  };
}
