/**
 * A small, bounded ASN.1 reader for the host formats schsm imports (PKCS#8, PKCS#1, SEC1, PKCS#12,
 * X.509): X.690 BER as the files come (definite and indefinite lengths, constructed strings), with a
 * depth limit, a node-count limit and lengths that must fit the input. Every node keeps a view into
 * the input, so nothing secret is copied by reading. DER is the strict subset the writers produce.
 */
import { formatOid } from '../../apdu/oid.ts';
import { FileFormatError } from './errors.ts';

export const DER_CLASS = { UNIVERSAL: 0, APPLICATION: 1, CONTEXT: 2, PRIVATE: 3 } as const;

/** Universal tag numbers used here (X.680 §8.4). */
export const DER_TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8_STRING: 12,
  SEQUENCE: 16,
  SET: 17,
  PRINTABLE_STRING: 19,
  BMP_STRING: 30,
} as const;

export interface DerNode {
  readonly cls: number;
  readonly constructed: boolean;
  /** Tag number within its class. */
  readonly tag: number;
  /** Content octets (a view; for an indefinite-length node, without the end-of-contents octets). */
  readonly value: Uint8Array;
  /** Parsed children of a constructed node (empty for a primitive one). */
  readonly children: readonly DerNode[];
  /** The whole TLV, header included (a view). */
  readonly raw: Uint8Array;
}

/** Malformed ASN.1 in an imported file. */
export class DerError extends FileFormatError {
  override name = 'DerError';
  constructor(message: string) {
    super('ASN.1', message);
  }
}

export interface DerLimits {
  /** Deepest nesting accepted (default 32). */
  readonly maxDepth?: number;
  /** Most nodes in one parse (default 20,000). */
  readonly maxNodes?: number;
}

interface State {
  readonly bytes: Uint8Array;
  readonly maxDepth: number;
  nodesLeft: number;
}

function header(s: State, at: number): { cls: number; constructed: boolean; tag: number; length: number | undefined; next: number } {
  const b = s.bytes;
  const first = b[at];
  if (first === undefined) throw new DerError(`missing tag at offset ${at}`);
  let i = at + 1;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let n = 0; ; n++) {
      const x = b[i++];
      if (x === undefined || n >= 4) throw new DerError(`bad high tag number at offset ${at}`);
      tag = tag * 128 + (x & 0x7f);
      if ((x & 0x80) === 0) break;
    }
  }
  const l0 = b[i++];
  if (l0 === undefined) throw new DerError(`missing length at offset ${at}`);
  let length: number | undefined = l0;
  if (l0 === 0x80) length = undefined;
  else if (l0 > 0x80) {
    const n = l0 & 0x7f;
    if (n > 4) throw new DerError(`length of ${n} bytes at offset ${at} is too large`);
    length = 0;
    for (let k = 0; k < n; k++) {
      const x = b[i++];
      if (x === undefined) throw new DerError(`truncated length at offset ${at}`);
      length = length * 256 + x;
    }
  }
  return { cls: first >> 6, constructed: (first & 0x20) !== 0, tag, length, next: i };
}

function parseAt(s: State, at: number, end: number, depth: number): { node: DerNode; next: number } {
  if (--s.nodesLeft < 0) throw new DerError('too many ASN.1 elements');
  if (depth > s.maxDepth) throw new DerError(`nested deeper than ${s.maxDepth} levels`);
  const h = header(s, at);
  if (h.length === undefined) {
    if (!h.constructed) throw new DerError(`indefinite length on a primitive element at offset ${at}`);
    const children: DerNode[] = [];
    let i = h.next;
    for (;;) {
      if (i + 2 > end) throw new DerError(`indefinite-length element at offset ${at} has no end-of-contents`);
      if (s.bytes[i] === 0 && s.bytes[i + 1] === 0) break;
      const c = parseAt(s, i, end, depth + 1);
      children.push(c.node);
      i = c.next;
    }
    const node = { ...h, value: s.bytes.subarray(h.next, i), children, raw: s.bytes.subarray(at, i + 2) };
    return { node, next: i + 2 };
  }
  const stop = h.next + h.length;
  if (stop > end) throw new DerError(`element at offset ${at} claims ${h.length} bytes, only ${end - h.next} left`);
  const children: DerNode[] = [];
  if (h.constructed) {
    for (let i = h.next; i < stop; ) {
      const c = parseAt(s, i, stop, depth + 1);
      children.push(c.node);
      i = c.next;
    }
  }
  return { node: { ...h, value: s.bytes.subarray(h.next, stop), children, raw: s.bytes.subarray(at, stop) }, next: stop };
}

