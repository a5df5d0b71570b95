import { arity, parseNumber, type ParsedArgs } from '../args.ts';

/** A key reference 1..255 (P1 of the crypto commands; 0 is the device key, §3). */
export function keyRefArg(text: string | undefined): number {
  return parseNumber(text ?? '', 'key reference', 1, 255);
}

/**
 * `FILE --ref N` (the one grammar of the CLI and the explorer, README "One grammar") or the explorer's
 * older `REF FILE`: the key reference and the file of `keys wrap|unwrap`.
 */
export function refAndFile(args: ParsedArgs, usage: string): { ref: number; file: string } {
  const ref = args.values.get('ref');
  if (ref !== undefined) {
    arity(args, 1, 1, usage);
    return { ref: keyRefArg(ref), file: args.positional[0] ?? '' };
  }
  arity(args, 2, 2, usage);
  return { ref: keyRefArg(args.positional[0]), file: args.positional[1] ?? '' };
}

/** `--ref N` or the older positional REF. */
export function refOption(args: ParsedArgs, usage: string): number {
  const ref = args.values.get('ref');
  arity(args, ref === undefined ? 1 : 0, ref === undefined ? 1 : 0, usage);
  return keyRefArg(ref ?? args.positional[0]);
}
