/**
 * Names for the annotator: PIN references (§3.6), file identifier prefixes and fixed files (§5),
 * application identifiers (§2.2), classes (ISO/IEC 7816-4 §5.4.1). Instruction names (§3.0) and
 * algorithm identifiers (§4) come from apdu/ins.ts and apdu/algorithms.ts. Data only.
 */
import { hex2 } from '../apdu/hex.ts';

/** The instruction and algorithm names live in apdu/ (one table each); re-exported under the trace API's names. */
export { INS_NAMES } from '../apdu/ins.ts';
export { ALGORITHM_NAMES as ALGORITHMS } from '../apdu/algorithms.ts';

/** PIN references (P2 of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER; §3.6). */
export const PIN_REFERENCES: Readonly<Record<number, string>> = {
  0x81: 'user PIN',
  0x88: 'SO-PIN (initialization code)',
  0x85: 'biometric template 1',
  0x86: 'biometric template 2',
};

/** High byte of a SmartCard-HSM file identifier (§5). */
export const FID_PREFIXES: Readonly<Record<number, string>> = {
  0xcc: 'key',
  0xc4: 'PRKD (key description) of key',
  0xce: 'certificate of key',
  0xca: 'CA certificate',
  0xc8: 'CD (certificate description) of CA certificate',
  0xc9: 'DCOD (data object description)',
  0xcd: 'private data object',
  0xcf: 'public data object',
  0xcb: 'key meta data',
};

/** Fixed files (§5, ISO 7816-4). */
export const KNOWN_FIDS: Readonly<Record<number, string>> = {
  0x3f00: 'MF',
  0x2f00: 'EF.DIR',
  0x2f02: 'EF.C_DevAut (device certificate chain)',
  0x2f03: 'EF.TokenInfo',
  0x2f10: 'scratch EF for UNWRAP KEY',
  0x5015: 'DF.PKCS15',
  0xcc00: 'key 0 = PrK.DevAut (device key)',
};

/** Application identifiers seen in SmartCard-HSM sessions (§2.2) and the OpenSC driver probes in the real logs. */
export const KNOWN_AIDS: Readonly<Record<string, string>> = {
  E82B0601040181C31F0201: 'SmartCard-HSM applet',
  '627601FF000000': 'CoolKey applet (OpenSC probe)',
  A00000000101: 'MUSCLE applet (OpenSC probe)',
};

/** "CC01 key 1", "2F02 EF.C_DevAut …", "C4 PRKD … 3". */
export function describeFid(fid: number): string {
  const fixed = KNOWN_FIDS[fid];
  if (fixed !== undefined) return fixed;
  const prefix = FID_PREFIXES[fid >> 8];
  return prefix === undefined ? 'file' : `${prefix} ${fid & 0xff}`;
}

export interface ClaInfo {
  readonly value: number;
  /** Interindustry (ISO) or proprietary class. */
  readonly proprietary: boolean;
  /** Command chaining bit (not the last command of a chain). */
  readonly chaining: boolean;
  /** Secure messaging indication: none, proprietary, ISO (header not authenticated), ISO (header authenticated). */
  readonly secureMessaging: 'none' | 'proprietary' | 'iso' | 'iso-header-authenticated';
  readonly channel: number;
  /** The whole reading in words. */
  readonly text: string;
}

const SM_NAMES = ['none', 'proprietary', 'iso', 'iso-header-authenticated'] as const;

/**
 * ISO/IEC 7816-4 §5.4.1: first interindustry classes 0x00–0x1F (b5 chaining, b4b3 SM, b2b1 channel),
 * further interindustry 0x40–0x7F (b6 SM, b5 chaining, b4–b1 channel − 4); 0x80–0xFE proprietary —
 * the SmartCard-HSM uses 0x80 and pico-hsm reads its chaining/SM bits like the first interindustry
 * class (§3.0); 0xFF is invalid (PPS, PC/SC reader pseudo-APDUs).
 */
export function describeCla(cla: number): ClaInfo {
  const known = CLA_CACHE[cla & 0xff];
  if (known !== undefined) return known;
  const info = claInfo(cla & 0xff);
  CLA_CACHE[cla & 0xff] = info;
  return info;
}

const CLA_CACHE: (ClaInfo | undefined)[] = new Array<ClaInfo | undefined>(256).fill(undefined);

function claInfo(cla: number): ClaInfo {
  if (cla === 0xff)
    return {
      value: cla,
      proprietary: true,
      chaining: false,
      secureMessaging: 'none',
      channel: 0,
      text: 'FF: invalid class (PPS or PC/SC reader pseudo-APDU)',
    };
  if (cla >= 0x20 && cla < 0x40)
    return {
      value: cla,
      proprietary: false,
      chaining: false,
      secureMessaging: 'none',
      channel: 0,
      text: `${hex2(cla)}: reserved class (RFU)`,
    };
  const further = cla >= 0x40 && cla < 0x80;
  const proprietary = cla >= 0x80;
  const chaining = (cla & 0x10) !== 0;
  const sm = further ? ((cla & 0x20) !== 0 ? 'iso' : 'none') : (SM_NAMES[(cla >> 2) & 3] ?? 'none');
  const channel = further ? (cla & 0x0f) + 4 : cla & 0x03;
  const kind = proprietary ? 'proprietary' : further ? 'ISO (further interindustry)' : 'ISO';
  const parts = [kind];
  if (chaining) parts.push('chaining: more commands follow');
  if (sm !== 'none') parts.push(`secure messaging (${sm})`);
  if (channel !== 0) parts.push(`logical channel ${channel}`);
  return { value: cla, proprietary, chaining, secureMessaging: sm, channel, text: `${hex2(cla)}: ${parts.join(', ')}` };
}
