/**
 * The help of every command rendered ahead of time (issue 11 item 3): scripts/build.mjs runs
 * `helpSnapshot(width)` from the CLI bundle and writes dist/bundle/help/WIDTH.json; bin/schsm.js prints
 * from it when its command line is one of the listed ones and the help width is one rendered, before
 * it loads anything else (about a third of `schsm --help` was yargs setting up and rendering). Every
 * text is what `runCli` itself writes for that command line (exit 0, nothing on stderr), so the fast
 * path cannot say anything the normal path would not; test/cli/help-snapshot.test.ts checks the built
 * files against a live render of the sources, byte for byte.
 */
import type { CommandDef } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import type { CliContext } from './context.ts';
import { runCli } from './main.ts';

/** Help widths rendered: a pipe or file (100), a terminal of 110 columns or more (110), a classic 80-column one. */
export const SNAPSHOT_WIDTHS: readonly number[] = [80, 100, 110];

export interface HelpSnapshot {
  /** What `helpWidth()` gives for the terminal (main.ts). */
  readonly width: number;
  /** JSON.stringify(argv) → index in `texts`. */
  readonly argv: Readonly<Record<string, number>>;
  /** What stdout receives, exactly. */
  readonly texts: readonly string[];
}

const nameOf = (d: CommandDef): string => d.command.split(' ')[0] ?? d.command;

/** Every command path, by name and by each alias (`keys list`, `keys ls`, …). */
function commandPaths(defs: readonly CommandDef[] = COMMANDS, prefix: readonly string[] = []): string[][] {
  return defs.flatMap((d) =>
    [nameOf(d), ...(d.aliases ?? [])].flatMap((w) => {
      const p = [...prefix, w];
      return [p, ...commandPaths(d.subcommands ?? [], p)];
    }),
  );
}

/** The command lines that only print help or the version. */
export function helpCommandLines(): string[][] {
  const lines: string[][] = [['--help'], ['-h'], ['help'], ['--version']];
  for (const p of commandPaths()) lines.push([...p, '--help'], [...p, '-h'], ['help', ...p]);
  return lines;
}

/** What `runCli(argv)` writes when stdout's width gives `width`: stdout, stderr and the exit code. */
export async function renderCommandLine(
  argv: readonly string[],
  columns: number | undefined,
  options: { isTTY?: boolean; color?: boolean } = {},
): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: (t) => (stdout += t),
    stdoutBytes: (b) => (stdout += Buffer.from(b).toString('latin1')),
    stderr: (t) => (stderr += t),
    get stdin(): NodeJS.ReadableStream {
      throw new Error('help reads no input');
    },
    env: {},
    cwd: '/',
    isTTY: options.isTTY ?? false,
    color: options.color ?? false,
    columns,
    openTransport: () => Promise.reject(new Error('help opens no card')),
  };
  const code = await runCli(argv, ctx);
  return { stdout, stderr, code };
}

/** The help of every command line of `helpCommandLines()` that succeeds quietly, at `width` (a terminal that wide). */
export async function helpSnapshot(width: number): Promise<HelpSnapshot> {
  const argv: Record<string, number> = {};
  const texts: string[] = [];
  const index = new Map<string, number>();
  for (const line of helpCommandLines()) {
    const r = await renderCommandLine(line, width);
    if (r.code !== 0 || r.stderr !== '' || r.stdout === '') continue;
    let i = index.get(r.stdout);
    if (i === undefined) {
      i = texts.push(r.stdout) - 1;
      index.set(r.stdout, i);
    }
    argv[JSON.stringify(line)] = i;
  }
  return { width, argv, texts };
}
