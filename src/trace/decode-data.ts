import { hex2, hex4, toHex } from '../apdu/hex.ts';
import { INS } from '../apdu/ins.ts';
import { formatTlv } from '../apdu/tlv-print.ts';
import { describeFid, KNOWN_AIDS } from './ins-names.ts';

/**
 * Decoding of command and response data fields where their format is known (docs/protocol.md §3,
 * §5): TLVs (FCP, CV requests, GAKP bodies; structure checked here, tree printed on demand by
 * `tlvLines` via apdu/tlv-print.ts), INITIALIZE DEVICE parameters, file identifiers, ENUMERATE
 * OBJECTS lists, DKEK status. Secrets (PINs, shares, card random) are never
 * decoded, only their length is given, whatever the trace holds.
 */
export type DataAnnotation =
  | { readonly kind: 'tlv'; readonly what: string; readonly bytes: Uint8Array }
  | { readonly kind: 'fids'; readonly what: string; readonly entries: readonly { readonly fid: string; readonly meaning: string }[] }
  | { readonly kind: 'fields'; readonly what: string; readonly fields: readonly { readonly name: string; readonly value: string }[] }
  | { readonly kind: 'secret'; readonly what: string; readonly length: number }
  | { readonly kind: 'bytes'; readonly what: string; readonly length: number; readonly masked: number };

/** Do the top-level TLVs fill `b` exactly (checked without throwing)? */
export function tlvFits(b: Uint8Array): boolean {
  let i = 0;
  if (b.length < 2 || b[0] === 0x00 || b[0] === 0xff) return false;
  while (i < b.length) {
    const first = b[i++] ?? 0;
    if ((first & 0x1f) === 0x1f) {
      let n = 0;
      while (((b[i++] ?? 0) & 0x80) !== 0) if (++n > 2) return false;
    }
    const l0 = b[i++];
    if (l0 === undefined || l0 === 0x80 || l0 > 0x83) return false;
    let len = l0;
    if (l0 > 0x80) {
      len = 0;
      for (let k = 0; k < (l0 & 0x7f); k++) len = len * 256 + (b[i++] ?? 0);
    }
    i += len;
  }
  return i === b.length;
}

/** TLV data: checked here (the top level fills the field exactly); the tree is printed by `tlvLines`. */
function tlv(what: string, data: Uint8Array): DataAnnotation | undefined {
  return tlvFits(data) ? { kind: 'tlv', what, bytes: data } : undefined;
}

/** The TLV tree of a `tlv` annotation as text lines (apdu/tlv-print.ts `formatTlv`). */
export function tlvLines(d: { readonly bytes: Uint8Array }): string[] {
  try {
    return formatTlv(d.bytes).split('\n');
  } catch (error) {
    return [`(not TLV after all: ${error instanceof Error ? error.message : String(error)})`];
  }
}

/**
 * `bytes` and `secret` annotations are plain values (what, length, masked count), and a trace holds
 * the same few over and over, so equal ones are one shared object: per `what` (a fixed set of
 * literals), a map by length and masked count, emptied when it reaches SHARED_MAX entries.
 */
const SHARED_MAX = 4096;
const sharedBytes = new Map<string, Map<number, DataAnnotation>>();
const sharedSecrets = new Map<string, Map<number, DataAnnotation>>();

function sharedMap(maps: Map<string, Map<number, DataAnnotation>>, what: string): Map<number, DataAnnotation> {
  let m = maps.get(what);
  if (m === undefined) {
    m = new Map<number, DataAnnotation>();
    maps.set(what, m);
  } else if (m.size >= SHARED_MAX) m.clear();
  return m;
}

function bytes(what: string, data: Uint8Array, masked: number): DataAnnotation {
  const m = sharedMap(sharedBytes, what);
  const key = data.length * 0x10001 + masked;
  let d = m.get(key);
  if (d === undefined) {
    d = { kind: 'bytes', what, length: data.length, masked };
    m.set(key, d);
  }
  return d;
}