/** Parse exactly one element that fills `bytes`. */
export function readDer(input: Uint8Array, limits: DerLimits = {}): DerNode {
  // a plain Uint8Array view: subarray() stays a view and slice() copies (Buffer#slice would not)
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const s: State = { bytes, maxDepth: limits.maxDepth ?? 32, nodesLeft: limits.maxNodes ?? 20_000 };
  const { node, next } = parseAt(s, 0, bytes.length, 0);
  if (next !== bytes.length) throw new DerError(`${bytes.length - next} byte(s) after the end of the ASN.1 structure`);
  return node;
}

function universal(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (node === undefined) throw new DerError(`${what} is missing`);
  if (node.cls !== DER_CLASS.UNIVERSAL || node.tag !== tag)
    throw new DerError(`${what} has the wrong type (class ${node.cls}, tag ${node.tag})`);
  return node;
}

/** The children of a SEQUENCE (at least `min` of them). */
export function derSequence(node: DerNode | undefined, what: string, min = 0): readonly DerNode[] {
  const n = universal(node, DER_TAG.SEQUENCE, what);
  if (!n.constructed || n.children.length < min) throw new DerError(`${what} needs at least ${min} element(s)`);
  return n.children;
}

/** The children of a SET. */
export function derSet(node: DerNode | undefined, what: string): readonly DerNode[] {
  const n = universal(node, DER_TAG.SET, what);
  if (!n.constructed) throw new DerError(`${what} is not a constructed SET`);
  return n.children;
}

/** Dotted OID text (no name), e.g. "1.2.840.113549.1.12.10.1.2". */
export function derOid(node: DerNode | undefined, what: string): string {
  const n = universal(node, DER_TAG.OID, what);
  const text = formatOid(n.value);
  if (text === undefined) throw new DerError(`${what} is not a valid OBJECT IDENTIFIER`);
  return text.replace(/ \(.*\)$/, '');
}

/** INTEGER content as unsigned big-endian bytes without leading zeros (a view when none were there). */
export function derUnsigned(node: DerNode | undefined, what: string): Uint8Array {
  const n = universal(node, DER_TAG.INTEGER, what);
  if (n.value.length === 0 || ((n.value[0] ?? 0) & 0x80) !== 0) throw new DerError(`${what} is not a positive INTEGER`);
  let i = 0;
  while (i < n.value.length - 1 && n.value[i] === 0) i++;
  return n.value.subarray(i);
}

/** A small INTEGER as a number. */
export function derSmallInt(node: DerNode | undefined, what: string, max = 0x7fffffff): number {
  const v = derUnsigned(node, what);
  if (v.length > 4) throw new DerError(`${what} is larger than ${max}`);
  const n = v.reduce((acc, b) => acc * 256 + b, 0);
  if (n > max) throw new DerError(`${what} is ${n}, more than ${max}`);
  return n;
}

/** OCTET STRING content; a constructed (BER) one is joined into a new buffer. */
export function derOctets(node: DerNode | undefined, what: string): Uint8Array {
  const n = universal(node, DER_TAG.OCTET_STRING, what);
  if (!n.constructed) return n.value;
  const parts = n.children.map((c) => derOctets(c, what));
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The single element inside an EXPLICIT context tag [n]. */
export function derExplicit(node: DerNode | undefined, n: number, what: string): DerNode {
  if (node === undefined || node.cls !== DER_CLASS.CONTEXT || node.tag !== n || !node.constructed || node.children.length !== 1)
    throw new DerError(`${what} is not an explicit [${n}] element`);
  return node.children[0] as DerNode;
}

/** Text of a BMPString (UTF-16BE, PKCS#9 friendlyName) or UTF8String. */
export function derText(node: DerNode | undefined, what: string): string {
  if (node?.cls === DER_CLASS.UNIVERSAL && node.tag === DER_TAG.BMP_STRING) {
    if (node.value.length % 2 !== 0) throw new DerError(`${what} has an odd number of bytes`);
    let s = '';
    for (let i = 0; i < node.value.length; i += 2) s += String.fromCharCode(((node.value[i] ?? 0) << 8) | (node.value[i + 1] ?? 0));
    return s;
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(universal(node, DER_TAG.UTF8_STRING, what).value);
}
