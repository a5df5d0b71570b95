import { ApduEncodeError, ApduParseError } from './errors.ts';

/** Length form of a command APDU: short (1-byte Lc/Le) or extended (3-byte Lc, 2/3-byte Le). */
export type LengthForm = 'short' | 'extended';

/** ISO/IEC 7816-4 §5.1 command cases. */
export type CommandCase = '1' | '2S' | '3S' | '4S' | '2E' | '3E' | '4E';

export interface CommandApdu {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  /** Command data (Nc = data.length, 0..65535). */
  readonly data?: Uint8Array;
  /** Ne, the maximum number of response bytes expected: 0/absent = none, 1..256 short, up to 65536. */
  readonly ne?: number;
  /**
   * Length form. Absent: extended exactly when Nc > 255 or Ne > 256. The SmartCard-HSM requires
   * fixed forms for some instructions (SELECT Le 00; ENUMERATE/GAKP/WRAP Le 0000, §1.3). A case-1
   * command (no data, Ne 0) has no length field, so it is the same 4 bytes in either form.
   */
  readonly form?: LengthForm;
}

export interface ParsedCommand extends CommandApdu {
  readonly data: Uint8Array;
  readonly ne: number;
  readonly form: LengthForm;
  readonly case: CommandCase;
}

const MAX_NC = 0xffff;
const MAX_NE = 0x10000;

function checkByte(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new ApduEncodeError(`${name} must be a byte 0x00..0xFF, got ${v}`);
}

/** The form `encodeCommand` will use for this command. */
export function lengthFormOf(cmd: CommandApdu): LengthForm {
  const nc = cmd.data?.length ?? 0;
  const ne = cmd.ne ?? 0;
  return cmd.form ?? (nc > 255 || ne > 256 ? 'extended' : 'short');
}

/**
 * Encode a command APDU (ISO/IEC 7816-4 §5.1):
 * `CLA INS P1 P2 | [Lc Data] | [Le]`; short: Lc 01..FF, Le 01..FF/00=256;
 * extended: Lc `00 hi lo`, Le `hi lo` after data or `00 hi lo` without data, `0000` = 65536.
 */
export function encodeCommand(cmd: CommandApdu): Uint8Array {
  checkByte('CLA', cmd.cla);
  checkByte('INS', cmd.ins);
  checkByte('P1', cmd.p1);
  checkByte('P2', cmd.p2);
  const data = cmd.data ?? new Uint8Array(0);
  const ne = cmd.ne ?? 0;
  if (data.length > MAX_NC)
    throw new ApduEncodeError(`command data of ${data.length} bytes exceeds the ISO 7816-4 maximum of 65535 by ${data.length - MAX_NC}`);
  if (!Number.isInteger(ne) || ne < 0 || ne > MAX_NE)
    throw new ApduEncodeError(`Ne must be 0..65536, got ${ne}${ne > MAX_NE ? ` (${ne - MAX_NE} over)` : ''}`);
  if (cmd.form !== undefined && cmd.form !== 'short' && cmd.form !== 'extended') {
    throw new ApduEncodeError(`form must be "short" or "extended", got ${JSON.stringify(cmd.form)}`);
  }
  const form = lengthFormOf(cmd);
  if (form === 'short' && data.length > 255)
    throw new ApduEncodeError(`${data.length} data bytes do not fit a short APDU (max 255); use extended length or chaining`);
  if (form === 'short' && ne > 256) throw new ApduEncodeError(`Ne ${ne} does not fit a short APDU (max 256)`);
  const head = [cmd.cla, cmd.ins, cmd.p1, cmd.p2];
  const lc = data.length === 0 ? [] : form === 'short' ? [data.length] : [0, data.length >> 8, data.length & 0xff];
  let le: number[] = [];
  if (ne > 0) {
    if (form === 'short') le = [ne & 0xff];
    else le = data.length === 0 ? [0, (ne >> 8) & 0xff, ne & 0xff] : [(ne >> 8) & 0xff, ne & 0xff];
  }
  const out = new Uint8Array(4 + lc.length + data.length + le.length);
  out.set(head, 0);
  out.set(lc, 4);
  out.set(data, 4 + lc.length);
  out.set(le, 4 + lc.length + data.length);
  return out;
}

/** Decode command APDU bytes into fields and case (the inverse of `encodeCommand`). */
export function parseCommand(bytes: Uint8Array): ParsedCommand {
  if (bytes.length < 4) throw new ApduParseError(`a command APDU needs at least 4 header bytes, got ${bytes.length}`);
  const [cla = 0, ins = 0, p1 = 0, p2 = 0] = bytes;
  const base = { cla, ins, p1, p2 };
  const n = bytes.length;
  const empty = new Uint8Array(0);
  if (n === 4) return { ...base, data: empty, ne: 0, form: 'short', case: '1' };
  const b4 = bytes[4] ?? 0;
  if (n === 5) return { ...base, data: empty, ne: b4 === 0 ? 256 : b4, form: 'short', case: '2S' };
  if (b4 !== 0) {
    const data = bytes.slice(5, 5 + b4);
    if (n === 5 + b4) return { ...base, data, ne: 0, form: 'short', case: '3S' };
    if (n === 6 + b4) return { ...base, data, ne: bytes[n - 1] === 0 ? 256 : (bytes[n - 1] ?? 0), form: 'short', case: '4S' };
    throw new ApduParseError(`short Lc ${b4} does not match the ${n - 5} bytes that follow it`);
  }
  if (n < 7) throw new ApduParseError(`${n}-byte APDU with 00 at offset 4 is neither short nor extended`);
  const w = ((bytes[5] ?? 0) << 8) | (bytes[6] ?? 0);
  if (n === 7) return { ...base, data: empty, ne: w === 0 ? MAX_NE : w, form: 'extended', case: '2E' };
  if (w === 0) throw new ApduParseError('extended Lc of 0 with data following');
  const data = bytes.slice(7, 7 + w);
  if (n === 7 + w) return { ...base, data, ne: 0, form: 'extended', case: '3E' };
  if (n === 9 + w) {
    const le = ((bytes[n - 2] ?? 0) << 8) | (bytes[n - 1] ?? 0);
    return { ...base, data, ne: le === 0 ? MAX_NE : le, form: 'extended', case: '4E' };
  }
  throw new ApduParseError(`extended Lc ${w} does not match the ${n - 7} bytes that follow it`);
}
