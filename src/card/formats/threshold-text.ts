/**
 * Text form of threshold password shares, as sc-hsm-tool prints and reads them (§8.3 steps 6–7):
 *
 *   Prime       : f5:63:87:25:4b:a5:5f:f3        big-endian, minimal length (BN_bn2bin), lowercase, ':'
 *   Share ID    : 3
 *   Share value : 1c:9a:…                         same encoding as the prime
 *
 * Share IDs: sc-hsm-tool prints x in decimal and parses what custodians type as hex. schsm prints
 * x in hex (without "0x", so sc-hsm-tool reads it right) and chooses x so that hex text = the share's
 * decimal number (threshold.ts `shareIdForNumber`): our printouts are the same under both readings.
 * Reading: IDs are hex by default (our printouts, and what sc-hsm-tool's import assumes); a "0x" prefix
 * is always hex; `idBase: 'decimal'` reads sc-hsm-tool's printouts of sets with ≥ 10 shares correctly
 * (`decimalReadingDiffers` tells a front end when to offer that).
 */
import { FormatInputError } from './errors.ts';
import type { PasswordShare } from './threshold.ts';

export type ShareIdBase = 'hex' | 'decimal';

/** Minimal big-endian bytes of `value` as lowercase `aa:bb:cc` (zero prints as "00"). */
export function formatColonHex(value: bigint): string {
  if (value < 0n) throw new FormatInputError('cannot print a negative number');
  let h = value.toString(16);
  if (h.length % 2 === 1) h = `0${h}`;
  return h.match(/../g)?.join(':') ?? '';
}

/** A share ID as schsm prints it: x in hex, no prefix. */
export function formatShareId(id: bigint): string {
  return id.toString(16);
}

/** The three lines sc-hsm-tool shows per custodian (without its screen clearing and prompts). */
export function formatPasswordShare(prime: bigint, share: PasswordShare): string {
  return [
    `Prime       : ${formatColonHex(prime)}`,
    `Share ID    : ${formatShareId(share.id)}`,
    `Share value : ${formatColonHex(share.value)}`,
  ].join('\n');
}

/** A hex number as custodians type it: digits with optional ':' or whitespace between them, optional 0x. */
export function parseColonHex(text: string, what: string): bigint {
  const clean = text.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (clean === '') throw new FormatInputError(`${what} is empty`, 'type the hex bytes, e.g. f5:63:87:25:4b:a5:5f:f3');
  const bad = /[^0-9a-f]/i.exec(clean);
  if (bad !== null) {
    // Position only: the text is a share or a password part, never repeated in a message.
    throw new FormatInputError(
      `${what}: character ${bad.index + 1} (not counting ':' and spaces) is not a hex digit`,
      'only 0-9, a-f, ":" and spaces are allowed',
    );
  }
  return BigInt(`0x${clean}`);
}

/** A share ID as typed: hex by default (see file comment), decimal on request; "0x…" is always hex. */
export function parseShareId(text: string, idBase: ShareIdBase = 'hex'): bigint {
  const t = text.trim();
  const hex = idBase === 'hex' || /^0x/i.test(t);
  const digits = hex ? t.replace(/^0x/i, '') : t;
  const ok = hex ? /^[0-9a-f]+$/i.test(digits) : /^[0-9]+$/.test(digits);
  if (!ok) {
    throw new FormatInputError(
      `the share ID is not a ${hex ? 'hex' : 'decimal'} number (its text is not repeated)`,
      'the share ID is the number printed as "Share ID" next to the share',
    );
  }
  const id = BigInt(hex ? `0x${digits}` : digits);
  if (id === 0n) throw new FormatInputError('share ID 0 does not exist (IDs start at 1)');
  return id;
}

/**
 * True when reading these ID texts as decimal gives other numbers than reading them as hex, i.e. when
 * shares printed by sc-hsm-tool (decimal) would be misread: some ID ≥ 10 without a 0x prefix.
 */
export function decimalReadingDiffers(idTexts: readonly string[]): boolean {
  return idTexts.some((t) => /^\s*[0-9]+\s*$/.test(t) && Number(t) >= 10);
}

export interface ParsedShareText {
  readonly prime: bigint;
  readonly share: PasswordShare;
  /** The ID exactly as written, for re-reading with the other base. */
  readonly idText: string;
}

function field(text: string, label: string): string {
  const m = new RegExp(`^\\s*${label}\\s*:(.*)$`, 'im').exec(text);
  if (m === null)
    throw new FormatInputError(`no "${label} :" line in the share text`, 'paste the three lines Prime, Share ID and Share value');
  return m[1] ?? '';
}

/** Parse a pasted sc-hsm-tool / schsm share printout (the three labelled lines, any order, extra lines ignored). */
export function parsePasswordShareText(text: string, idBase: ShareIdBase = 'hex'): ParsedShareText {
  const idText = field(text, 'Share ID').trim();
  return {
    prime: parseColonHex(field(text, 'Prime'), 'prime'),
    share: { id: parseShareId(idText, idBase), value: parseColonHex(field(text, 'Share value'), 'share value') },
    idText,
  };
}
