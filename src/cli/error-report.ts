/**
 * How every failure of a command is reported, in one place: the message and hint on stderr (the stack
 * only with -v) and, with `--json`, also one JSON document on stdout (issue 11 item 5):
 *
 *   {"ok": false, "error": {"code": "ERR_SCHSM_…", "message": "…", "hint": "…" | null, "exit": 2}}
 *
 * The exit code is the same with and without --json. The document repeats only the message and hint
 * printed on stderr, which never carry a PIN, password or key share (and a word yargs could not place
 * is not repeated: withoutStrayWords).
 */
import { SchsmError } from '../transport/errors.ts';
import { line, type CliContext } from './context.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { createStyle } from './style.ts';

/** The `error` member of a failure's JSON document. */
export interface ErrorDocument {
  readonly code: string;
  readonly message: string;
  readonly hint: string | null;
  readonly exit: number;
}

/** Code of an error that is not a SchsmError (a bug in schsm). */
export const INTERNAL_CODE = 'ERR_SCHSM_INTERNAL';

/** The JSON document of a failure: `{ok: false, error: {code, message, hint, exit}}`. */
export function failureDocument(error: ErrorDocument): { ok: false; error: ErrorDocument } {
  return { ok: false, error };
}

/**
 * The document on stdout, as output.ts printJson would print it (it holds only strings, numbers and
 * null, so no replacer): output.ts imports apdu/hex.ts, which `schsm --help` must not load
 * (test/cli/startup-imports.test.ts).
 */
function printFailure(ctx: CliContext, error: ErrorDocument): void {
  line(ctx.stdout, JSON.stringify(failureDocument(error), null, 2));
}

function describe(error: unknown): ErrorDocument {
  const exit = exitCodeFor(error);
  if (error instanceof SchsmError) return { code: error.code, message: error.message, hint: error.hint ?? null, exit };
  return { code: INTERNAL_CODE, message: error instanceof Error ? error.message : String(error), hint: 'please report this bug', exit };
}

/** Print an error the way every schsm command does (see the file comment) and return its exit code. */
export function reportError(error: unknown, ctx: CliContext, options: { verbose: boolean; json: boolean }): number {
  const s = createStyle(ctx.color);
  const doc = describe(error);
  if (error instanceof SchsmError) {
    line(ctx.stderr, `${s.red('error:')} ${doc.message}`);
    if (doc.hint !== null) line(ctx.stderr, `${s.dim('hint:')} ${doc.hint}`);
  } else {
    line(ctx.stderr, `${s.red('internal error:')} ${doc.message}`);
  }
  if (options.verbose && error instanceof Error && error.stack !== undefined) line(ctx.stderr, s.dim(error.stack));
  if (options.json) printFailure(ctx, doc);
  return doc.exit;
}

/** A usage error found while parsing the command line (exit 2): one line on stderr, and the JSON document with --json. */
export function reportUsage(ctx: CliContext, message: string, hint: string, json: boolean): number {
  line(ctx.stderr, `error: ${message} (${hint})`);
  if (json) printFailure(ctx, { code: 'ERR_SCHSM_USAGE', message, hint, exit: EXIT.USAGE });
  return EXIT.USAGE;
}

/** `--json` was given on the command line (before yargs could parse it: a parse failure needs it too). */
export function jsonRequested(argv: readonly string[]): boolean {
  let json = false;
  for (const a of argv) {
    if (a === '--') break;
    if (a === '--json' || a === '--json=true') json = true;
    else if (a === '--no-json' || a === '--json=false') json = false;
  }
  return json;
}