function secret(what: string, data: Uint8Array): DataAnnotation {
  const m = sharedMap(sharedSecrets, what);
  let d = m.get(data.length);
  if (d === undefined) {
    d = { kind: 'secret', what, length: data.length };
    m.set(data.length, d);
  }
  return d;
}
const u16 = (d: Uint8Array, i: number): number => ((d[i] ?? 0) << 8) | (d[i + 1] ?? 0);

const OPTION_BITS: readonly [number, string][] = [
  [0x0001, 'RESET RETRY COUNTER enabled'],
  [0x0002, 'transport PIN'],
  [0x0004, 'session PIN'],
  [0x0008, 'session PIN explicit clear / PKA replaceable'],
  [0x0010, 'combined PIN + PKA authentication'],
  [0x0020, 'RESET RETRY COUNTER resets the counter only'],
];

/** INITIALIZE DEVICE parameters (§3.9); PIN and SO-PIN are reported by length only. */
function initializeFields(data: Uint8Array): DataAnnotation {
  const fields: { name: string; value: string }[] = [];
  let i = 0;
  while (i + 2 <= data.length) {
    const tag = data[i] ?? 0;
    const len = data[i + 1] ?? 0;
    const v = data.subarray(i + 2, i + 2 + len);
    i += 2 + len;
    if (tag === 0x80) {
      const o = u16(v, 0);
      const bits = OPTION_BITS.filter(([b]) => (o & b) !== 0).map(([, n]) => n);
      fields.push({ name: '80 options', value: `${hex4(o)}${bits.length > 0 ? ` (${bits.join(', ')})` : ''}` });
    } else if (tag === 0x81) fields.push({ name: '81 initial user PIN', value: `secret, ${len} bytes` });
    else if (tag === 0x82) fields.push({ name: '82 SO-PIN (initialization code)', value: `secret, ${len} bytes` });
    else if (tag === 0x91) fields.push({ name: '91 user PIN retry counter', value: String(v[0] ?? 0) });
    else if (tag === 0x92)
      fields.push({ name: '92 DKEK shares', value: v[0] === 0 ? '0 (card generates a random DKEK)' : String(v[0] ?? 0) });
    else if (tag === 0x93) fields.push({ name: '93 public key authentication', value: `${v[1] ?? 0} of ${v[0] ?? 0} keys required` });
    else if (tag === 0x97) fields.push({ name: '97 key domains', value: String(v[0] ?? 0) });
    else fields.push({ name: `${hex2(tag)}`, value: toHex(v) });
  }
  return { kind: 'fields', what: 'initialization parameters', fields };
}

function fidList(data: Uint8Array): { fid: string; meaning: string }[] {
  const out: { fid: string; meaning: string }[] = [];
  for (let i = 0; i + 1 < data.length; i += 2) {
    const fid = u16(data, i);
    out.push({ fid: hex4(fid), meaning: fid === 0 ? 'padding entry (pico), ignore' : describeFid(fid) });
  }
  return out;
}

function selectData(p1: number, data: Uint8Array): DataAnnotation | undefined {
  if (p1 === 0x04) {
    const aid = toHex(data);
    return {
      kind: 'fields',
      what: 'DF name',
      fields: [{ name: 'AID', value: `${aid}${KNOWN_AIDS[aid] === undefined ? '' : ` (${KNOWN_AIDS[aid]})`}` }],
    };
  }
  if (p1 === 0x08 || p1 === 0x09) return { kind: 'fids', what: 'path', entries: fidList(data) };
  if (data.length === 2) return { kind: 'fids', what: 'file identifier', entries: fidList(data) };
  return undefined;
}

/** READ/UPDATE BINARY with odd INS: 54 offset [53 data] (§3.2, §3.3). */
function offsetData(data: Uint8Array): DataAnnotation | undefined {
  if (data[0] !== 0x54) return undefined;
  const n = data[1] ?? 0;
  let offset = 0;
  for (let k = 0; k < n; k++) offset = offset * 256 + (data[2 + k] ?? 0);
  const fields = [{ name: '54 offset', value: String(offset) }];
  const rest = 2 + n;
  if (data[rest] === 0x53) {
    const l0 = data[rest + 1] ?? 0;
    const len = l0 === 0x81 ? (data[rest + 2] ?? 0) : l0 === 0x82 ? u16(data, rest + 2) : l0;
    fields.push({ name: '53 data', value: len === 0 ? '0 bytes (creates an empty EF)' : `${len} bytes` });
  }
  return { kind: 'fields', what: 'offset', fields };
}

