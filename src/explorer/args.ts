/**
 * Argument helpers shared by the commands: options (`--force`, `--label NAME`, `--label=NAME`) split
 * from positional words, FIDs, numbers, data given as hex or as a "string".
 */
import { fromHex, hex4 } from '../apdu/hex.ts';
import { UsageError } from '../transport/errors.ts';
import type { Token } from './tokenize.ts';

export type OptionKind = 'boolean' | 'string';
export type OptionSpec = Readonly<Record<string, OptionKind>>;

export interface ParsedArgs {
  readonly positional: readonly string[];
  /** The same words as tokens (quoted or not: `parseData` needs to know). */
  readonly positionalTokens: readonly Token[];
  readonly flags: ReadonlySet<string>;
  readonly values: ReadonlyMap<string, string>;
}

/** A word that names an option (`--x`, `-f`): not quoted, starts with a dash and a letter. */
export function isOptionWord(t: Token): boolean {
  return !t.quoted && /^--?[a-z]/i.test(t.text);
}

/** Short aliases every command understands. */
const SHORT: Readonly<Record<string, string>> = { '-f': '--force' };

/** Split tokens into positional words and the options of `spec`; an unknown option is a usage error. */
export function parseArgs(tokens: readonly Token[], spec: OptionSpec = {}): ParsedArgs {
  const positional: string[] = [];
  const positionalTokens: Token[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!isOptionWord(t)) {
      positional.push(t.text);
      positionalTokens.push(t);
      continue;
    }
    const [rawName = '', inline] = (SHORT[t.text] ?? t.text).split(/=(.*)/s, 2);
    const name = rawName.replace(/^--?/, '');
    const kind = spec[name];
    if (kind === undefined) {
      const known =
        Object.keys(spec)
          .map((k) => `--${k}`)
          .join(', ') || 'none';
      throw new UsageError(`unknown option ${rawName}`, `options of this command: ${known}`);
    }
    if (kind === 'boolean') flags.add(name);
    else {
      const value = inline ?? tokens[++i]?.text;
      if (value === undefined) throw new UsageError(`${rawName} needs a value`);
      values.set(name, value);
    }
  }
  return { positional, positionalTokens, flags, values };
}

/** Indices (into `tokens`) of the positional words, in order: what history redaction works on. */
export function positionalIndices(tokens: readonly Token[], spec: OptionSpec = {}): number[] {
  const out: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!isOptionWord(t)) out.push(i);
    else if (spec[t.text.replace(/^--?/, '')] === 'string' && !t.text.includes('=')) i++;
  }
  return out;
}

/** A 2-byte file identifier: 4 hex digits ("C401", "c401", "0xC401"). */
export function parseFid(text: string): number {
  const t = text.replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{4}$/.test(t))
    throw new UsageError(`${JSON.stringify(text)} is not a file identifier`, 'a FID is 4 hex digits, e.g. C401 or 2F02');
  return parseInt(t, 16);
}

/** A non-negative integer, decimal or 0x-hex, within [min, max]. */
export function parseNumber(text: string, what: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`${what} must be a number ${min}..${max}, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * Data as opensc-explorer takes it: hex (`00:A4:04`, `00 A4`, `00A404` — already one word) or, when
 * the word was quoted, the text's UTF-8 bytes.
 */
export function parseData(t: Token): Uint8Array {
  if (t.quoted) return new TextEncoder().encode(t.text);
  try {
    return fromHex(t.text);
  } catch {
    throw new UsageError(
      `${JSON.stringify(t.text)} is neither hex nor a "quoted string"`,
      'write bytes as hex (00:A4:04 or 00A404) or text in double quotes',
    );
  }
}

/** "C401" for 0xC401. */
export function fidHex(fid: number): string {
  return hex4(fid);
}

/** Require between min and max positional words. */
export function arity(args: ParsedArgs, min: number, max: number, usage: string): void {
  const n = args.positional.length;
  if (n < min || n > max) throw new UsageError(`${n < min ? 'missing argument' : 'too many arguments'}`, `usage: ${usage}`);
}

/**
 * `--force` only overwrites local files (one flag, one meaning): a command that would replace a key on
 * the card refuses it and names `--replace`, so an old habit never silently does something else.
 */
export function noForce(args: ParsedArgs, command: string): void {
  if (args.flags.has('force'))
    throw new UsageError(
      `${command} takes --replace to replace an existing key`,
      '--force only overwrites local files; it never replaces a key on the card',
    );
}
