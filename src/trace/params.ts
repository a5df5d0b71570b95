import { ALGORITHM_NAMES } from '../apdu/algorithms.ts';
import { hex2, hex4 } from '../apdu/hex.ts';
import { INS } from '../apdu/ins.ts';
import { describeFid, PIN_REFERENCES } from './ins-names.ts';

/**
 * What P1 and P2 mean for each instruction (ISO/IEC 7816-4 and docs/protocol.md §3). Returns one
 * line of text such as "P1 04: select by DF name (AID) · P2 00: return FCI".
 */

const SELECT_P1: Readonly<Record<number, string>> = {
  0x00: 'select MF, DF or EF by file identifier',
  0x01: 'select child DF',
  0x02: 'select EF under the current DF',
  0x03: 'select parent DF',
  0x04: 'select by DF name (AID)',
  0x08: 'select by path from the MF',
  0x09: 'select by path from the current DF',
};

function selectP2(p2: number): string {
  const what =
    ({ 0x00: 'return FCI', 0x04: 'return FCP', 0x08: 'return FMD', 0x0c: 'no response data' } as Record<number, string>)[p2 & 0x0c] ?? '?';
  const occurrence = (p2 & 0x03) === 0 ? '' : (p2 & 0x03) === 2 ? ', next occurrence' : ', RFU occurrence bits';
  return `${what}${occurrence}`;
}

const MSE_P1: Readonly<Record<number, string>> = {
  0x41: 'set for computation / internal authentication',
  0x81: 'set for verification / external authentication',
  0xc1: 'set for computation and verification',
  0xf3: 'restore',
};

const MSE_P2: Readonly<Record<number, string>> = {
  0xa4: 'AT (authentication template)',
  0xa6: 'KAT',
  0xaa: 'HT',
  0xb4: 'CCT',
  0xb6: 'DST (digital signature template)',
  0xb8: 'CT',
};

const PSO: Readonly<Record<number, string>> = {
  0x00be: 'VERIFY CERTIFICATE',
  0x9e9a: 'COMPUTE DIGITAL SIGNATURE',
  0x8086: 'DECIPHER',
  0x8680: 'ENCIPHER',
  0x00a8: 'VERIFY DIGITAL SIGNATURE',
  0x90a0: 'HASH',
};

const RRC_P1: Readonly<Record<number, string>> = {
  0x00: 'SO-PIN and new PIN in the data: reset counter and set PIN',
  0x01: 'SO-PIN in the data: reset counter only',
  0x02: 'new PIN in the data (SO-PIN verified before)',
  0x03: 'reset counter only (SO-PIN verified before)',
};

const DKEK_P1: Readonly<Record<number, string>> = {
  0x00: 'import share / query status',
  0x01: 'create DKEK key domain (pico)',
  0x02: 'create XKEK key domain (pico)',
  0x03: 'delete key domain (pico)',
  0x04: 'clear DKEK of the domain (pico)',
};

const algo = (p2: number): string => `algorithm ${ALGORITHM_NAMES[p2] ?? 'unknown'}`;
const key = (id: number): string => (id === 0 ? 'key 0 (device key)' : `key ${id}`);
const pin = (p2: number): string => PIN_REFERENCES[p2] ?? 'unknown PIN reference';
const both = (p1: string, p2: string, v1: number, v2: number): string => `P1 ${hex2(v1)}: ${p1} · P2 ${hex2(v2)}: ${p2}`;
const fidParams = (p1: number, p2: number): string => {
  const fid = (p1 << 8) | p2;
  return `P1P2 ${hex4(fid)}: ${fid === 0 ? 'current EF' : `${describeFid(fid)}`}`;
};

type Describer = (p1: number, p2: number, nc: number) => string;

