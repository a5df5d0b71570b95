/**
 * Output helpers shared by the operator commands: `--json` documents (bytes as hex, bigints as
 * decimal strings) and the aligned "Label : value" lines sc-hsm-tool prints.
 */
import { line, type CliContext } from './context.ts';

export function jsonReplacer(_key: string, value: unknown): unknown {
  // upper-case hex like apdu/hex.ts toHex; node's Buffer keeps the codec out of every start-up (--help, errors)
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex').toUpperCase();
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Print one JSON document (pretty, newline-terminated) on stdout. */
export function printJson(ctx: CliContext, value: unknown): void {
  line(ctx.stdout, JSON.stringify(value, jsonReplacer, 2));
}

/** sc-hsm-tool's layout: the label padded to 21 columns, then ": value". */
export function field(label: string, value: string | number): string {
  return `${label.padEnd(21)}: ${value}`;
}
