import { TransportError } from './errors.ts';

/**
 * PC/SC return codes (values from pcsc-lite's `PCSC/pcsclite.h`, identical to the Windows WinSCard
 * codes). The binding reports them only inside its error messages ("SCardConnect error: Card was
 * removed.(0x80100069)"), so `pcscErrorFrom` recovers the number from there.
 */
export const PCSC_CODE = {
  SCARD_F_INTERNAL_ERROR: 0x80100001,
  SCARD_E_CANCELLED: 0x80100002,
  SCARD_E_INVALID_HANDLE: 0x80100003,
  SCARD_E_INVALID_PARAMETER: 0x80100004,
  SCARD_E_NO_MEMORY: 0x80100006,
  SCARD_E_INSUFFICIENT_BUFFER: 0x80100008,
  SCARD_E_UNKNOWN_READER: 0x80100009,
  SCARD_E_TIMEOUT: 0x8010000a,
  SCARD_E_SHARING_VIOLATION: 0x8010000b,
  SCARD_E_NO_SMARTCARD: 0x8010000c,
  SCARD_E_UNKNOWN_CARD: 0x8010000d,
  SCARD_E_PROTO_MISMATCH: 0x8010000f,
  SCARD_E_NOT_READY: 0x80100010,
  SCARD_E_INVALID_VALUE: 0x80100011,
  SCARD_E_SYSTEM_CANCELLED: 0x80100012,
  SCARD_F_COMM_ERROR: 0x80100013,
  SCARD_F_UNKNOWN_ERROR: 0x80100014,
  SCARD_E_INVALID_ATR: 0x80100015,
  SCARD_E_NOT_TRANSACTED: 0x80100016,
  SCARD_E_READER_UNAVAILABLE: 0x80100017,
  SCARD_E_PCI_TOO_SMALL: 0x80100019,
  SCARD_E_READER_UNSUPPORTED: 0x8010001a,
  SCARD_E_CARD_UNSUPPORTED: 0x8010001c,
  SCARD_E_NO_SERVICE: 0x8010001d,
  SCARD_E_SERVICE_STOPPED: 0x8010001e,
  SCARD_E_UNSUPPORTED_FEATURE: 0x8010001f, // pcsc-lite also calls this value SCARD_E_UNEXPECTED
  SCARD_E_NO_READERS_AVAILABLE: 0x8010002e,
  SCARD_E_COMM_DATA_LOST: 0x8010002f,
  SCARD_E_SERVER_TOO_BUSY: 0x80100031,
  SCARD_W_UNSUPPORTED_CARD: 0x80100065,
  SCARD_W_UNRESPONSIVE_CARD: 0x80100066,
  SCARD_W_UNPOWERED_CARD: 0x80100067,
  SCARD_W_RESET_CARD: 0x80100068,
  SCARD_W_REMOVED_CARD: 0x80100069,
  SCARD_W_SECURITY_VIOLATION: 0x8010006a,
} as const;

export type PcscCodeName = keyof typeof PCSC_CODE;

const NAME_OF = new Map<number, PcscCodeName>(Object.entries(PCSC_CODE).map(([k, v]) => [v, k as PcscCodeName]));

/** `0x80100069` → "SCARD_W_REMOVED_CARD" (undefined when not in the table). */
export function pcscCodeName(code: number): PcscCodeName | undefined {
  return NAME_OF.get(code >>> 0);
}

interface Advice {
  readonly code: string;
  readonly hint?: string;
}

const START_PCSCD =
  'start the PC/SC daemon: `sudo systemctl start pcscd.socket` (or run `pcscd -f &` as root); install it with `apt-get install pcscd`';
const PICK_READER = 'list readers with `schsm readers` and pick one with --reader NAME|PART|INDEX';
const INSERT_CARD = 'insert the card (or plug in the token) and run the command again';
const SERVICE_WENT_AWAY = `the PC/SC service went away (pcscd stopped, restarted or crashed) or refused this user (polkit): check \`systemctl status pcscd\`, then run the command again; ${START_PCSCD}`;

