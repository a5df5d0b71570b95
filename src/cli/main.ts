import yargs, { type Argv } from 'yargs';
import { SCHSM_VERSION } from '../transport/version.ts';
import type { CommandDef, GlobalArgs } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { contextWith, line, type CliContext } from './context.ts';
import { commandNamed, commandWords, findCommandTypo, typoMessage } from './command-typo.ts';
import { jsonRequested, reportError, reportUsage } from './error-report.ts';
import { EXIT, EXIT_CODES_HELP, UsageError } from './exit-codes.ts';

/** The options every command accepts (`schsm --help` lists them; completion and the man page read them from here too). */
export function globalOptions(y: Argv): Argv<GlobalArgs> {
  return y
    .option('reader', {
      alias: 'r',
      type: 'string',
      description: 'PC/SC reader: name, part of a name, index; "sim" or "sim:FILE" for the simulator; "replay:TRACE" to replay a trace',
    })
    .option('wait', {
      type: 'number',
      requiresArg: true,
      description: 'wait up to SECONDS (0..3600) for a card to be inserted when the reader is empty, e.g. `schsm status --wait 30`',
    })
    .option('sim', { type: 'boolean', default: false, description: 'use the built-in SmartCard-HSM simulator' })
    .option('sim-state', { type: 'string', description: 'simulator state file, kept between runs (mode 0600)' })
    .option('json', { type: 'boolean', default: false, description: 'machine-readable output' })
    .option('verbose', { alias: 'v', type: 'count', description: 'log what schsm does (-v), and every APDU (-vv)' })
    .option('exclusive', { type: 'boolean', default: false, description: 'connect to the card exclusively' })
    .option('record', { type: 'string', description: 'record the APDU exchanges into this trace file' })
    .option('force', {
      type: 'boolean',
      default: false,
      description: 'overwrite existing files (never weakens card protection)',
    })

    .option('redact', {
      type: 'boolean',
      default: true,
      description: 'hide PINs and key shares in traces and logs (--no-redact to show them)',
    })
    .option('secure-channel', {
      type: 'boolean',
      default: false,
      description: 'protect every command with secure messaging after chip authentication with the device key',
    }) as unknown as Argv<GlobalArgs>;
}

function register(y: Argv<GlobalArgs>, def: CommandDef, ctx: CliContext, done: (code: number) => void): Argv<GlobalArgs> {
  return y.command({
    command: def.command,
    aliases: def.aliases === undefined ? [] : [...def.aliases],
    describe: def.describe,
    builder: (sub: Argv<GlobalArgs>) => {
      let b = def.builder(sub) as Argv<GlobalArgs>;
      for (const child of def.subcommands ?? []) b = register(b, child, ctx, done);
      if (def.subcommands !== undefined) b = b.demandCommand(1, `${def.command}: name a subcommand`);
      return b.strict();
    },
    handler: async (args) => {
      if (def.handler === undefined) return;
      let wroteStdout = false;
      const watched = watchStdout(ctx, () => (wroteStdout = true));
      try {
        refuseStdioState(args);
        if (args.redact === false) line(ctx.stderr, NO_REDACT_WARNING);
        await enableDebug(args.verbose, args.redact !== false, ctx);
        const code = await def.handler(args, watched);
        done(code ?? EXIT.OK);
      } catch (error) {
        // a command that already printed its own document (apdu/run --json: the exchanges, ok: false) keeps it alone
        done(reportError(error, ctx, { verbose: args.verbose > 0, json: args.json && !wroteStdout }));
      }
    },
  });
}

/**
 * `-` (stdin or stdout) is a word like any other for schsm, but not for yargs: it reads `--in -` as
 * "--in '' and a word -" and drops `-` from a variadic positional (`dkek import-share - …`). So `-` is
 * parsed as this stand-in (no command-line word can hold a NUL) and turned back into `-` before any
 * handler sees it.
 */
const DASH = '\u0000-';

function dashIn(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((a, i) => (a === '-' && (end < 0 || i < end) ? DASH : a));
}

const dashOut = (v: unknown): unknown => (v === DASH ? '-' : Array.isArray(v) ? v.map(dashOut) : v);

function restoreDash(args: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(args)) args[k] = dashOut(v);
}

/**
 * Files that stay files: a trace recorded while the command prints its own output, and the simulator's
 * state (read and written again). `-` there would create a file named "-" in the working directory.
 */
function refuseStdioState(args: Record<string, unknown>): void {
  const dash: [string, string][] = [
    ['--record', 'the trace is written while the command prints its own output: name a file, e.g. --record s.trace'],
    ['--sim-state', 'the simulator state is read and saved again: name a file, e.g. --sim-state card.json'],
    ['--state', 'the simulator state is read and saved again: name a file, e.g. --state card.json'],
  ];
  const values: Record<string, unknown> = { '--record': args.record, '--sim-state': args['sim-state'], '--state': args.state };
  for (const [flag, hint] of dash)
    if (values[flag] === '-') throw new UsageError(`${flag} -: stdin/stdout cannot stand in for this file`, hint);
  if (typeof args.reader === 'string' && /^(sim|replay):-$/.test(args.reader))
    throw new UsageError(`--reader ${args.reader}: stdin cannot stand in for this file`, 'name a file, e.g. --reader sim:card.json');
}

/** The context with `onWrite` called at every stdout write (text or bytes). */
function watchStdout(ctx: CliContext, onWrite: () => void): CliContext {
  const stdout = (t: string): void => {
    onWrite();
    ctx.stdout(t);
  };
  const bytes = ctx.stdoutBytes;
  if (bytes === undefined) return contextWith(ctx, { stdout });
  const stdoutBytes = (b: Uint8Array): void => {
    onWrite();
    bytes(b);
  };
  return contextWith(ctx, { stdout, stdoutBytes });
}

