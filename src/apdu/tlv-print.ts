import { TlvDepthError } from './errors.ts';
import { hex2, toHex } from './hex.ts';
import { decodeTlvs, type Tlv } from './tlv.ts';
import { TEXT_TAGS, tagName } from './tlv-names.ts';
import { formatOid } from './oid.ts';

export interface TlvPrintOptions {
  /** Indent per level (default two spaces). */
  readonly indent?: string;
  /** Longest value printed in hex before it is cut with "…" (default 64 bytes). */
  readonly maxValueBytes?: number;
}

/**
 * How deep `formatTlv` follows constructed TLVs. Card data (CVCs, PKCS#15, X.509) nests about a dozen
 * levels; the cap keeps the printer's stack and its output bounded: every line is at most
 * MAX_TLV_DEPTH indents long, so the text grows linearly with the input.
 */
export const MAX_TLV_DEPTH = 64;

/**
 * Readable tree of BER-TLV data: tag, name where known, length, decoded or hex value. Throws TlvError
 * for malformed top-level data and TlvDepthError (code ERR_SCHSM_TLV_DEPTH) past MAX_TLV_DEPTH levels.
 */
export function formatTlv(bytes: Uint8Array, options: TlvPrintOptions = {}): string {
  const lines: string[] = [];
  printLevel(decodeTlvs(bytes, { allowPadding: true }), 0, 0, undefined, lines, options);
  return lines.join('\n');
}

function printLevel(
  tlvs: readonly Tlv[],
  depth: number,
  base: number,
  parent: number | undefined,
  out: string[],
  o: TlvPrintOptions,
): void {
  const unit = o.indent ?? '  ';
  const pad = unit.repeat(depth);
  for (const t of tlvs) {
    const name = tagName(t.tag, parent);
    const head = `${pad}${hex2(t.tag)}${name === undefined ? '' : ` ${name}`} (${t.value.length})`;
    if (!t.constructed) {
      out.push(`${head}: ${describeValue(t, o)}`);
      continue;
    }
    out.push(head);
    const at = base + t.offset + t.headerLength;
    if (depth + 1 >= MAX_TLV_DEPTH && t.value.length > 0) throw new TlvDepthError(MAX_TLV_DEPTH, at);
    let children: Tlv[];
    try {
      children = decodeTlvs(t.value);
    } catch {
      out.push(`${pad}${unit}(not TLV) ${shortHex(t.value, o)}`);
      continue;
    }
    printLevel(children, depth + 1, at, t.tag, out, o);
  }
}

function describeValue(t: Tlv, o: TlvPrintOptions): string {
  if (t.tag === 0x06) {
    const oid = formatOid(t.value);
    return oid === undefined ? shortHex(t.value, o) : oid;
  }
  if (TEXT_TAGS.has(t.tag) && t.value.every((b) => b >= 0x20 && b < 0x7f)) return JSON.stringify(new TextDecoder().decode(t.value));
  return shortHex(t.value, o);
}

function shortHex(v: Uint8Array, o: TlvPrintOptions): string {
  const max = o.maxValueBytes ?? 64;
  return v.length > max ? `${toHex(v.subarray(0, max))}…` : toHex(v);
}