/** Codes with which a PC/SC call fails when pcscd itself is gone (its socket closed or refused). */
export const SERVICE_LOST: ReadonlySet<number> = new Set([
  0x8010006a, // SCARD_W_SECURITY_VIOLATION: libpcsclite's name for "pcscd closed our socket"
  0x8010001e, // SCARD_E_SERVICE_STOPPED
  0x8010001d, // SCARD_E_NO_SERVICE
]);

/** What schsm calls each PC/SC failure and what it tells the user to do. */
const ADVICE: Partial<Record<PcscCodeName, Advice>> = {
  SCARD_E_NO_SERVICE: { code: 'ERR_SCHSM_PCSC_NO_SERVICE', hint: START_PCSCD },
  SCARD_E_SERVICE_STOPPED: { code: 'ERR_SCHSM_PCSC_NO_SERVICE', hint: SERVICE_WENT_AWAY },
  SCARD_F_COMM_ERROR: { code: 'ERR_SCHSM_PCSC_NO_SERVICE', hint: `lost the connection to pcscd: ${SERVICE_WENT_AWAY}` },
  SCARD_E_NO_READERS_AVAILABLE: {
    code: 'ERR_SCHSM_PCSC_NO_READERS',
    hint: 'connect a card reader or USB token; `schsm readers` shows what pcscd sees',
  },
  SCARD_E_UNKNOWN_READER: { code: 'ERR_SCHSM_PCSC_UNKNOWN_READER', hint: PICK_READER },
  SCARD_E_READER_UNAVAILABLE: { code: 'ERR_SCHSM_PCSC_UNKNOWN_READER', hint: `the reader went away; ${PICK_READER}` },
  SCARD_E_NO_SMARTCARD: { code: 'ERR_SCHSM_PCSC_NO_CARD', hint: INSERT_CARD },
  SCARD_W_REMOVED_CARD: { code: 'ERR_SCHSM_PCSC_CARD_REMOVED', hint: `the card was removed during the operation; ${INSERT_CARD}` },
  SCARD_W_RESET_CARD: {
    code: 'ERR_SCHSM_PCSC_CARD_RESET',
    hint: 'another application reset the card, so any PIN verification is lost; run the command again',
  },
  SCARD_E_SHARING_VIOLATION: {
    code: 'ERR_SCHSM_PCSC_SHARING_VIOLATION',
    hint: 'another application holds the card exclusively (a browser, gpg-agent/scdaemon, a PKCS#11 module, another schsm --exclusive); close it and try again',
  },
  SCARD_E_TIMEOUT: { code: 'ERR_SCHSM_PCSC_TIMEOUT', hint: 'the reader did not answer in time; re-plug it' },
  SCARD_W_UNRESPONSIVE_CARD: {
    code: 'ERR_SCHSM_PCSC_CARD_UNRESPONSIVE',
    hint: 'the card does not answer the reset: re-insert it (chip side, right way round)',
  },
  SCARD_W_UNPOWERED_CARD: { code: 'ERR_SCHSM_PCSC_CARD_UNRESPONSIVE', hint: 'the card lost power: re-insert it' },
  SCARD_W_UNSUPPORTED_CARD: {
    code: 'ERR_SCHSM_PCSC_CARD_UNRESPONSIVE',
    hint: 'the reader cannot talk to this card (ATR/protocol conflict)',
  },
  SCARD_E_PROTO_MISMATCH: {
    code: 'ERR_SCHSM_PCSC_PROTOCOL',
    hint: 'another application uses the card with a different protocol (T=0/T=1); close it',
  },
  SCARD_E_INSUFFICIENT_BUFFER: {
    code: 'ERR_SCHSM_PCSC_BUFFER',
    hint: "a command or response exceeds pcsc-lite's transmit buffer of 65548 bytes (schsm checks commands before sending them, so the reader or the card sent more than an extended APDU holds)",
  },
  // libpcsclite reports a socket that pcscd closed as SCARD_W_SECURITY_VIOLATION: a pcscd that died,
  // restarted or was stopped mid-session (issue 9, pcsc-lite 1.9.9), or its polkit rule refusing us.
  SCARD_W_SECURITY_VIOLATION: { code: 'ERR_SCHSM_PCSC_NO_SERVICE', hint: SERVICE_WENT_AWAY },
  SCARD_E_COMM_DATA_LOST: { code: 'ERR_SCHSM_PCSC_COMM', hint: 'communication with the card failed; re-insert it and try again' },
  SCARD_E_NOT_READY: { code: 'ERR_SCHSM_PCSC_COMM', hint: 'the reader or card is not ready; try again' },
  SCARD_E_NOT_TRANSACTED: {
    code: 'ERR_SCHSM_PCSC_COMM',
    hint: 'the exchange with the card failed (card pulled out, or a reader problem); re-insert it and try again',
  },
};