/** Decode a command's data field; `masked` = number of masked bytes in it. */
export function decodeCommandData(ins: number, p1: number, data: Uint8Array, masked: number): DataAnnotation | undefined {
  if (data.length === 0) return undefined;
  switch (ins) {
    case INS.VERIFY:
      return secret('PIN', data);
    case INS.CHANGE_REFERENCE_DATA:
      return secret('old PIN ‖ new PIN', data);
    case INS.RESET_RETRY_COUNTER:
      return secret(p1 === 0x00 || p1 === 0x01 ? 'SO-PIN (‖ new PIN)' : 'new PIN', data);
    case INS.IMPORT_DKEK_SHARE:
      return p1 === 0 ? secret('DKEK share', data) : bytes('key domain data', data, masked);
    case INS.INITIALIZE_DEVICE:
      return initializeFields(data);
  }
  if (masked > 0) return bytes('data', data, masked);
  switch (ins) {
    case INS.SELECT:
      return selectData(p1, data) ?? bytes('data', data, 0);
    case INS.READ_BINARY_ODD:
    case INS.UPDATE_BINARY_ODD:
      return offsetData(data) ?? bytes('data', data, 0);
    case INS.DELETE_FILE:
      return data.length === 2 ? { kind: 'fids', what: 'delete', entries: fidList(data) } : bytes('data', data, 0);
    case INS.GENERATE_ASYMMETRIC_KEY_PAIR:
      return tlv('key generation parameters (CV certificate body content)', data) ?? bytes('data', data, 0);
    case INS.SIGN:
      return bytes('input (hash, DigestInfo or padded block)', data, 0);
    case INS.DECIPHER:
      return bytes('cryptogram or peer public point', data, 0);
    case INS.UNWRAP_KEY:
      return bytes('wrapped key blob', data, 0);
  }
  return tlv('data', data) ?? bytes('data', data, 0);
}

/** Decode a response's data field (without SW1 SW2). */
export function decodeResponseData(ins: number, data: Uint8Array, masked: number): DataAnnotation | undefined {
  if (data.length === 0) return undefined;
  if (ins === INS.GET_CHALLENGE) return secret('card random', data);
  if (masked > 0) return bytes('data', data, masked);
  switch (ins) {
    case INS.SELECT:
      return tlv('file control information', data) ?? bytes('data', data, 0);
    case INS.ENUMERATE_OBJECTS:
      return { kind: 'fids', what: 'objects', entries: fidList(data) };
    case INS.IMPORT_DKEK_SHARE:
      if (data.length < 10) return bytes('data', data, 0);
      return {
        kind: 'fields',
        what: 'DKEK status',
        fields: [
          { name: 'total shares', value: String(data[0] ?? 0) },
          { name: 'outstanding shares', value: String(data[1] ?? 0) },
          { name: 'key check value', value: toHex(data.subarray(2, 10)) },
        ],
      };
    case INS.PUBLIC_KEY_AUTHENTICATION:
      if (data.length !== 4) return bytes('data', data, 0);
      return {
        kind: 'fields',
        what: 'public key authentication status',
        fields: ['total keys', 'missing', 'required', 'authenticated'].map((name, i) => ({ name, value: String(data[i] ?? 0) })),
      };
    case INS.SIGN:
      return (data[0] === 0x30 ? tlv('ECDSA signature (DER)', data) : undefined) ?? bytes('signature', data, 0);
    case INS.WRAP_KEY:
      return bytes('wrapped key blob', data, 0);
    case INS.DECIPHER:
      return bytes('plaintext or shared secret', data, 0);
  }
  return tlv('data', data) ?? bytes('data', data, 0);
}
