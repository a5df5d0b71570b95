/**
 * Names as literal union types, so that a typo in a literal fails at compile time while text known
 * only at run time (a command-line argument) is still accepted and checked then.
 *
 * `LiteralOr<T, Allowed>`, used as `name: T & LiteralOr<T, Allowed>` with `<const T extends string>`:
 * a literal must be one of `Allowed` (upper or lower case alike, as the parsers read them); a value
 * typed `string` passes.
 */
export type LiteralOr<T extends string, Allowed extends string> = string extends T
  ? T
  : Uppercase<T> extends Uppercase<Allowed>
    ? T
    : Allowed;
