/**
 * Which bytes of an APDU exchange are secret. One rule set, used by the transport's traffic log, the
 * trace recorder and the trace importer, so that a PIN, SO-PIN or DKEK share never reaches a log line,
 * a trace file or a test snapshot unless the user turns redaction off.
 *
 * Kept at the transport level on purpose: it needs only the ISO 7816-4 header/length layout, and the
 * transport's own `debug` log must redact without importing the codec above it.
 */

/** A byte range [start, end) of an APDU that must not be shown, and why. */
export interface Redaction {
  readonly start: number;
  readonly end: number;
  readonly what: string;
}

export interface RedactOptions {
  /** Also hide the key blob of UNWRAP KEY (and its staging writes to EF 2F10). Off by default. */
  readonly unwrap?: boolean;
}

/** Offset and length of the command data field, from the ISO 7816-4 length encoding. */
export function commandDataRange(apdu: Uint8Array): { start: number; end: number } | undefined {
  if (apdu.length <= 5) return undefined; // case 1 or 2S: no data
  const b4 = apdu[4] ?? 0;
  if (b4 !== 0) return { start: 5, end: Math.min(apdu.length, 5 + b4) };
  if (apdu.length <= 7) return undefined; // case 2E
  const lc = ((apdu[5] ?? 0) << 8) | (apdu[6] ?? 0);
  return { start: 7, end: Math.min(apdu.length, 7 + lc) };
}

// INS bytes below are apdu/ins.ts's (VERIFY 20, CHANGE REFERENCE DATA 24, RESET RETRY COUNTER 2C, INITIALIZE
// DEVICE 50, IMPORT DKEK SHARE 52, UNWRAP KEY 74, UPDATE BINARY odd D7, GET CHALLENGE 84), written out
// because this layer may not import apdu/; test/transport/redact-ins.test.ts keeps the two equal.
const WHOLE_DATA: Readonly<Record<number, string>> = {
  0x20: 'PIN (VERIFY)',
  0x24: 'old and new PIN (CHANGE REFERENCE DATA)',
  0x2c: 'SO-PIN and new PIN (RESET RETRY COUNTER)',
  0x52: 'DKEK share (IMPORT DKEK SHARE)',
};

/** INITIALIZE DEVICE TLVs whose values are secret: 81 user PIN, 82 SO-PIN / initialization code. */
const INITIALIZE_SECRET_TAGS: Readonly<Record<number, string>> = { 0x81: 'user PIN', 0x82: 'SO-PIN' };

/** The secret ranges of a command APDU (empty when nothing needs hiding). */
export function commandSecrets(apdu: Uint8Array, options: RedactOptions = {}): Redaction[] {
  const range = commandDataRange(apdu);
  if (range === undefined || apdu.length < 4) return [];
  const ins = apdu[1] ?? 0;
  const whole = WHOLE_DATA[ins];
  if (whole !== undefined) return [{ ...range, what: whole }];
  if (ins === 0x50) return initializeSecrets(apdu, range);
  if (options.unwrap === true) {
    if (ins === 0x74) return [{ ...range, what: 'wrapped key blob (UNWRAP KEY)' }];
    const isUpdate2F10 = ins === 0xd7 && apdu[2] === 0x2f && apdu[3] === 0x10;
    if (isUpdate2F10) return [{ ...range, what: 'wrapped key blob (UPDATE BINARY EF 2F10)' }];
  }
  return [];
}

function initializeSecrets(apdu: Uint8Array, range: { start: number; end: number }): Redaction[] {
  const out: Redaction[] = [];
  let i = range.start;
  while (i + 2 <= range.end) {
    const tag = apdu[i] ?? 0;
    let len = apdu[i + 1] ?? 0;
    let head = 2;
    if (len === 0x81) {
      len = apdu[i + 2] ?? 0;
      head = 3;
    } else if (len > 0x81) return [{ ...range, what: 'INITIALIZE DEVICE data (unparsable, hidden whole)' }];
    const what = INITIALIZE_SECRET_TAGS[tag];
    const end = Math.min(range.end, i + head + len);
    if (what !== undefined) out.push({ start: i + head, end, what: `${what} (INITIALIZE DEVICE)` });
    i += head + len;
  }
  return out;
}

// Response data that is secret, by INS: GET CHALLENGE 84, GENERATE SESSION PIN 5A (apdu/ins.ts).
const SECRET_RESPONSES: Readonly<Record<number, string>> = {
  0x84: 'card random (GET CHALLENGE)',
  0x5a: 'session PIN (GENERATE SESSION PIN)',
};

/**
 * Secret ranges of a response, given the command that produced it. Card random numbers are hidden:
 * sc-hsm-tool builds DKEK shares, threshold passwords and prime seeds from GET CHALLENGE, so a
 * challenge may be key material. A generated session PIN is a PIN.
 */
export function responseSecrets(command: Uint8Array, response: Uint8Array): Redaction[] {
  const what = SECRET_RESPONSES[command[1] ?? 0];
  if (what !== undefined && response.length > 2) return [{ start: 0, end: response.length - 2, what }];
  return [];
}

/**
 * Hex of bytes [from, to) with every secret byte shown as `..` (the trace format's "any byte" mask),
 * `separator` between bytes.
 */
export function redactedHex(bytes: Uint8Array, secrets: readonly Redaction[], separator = '', from = 0, to = bytes.length): string {
  const parts: string[] = [];
  for (let i = from; i < to; i++) {
    const hidden = secrets.some((r) => i >= r.start && i < r.end);
    parts.push(hidden ? '..' : (bytes[i] ?? 0).toString(16).padStart(2, '0').toUpperCase());
  }
  return parts.join(separator);
}
