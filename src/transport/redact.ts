/**
 * Which bytes of an APDU exchange are secret. One rule set (the table in secret-instructions.ts),
 * used by the transport's traffic log, the trace recorder and importer, the explorer and the CLI's
 * raw-APDU output, so that a PIN, SO-PIN, DKEK share, decrypted plaintext or card random never reaches
 * a log line, a trace file, `--json` or an error message unless the user turns redaction off.
 *
 * The rule is by instruction, not by length bytes: for a secret command the whole data field is
 * hidden; when the length bytes do not describe the APDU (a malformed one, or a PIN typed without
 * Lc), everything after the four header bytes is hidden, since any of it may be the secret.
 */
import { GET_RESPONSE_INS, SECRET_INSTRUCTIONS, secretWhat } from './secret-instructions.ts';

export { SECRET_INSTRUCTIONS, type SecretInstruction } from './secret-instructions.ts';

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

/**
 * Offset and length of the command data field when the APDU is well formed (ISO 7816-4 §5.1 cases 3
 * and 4, short or extended, the length bytes matching the APDU's length); undefined when it carries
 * no data (cases 1 and 2); `'malformed'` when the length bytes do not describe the bytes.
 */
export function commandDataRange(apdu: Uint8Array): { start: number; end: number } | undefined | 'malformed' {
  const n = apdu.length;
  if (n < 4) return 'malformed';
  if (n <= 5) return undefined; // case 1 or 2S
  const b4 = apdu[4] ?? 0;
  if (b4 !== 0) return n === 5 + b4 || n === 6 + b4 ? { start: 5, end: 5 + b4 } : 'malformed';
  if (n < 7) return 'malformed';
  if (n === 7) return undefined; // case 2E
  const lc = ((apdu[5] ?? 0) << 8) | (apdu[6] ?? 0);
  return lc !== 0 && (n === 7 + lc || n === 9 + lc) ? { start: 7, end: 7 + lc } : 'malformed';
}

/** Is `ins` in the table for its command data or its response (opt-in entries only when asked)? */
export function isSecretInstruction(ins: number, options: RedactOptions = {}): boolean {
  const rule = SECRET_INSTRUCTIONS[ins];
  return rule !== undefined && (rule.optIn !== 'unwrap' || options.unwrap === true);
}

/** Does an APDU with this INS carry secret command data (for some P1/P2)? Opt-in entries excluded. */
export function carriesSecretData(ins: number): boolean {
  const rule = SECRET_INSTRUCTIONS[ins];
  return rule?.command !== undefined && rule.optIn === undefined;
}

/** What the command data of this APDU holds when it is secret, else undefined. */
function commandWhat(apdu: Uint8Array, options: RedactOptions): string | undefined {
  const ins = apdu[1] ?? 0;
  const rule = SECRET_INSTRUCTIONS[ins];
  if (rule === undefined || (rule.optIn === 'unwrap' && options.unwrap !== true)) return undefined;
  return secretWhat(rule.command, apdu[2] ?? 0, apdu[3] ?? 0);
}

/** The secret ranges of a command APDU (empty when nothing needs hiding). */
export function commandSecrets(apdu: Uint8Array, options: RedactOptions = {}): Redaction[] {
  if (apdu.length < 2) return [];
  const what = commandWhat(apdu, options);
  if (what === undefined) return [];
  const range = commandDataRange(apdu);
  if (range === undefined) return [];
  if (range === 'malformed') {
    return apdu.length > 4 ? [{ start: 4, end: apdu.length, what: `${what}; malformed APDU, all after the header hidden` }] : [];
  }
  return [{ ...range, what }];
}

/** What the response data of this command holds when it is secret, else undefined. */
export function responseWhat(command: Uint8Array): string | undefined {
  const rule = SECRET_INSTRUCTIONS[command[1] ?? 0];
  return rule === undefined || rule.optIn !== undefined ? undefined : secretWhat(rule.response, command[2] ?? 0, command[3] ?? 0);
}

/**
 * Secret ranges of a response, given the command that produced it: decrypted data, ECDH shared
 * secrets, derived keys, and card random (sc-hsm-tool builds DKEK shares and threshold passwords from
 * GET CHALLENGE, so a challenge may be key material). Stateless: a response continued by GET RESPONSE
 * needs an ExchangeRedactor, which remembers what the 61xx was about.
 */
export function responseSecrets(command: Uint8Array, response: Uint8Array): Redaction[] {
  const what = responseWhat(command);
  return what !== undefined && response.length > 2 ? [{ start: 0, end: response.length - 2, what }] : [];
}

/** The secret ranges of one exchange. */
export interface ExchangeSecrets {
  readonly command: Redaction[];
  readonly response: Redaction[];
}

/**
 * Redaction of a stream of exchanges in order. Like responseSecrets, and also: when a secret response
 * was cut short with 61xx, the GET RESPONSE answers that follow are as secret as it was (a 512-byte
 * DECIPHER or a long GET CHALLENGE over a short-APDU reader arrives that way).
 */
export class ExchangeRedactor {
  readonly #options: RedactOptions;
  #continuing: string | undefined;

  constructor(options: RedactOptions = {}) {
    this.#options = options;
  }

  /** The secrets of the next exchange of the stream. */
  next(command: Uint8Array, response: Uint8Array): ExchangeSecrets {
    const ins = command[1] ?? 0;
    const what = ins === GET_RESPONSE_INS && this.#continuing !== undefined ? this.#continuing : responseWhat(command);
    const n = response.length;
    this.#continuing = what !== undefined && n >= 2 && response[n - 2] === 0x61 ? what : undefined;
    return {
      command: commandSecrets(command, this.#options),
      response: what !== undefined && n > 2 ? [{ start: 0, end: n - 2, what }] : [],
    };
  }
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

/** An APDU as hex with its secret bytes as `..` (the form every output uses for a command). */
export function redactedCommandHex(apdu: Uint8Array, separator = '', options: RedactOptions = {}): string {
  return redactedHex(apdu, commandSecrets(apdu, options), separator);
}

/** Summary of what redaction hides, from the table (for trace headers and warnings). */
export function redactedSummary(options: RedactOptions = {}): string[] {
  return Object.entries(SECRET_INSTRUCTIONS)
    .filter(([ins]) => isSecretInstruction(Number(ins), options))
    .map(([, rule]) => rule.summary);
}