/** Printed once when a command runs with --no-redact. */
export const NO_REDACT_WARNING =
  'warning: --no-redact: PINs, SO-PINs, DKEK shares, passwords, decrypted data and card random will be shown in output, traces and logs; keep them secret';

/** -v / -vv: turn on the `schsm:*` debug namespaces (`debug` is loaded only then: it costs start-up time). */
async function enableDebug(verbose: number, redact: boolean, ctx: CliContext): Promise<void> {
  if (verbose <= 0) return;
  const { createDebug } = await import('../transport/debug-log.ts');
  createDebug.enable(verbose >= 2 ? 'schsm:*' : 'schsm:*,-schsm:transport');
  if (verbose < 2) return;
  line(
    ctx.stderr,
    redact
      ? 'schsm: logging every APDU; PINs, SO-PINs, DKEK shares, decrypted data and card random are shown as ".."'
      : 'schsm: logging every APDU WITH SECRETS IN CLEAR (--no-redact)',
  );
}

/**
 * yargs' "Unknown argument(s): …" lists the words it could not place, and a word that is not an option
 * name may be a PIN typed where no PIN belongs (`schsm pin verify 648219`): such words are not repeated.
 */
export function withoutStrayWords(text: string, argv: readonly string[]): string {
  const isOptionName = (w: string): boolean =>
    argv.some((a) => a === `--${w}` || a === `-${w}` || a.startsWith(`--${w}=`) || a === `--no-${w}`);
  return text.replace(/^(Unknown arguments?: )(.*)$/gm, (_m, head: string, list: string) => {
    const words = list.split(', ').map((w) => (isOptionName(w) ? w : '(a word not shown: it may be a secret)'));
    return `${head}${words.join(', ')}`;
  });
}

/** Commands named by the user but with no subcommand: the help is the answer, then the error. */
const NO_COMMAND = /^(name a command|\S+: name a subcommand)/;

/**
 * A command line yargs could not parse: one line saying what was wrong and where help is (a mistyped
 * command with the closest name), the JSON document with --json; the help text only when no command
 * was named at all (`schsm`, `schsm keys`).
 */
function reportParseFailure(argv: readonly string[], failure: Error, output: string, ctx: CliContext): number {
  const json = jsonRequested(argv);
  const typo = findCommandTypo(argv, COMMANDS);
  if (typo !== undefined)
    return reportUsage(ctx, typoMessage(typo), `schsm ${typo.path === '' ? '' : `${typo.path} `}--help lists them`, json);
  const message = withoutStrayWords(failure.message, argv);
  const help = output.endsWith(failure.message) ? output.slice(0, -failure.message.length).trimEnd() : output;
  if (NO_COMMAND.test(message) && !json && help !== '') line(ctx.stderr, `${help}\n`);
  const path = commandWords(argv, COMMANDS).path;
  return reportUsage(ctx, message, `see schsm ${[...path, '--help'].join(' ')}`, json);
}

/**
 * The width help is wrapped to: the terminal's, at most 110; 100 when stdout is not a terminal.
 * bin/schsm.js computes it the same way to pick its pre-rendered help (help-snapshot.ts).
 */
export function helpWidth(columns: number | undefined): number {
  return Math.min(110, columns ?? 100);
}

/** Words that need every command registered: help of any kind, the version, completion. */
const NEEDS_ALL = new Set(['--help', '-h', 'help', '--version', 'completion', '--get-yargs-completions']);

/**
 * The commands to register with yargs: only the one named by the first word when it names one exactly
 * and nothing asks for help, the version or completion; else all. yargs runs only the named command's
 * builder either way, and says the same of its options and arguments; registering the other 22 cost
 * every command ~1.5 ms of its start (issue 11 item 3). A first word that names no command (a typo, an
 * option) gets all of them, for the suggestion and the help.
 */
function commandsFor(argv: readonly string[]): readonly CommandDef[] {
  const first = argv[0];
  if (first === undefined || argv.some((a) => NEEDS_ALL.has(a))) return COMMANDS;
  const def = commandNamed(COMMANDS, first);
  return def === undefined ? COMMANDS : [def];
}

/** Run the CLI with `argv` (without node and script) and return the exit code. */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode: number = EXIT.OK;
  let y = globalOptions(yargs(dashIn(argv)))
    .middleware(restoreDash)
    .scriptName('schsm')
    .locale('en') // every text of schsm is English: no yargs strings in another language among them
    .usage('schsm — SmartCard-HSM driver, explorer, APDU tracer and simulator\n\nUsage: schsm <command> [options]')
    .epilogue(EXIT_CODES_HELP)
    .version(SCHSM_VERSION)
    .help()
    .alias('h', 'help')
    .wrap(helpWidth(ctx.columns))
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .strict()
    .exitProcess(false);
  for (const def of commandsFor(argv)) y = register(y, def, ctx, (c) => (exitCode = c));

  let output = '';
  let failure: Error | undefined;
  await y.parseAsync(dashIn(argv), {}, (err: Error | undefined, _args: unknown, out: string) => {
    output = out.replaceAll(DASH, '-');
    failure = err === null || err === undefined ? undefined : new Error(err.message.replaceAll(DASH, '-'));
  });
  if (failure !== undefined) return reportParseFailure(argv, failure, output, ctx);
  if (output !== '') line(ctx.stdout, output);
  return exitCode;
}
