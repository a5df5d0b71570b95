/**
 * The refusals of the channel's safety guard (guard.ts). They are RefusedErrors (CLI exit code 4) with
 * their own stable codes, and every message names the flag that allows the command: `--allow-last-try`
 * for a PIN try that could block a PIN, `--yes` for an erase. The library spells them
 * `{ allowLastTry: true }` and `{ confirmErase: true }` (the hints say so).
 */
import { RefusedError } from '../transport/errors.ts';
import { hex2 } from './hex.ts';
import { describeStatusWord, formatSw } from './status-words.ts';

/** "user PIN" (81), "SO-PIN" (88): the SmartCard-HSM's references (docs/protocol.md §3.6); others by number. */
export function pinRefName(ref: number): string {
  return ref === 0x81 ? 'user PIN' : ref === 0x88 ? 'SO-PIN' : `PIN ${hex2(ref)}`;
}

const LAST_TRY_HINT = 'make sure of the value first; library: { allowLastTry: true }';

/** Refused to spend a PIN try because at most one is left: a wrong value would block the PIN. */
export class LastPinTryError extends RefusedError {
  override name = 'LastPinTryError';
  readonly pinRef: number;
  readonly retriesLeft: number;
  /** The command that was not sent ("VERIFY"), when the channel refused it. */
  readonly operation: string | undefined;
  constructor(pinRef: number, retriesLeft: number, operation?: string) {
    const left = `only ${retriesLeft} ${retriesLeft === 1 ? 'try' : 'tries'} left`;
    const what = operation === undefined ? `to try the ${pinRefName(pinRef)}` : `to send ${operation} (${pinRefName(pinRef)})`;
    super(`refusing ${what}: ${left}, a wrong value would block it (--allow-last-try allows it)`, LAST_TRY_HINT, 'ERR_SCHSM_LAST_PIN_TRY');
    this.pinRef = pinRef;
    this.retriesLeft = retriesLeft;
    this.operation = operation;
  }
}

function unknownHint(sw: number): string {
  if (sw === 0x6984) return 'a transport PIN does not show how many tries it has left; make sure of the value first';
  if (sw === 0x6e00 || sw === 0x6d00) return 'is the application selected? (SmartCard-HSM: 00A40400:E82B0601040181C31F0201)';
  return 'the card does not answer the ISO 7816-4 status query (VERIFY without data) for this PIN';
}

/**
 * Refused to spend a PIN try because the card did not say how many are left (its answer to VERIFY
 * without data was neither 9000, 63Cx, 6983 nor 6A88): safe by default, the try could block the PIN.
 */
export class PinTriesUnknownError extends RefusedError {
  override name = 'PinTriesUnknownError';
  readonly pinRef: number;
  /** The status query's answer. */
  readonly sw: number;
  readonly operation: string;
  constructor(pinRef: number, sw: number, operation: string) {
    const d = describeStatusWord(sw);
    super(
      `refusing to send ${operation}: schsm cannot tell how many tries the ${pinRefName(pinRef)} has left (VERIFY status 00 20 00 ${hex2(pinRef)} answered ${formatSw(sw)}, ${d.meaning}), and a wrong value could block it (--allow-last-try sends it anyway)`,
      `${unknownHint(sw)}; library: { allowLastTry: true }`,
      'ERR_SCHSM_PIN_TRIES_UNKNOWN',
    );
    this.pinRef = pinRef;
    this.sw = sw;
    this.operation = operation;
  }
}

/** Refused to send INITIALIZE DEVICE without an explicit erase confirmation. */
export class EraseUnconfirmedError extends RefusedError {
  override name = 'EraseUnconfirmedError';
  readonly ins: number;
  constructor(
    ins: number,
    operation: string,
    what = 'every key, certificate and file of a SmartCard-HSM',
    library = 'initializeDevice does it with confirm: true',
  ) {
    super(
      `refusing to send ${operation} (INS ${hex2(ins)}): it erases ${what} (--yes confirms the erase)`,
      `name the device with --reader and add --yes; library: { confirmErase: true } (${library})`,
      'ERR_SCHSM_ERASE_UNCONFIRMED',
    );
    this.ins = ins;
  }
}

/**
 * Refused to spend a PIN try or to erase on a card that was guessed: no reader was named and several
 * held a card (`transport.guessedFrom`). Same code as the PC/SC refusal to guess (AmbiguousCardError).
 */
export class GuessedCardError extends RefusedError {
  override name = 'GuessedCardError';
  /** The readers that held a card when this one was taken as the first. */
  readonly readers: readonly string[];
  constructor(operation: string, pin: string | undefined, readers: readonly string[]) {
    const what = pin === undefined ? `send ${operation}` : `send ${operation} (${pin})`;
    super(
      `refusing to ${what}: ${readers.length} cards are present (${readers.map((r) => `"${r}"`).join(', ')}) and no reader was named, so this card was a guess; schsm never spends a PIN try or erases on a guessed card`,
      'name the reader: --reader NAME|INDEX (explorer: start it with --reader; library: openTransport with a reader)',
      'ERR_SCHSM_AMBIGUOUS_CARD',
    );
    this.readers = readers;
  }
}