/** A PC/SC call failed. `pcscCode`/`pcscName` are the WinSCard code, when the binding reported one. */
export class PcscError extends TransportError {
  override name = 'PcscError';
  readonly pcscCode: number | undefined;
  readonly pcscName: string | undefined;
  constructor(message: string, pcscCode: number | undefined, options: { cause?: unknown; code?: string; hint?: string } = {}) {
    const name = pcscCode === undefined ? undefined : (pcscCodeName(pcscCode) ?? `0x${(pcscCode >>> 0).toString(16).toUpperCase()}`);
    const advice = name === undefined ? undefined : ADVICE[name as PcscCodeName];
    const hint = options.hint ?? advice?.hint;
    super(message, options.code ?? advice?.code ?? 'ERR_SCHSM_PCSC', {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(hint === undefined ? {} : { hint }),
    });
    this.pcscCode = pcscCode;
    this.pcscName = name;
  }
}

/** The binding's message carries the code as "(0x80100069)". */
function codeInMessage(message: string): number | undefined {
  const m = /\(0x([0-9a-fA-F]{8})\)/.exec(message);
  return m?.[1] === undefined ? undefined : parseInt(m[1], 16);
}

/**
 * Turn whatever the binding threw or passed to a callback into a PcscError naming the operation,
 * the reader and the PC/SC code: "SCardTransmit on “Virtual PCD 00 00”: SCARD_W_REMOVED_CARD (card removed)".
 */
export function pcscErrorFrom(error: unknown, operation: string, reader?: string): PcscError {
  if (error instanceof PcscError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const code = codeInMessage(raw);
  const name = code === undefined ? undefined : (pcscCodeName(code) ?? `0x${code.toString(16).toUpperCase()}`);
  const text = raw
    .replace(/^\w+ error: /, '')
    .replace(/\(0x[0-9a-fA-F]{8}\)$/, '')
    .replace(/\.$/, '')
    .trim();
  const where = reader === undefined ? operation : `${operation} on "${reader}"`;
  const what = name === undefined ? text : `${name} (${text})`;
  return new PcscError(`${where}: ${what}`, code, { cause: error });
}

/** The PC/SC binding or libpcsclite could not be loaded. */
export class PcscUnavailableError extends PcscError {
  override name = 'PcscUnavailableError';
  constructor(cause: unknown) {
    const detail = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    super(`PC/SC is not available: ${detail}`, undefined, {
      cause,
      code: 'ERR_SCHSM_PCSC_UNAVAILABLE',
      hint: 'install the PC/SC library and daemon (Debian/Ubuntu: `apt-get install libpcsclite1 pcscd`; for building: libpcsclite-dev) and then `npm rebuild pcsclite`; the simulator (--sim) works without PC/SC',
    });
  }
}