const DESCRIBERS: ReadonlyMap<number, Describer> = new Map<number, Describer>([
  [INS.SELECT, (p1, p2) => both(SELECT_P1[p1] ?? 'unknown selection', selectP2(p2), p1, p2)],
  [
    INS.READ_BINARY,
    (p1, p2) =>
      (p1 & 0x80) !== 0 ? `P1 ${hex2(p1)}: short EF ${p1 & 0x1f} · P2 ${hex2(p2)}: offset ${p2}` : `P1P2: offset ${(p1 << 8) | p2}`,
  ],
  [INS.UPDATE_BINARY, (p1, p2) => `P1P2: offset ${(p1 << 8) | p2}`],
  [INS.READ_BINARY_ODD, fidParams],
  [INS.UPDATE_BINARY_ODD, fidParams],
  [INS.DELETE_FILE, (p1, p2) => both(p1 === 0x02 ? 'EF or key named by the data' : 'unusual', p2 === 0 ? '-' : 'unusual', p1, p2)],
  [INS.VERIFY, (p1, p2, nc) => both(p1 === 0 ? '-' : 'unusual', `${pin(p2)}${nc === 0 ? ' (status query: no PIN sent)' : ''}`, p1, p2)],
  [
    INS.CHANGE_REFERENCE_DATA,
    (p1, p2) => both(p1 === 0 ? 'old and new value' : p1 === 1 ? 'new value only (implicit)' : 'unusual', pin(p2), p1, p2),
  ],
  [INS.RESET_RETRY_COUNTER, (p1, p2) => both(RRC_P1[p1] ?? 'unknown', pin(p2), p1, p2)],
  [INS.GENERATE_ASYMMETRIC_KEY_PAIR, (p1, p2) => both(`new ${key(p1)}`, `outer request signed by ${key(p2)}`, p1, p2)],
  [INS.GENERATE_SYMMETRIC_KEY, (p1, p2) => both(`new ${key(p1)}`, algo(p2), p1, p2)],
  [INS.SIGN, (p1, p2) => both(key(p1), algo(p2), p1, p2)],
  [INS.DECIPHER, (p1, p2) => both(key(p1), algo(p2), p1, p2)],
  [INS.CIPHER_SYMMETRIC, (p1, p2) => both(key(p1), algo(p2), p1, p2)],
  [INS.DERIVE_EC_KEY, (p1, p2) => both(`source ${key(p1)}`, `new ${key(p2)}`, p1, p2)],
  [INS.WRAP_KEY, (p1, p2) => both(key(p1), p2 === 0x92 ? 'WRAP (92)' : 'unusual (expected 92)', p1, p2)],
  [INS.UNWRAP_KEY, (p1, p2) => both(`into ${key(p1)}`, p2 === 0x93 ? 'UNWRAP (93)' : 'unusual (expected 93)', p1, p2)],
  [INS.IMPORT_DKEK_SHARE, (p1, p2) => both(DKEK_P1[p1] ?? 'unknown', `key domain ${p2}`, p1, p2)],
  [INS.MANAGE_SECURITY_ENVIRONMENT, (p1, p2) => both(MSE_P1[p1] ?? 'unknown', MSE_P2[p2] ?? 'unknown template', p1, p2)],
  [INS.PERFORM_SECURITY_OPERATION, (p1, p2) => `P1P2 ${hex4((p1 << 8) | p2)}: ${PSO[(p1 << 8) | p2] ?? 'unknown operation'}`],
  [INS.GENERATE_SESSION_PIN, (p1, p2) => both(p1 === 1 ? 'generate' : 'unknown', pin(p2), p1, p2)],
  [INS.GET_RESPONSE, (p1, p2) => (p1 === 0 && p2 === 0 ? 'P1P2 0000' : both('unusual', 'unusual', p1, p2))],
  [INS.GET_CHALLENGE, (p1, p2) => (p1 === 0 && p2 === 0 ? 'P1P2 0000' : both('unusual', 'unusual', p1, p2))],
  [INS.ENUMERATE_OBJECTS, (p1, p2) => (p1 === 0 && p2 === 0 ? 'P1P2 0000' : both('unusual', 'unusual', p1, p2))],
  [INS.INITIALIZE_DEVICE, (p1, p2) => (p1 === 0 && p2 === 0 ? 'P1P2 0000' : both('unusual', 'unusual', p1, p2))],
]);

const cache = new Map<number, string>();

/** P1/P2 in words for `ins`; `nc` is the command's data length. Memoised: traces repeat headers. */
export function describeParams(ins: number, p1: number, p2: number, nc: number): string {
  const key = ins * 2 ** 17 + p1 * 2 ** 9 + p2 * 2 + (nc === 0 ? 1 : 0);
  let text = cache.get(key);
  if (text === undefined) {
    if (cache.size > 100_000) cache.clear();
    const d = DESCRIBERS.get(ins);
    text = d === undefined ? `P1 ${hex2(p1)} · P2 ${hex2(p2)}` : d(p1, p2, nc);
    cache.set(key, text);
  }
  return text;
}
