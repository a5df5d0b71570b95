/**
 * `runExplorer`: connect, then either the interactive shell (a terminal and no script) or script
 * mode, and release the card at the end. The transport comes from the caller's factory (the CLI
 * decides between a PC/SC reader and the simulator), so this folder never imports PC/SC or sim/.
 */
import { INPUT_LIMITS, InputTooLargeError, readBoundedFile, readBoundedStream } from '../transport/bounded-read.ts';
import { fileErrorText } from '../transport/fs-errors.ts';
import path from 'node:path';
import type { CardMonitor } from '../transport/card-events.ts';
import type { Transport } from '../transport/transport.ts';
import { COMMANDS } from './commands/index.ts';
import { Runner } from './dispatch.ts';
import { UsageError } from '../transport/errors.ts';
import { runRepl } from './repl.ts';
import { runScript } from './script.ts';
import { ExplorerSession, type ExplorerIo, type ReaderEntry } from './session.ts';
import { linesOut, terminalPrompter, type TerminalOutput } from './terminal.ts';

export interface ExplorerOptions {
  /** Opens the card transport (again on `reconnect` and after the card was lost). */
  readonly openTransport: () => Promise<Transport>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Script text source when there is neither a terminal nor `script`. */
  readonly stdin: NodeJS.ReadableStream;
  /** The terminal, when stdin and stdout are one: interactive shell (or hidden prompts in script mode). */
  readonly terminal?: { readonly input: NodeJS.ReadableStream; readonly output: TerminalOutput } | undefined;
  readonly color: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Run this script file instead of the interactive shell; `-` is stdin (the text of a script mode without a terminal). */
  readonly script?: string | undefined;
  readonly keepGoing?: boolean;
  /** 1 = every APDU annotated (`-v`). */
  readonly debugLevel?: number;
  /** Interactive history file (undefined: in memory only). */
  readonly historyFile?: string | undefined;
  /** Opens another card by reader (for `pka auth --with READER`). */
  readonly openOther?: ((reader: string) => Promise<Transport>) | undefined;
  /** Lists the PC/SC readers (for `fleet`); leave it out on the simulator. */
  readonly listReaders?: (() => Promise<readonly ReaderEntry[]>) | undefined;
  /** Watches the connected reader (PC/SC): the shell says when the card is pulled out or put back. */
  readonly watchCards?: ((reader: string) => Promise<CardMonitor>) | undefined;
  /** Record the session's APDUs from the start (`--record`). */
  readonly record?: { readonly file: string; readonly force: boolean; readonly redact: boolean } | undefined;
  /** Open a secure channel on connect (`--secure-channel`). */
  readonly secureChannel?: boolean;
  /** false only with --no-redact: secure messaging's plain lines and the `-v` display then show secrets. */
  readonly redact?: boolean;
}

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

async function scriptText(o: ExplorerOptions): Promise<{ text: string; name: string }> {
  const what = 'explorer script';
  if (o.script === undefined || o.script === '-')
    return { text: decode(await readBoundedStream(o.stdin, INPUT_LIMITS.script, { name: '<stdin>', what })), name: '<stdin>' };
  try {
    return {
      text: decode(await readBoundedFile(path.resolve(o.cwd, o.script), INPUT_LIMITS.script, { name: o.script, what })),
      name: o.script,
    };
  } catch (err) {
    if (err instanceof InputTooLargeError) throw err;
    throw new UsageError(`script ${o.script}: ${fileErrorText(err)}`);
  }
}

function welcome(session: ExplorerSession): void {
  const s = session.style;
  session.print(
    `${s.bold('schsm explorer')}: type ${s.bold('help')} for the commands (any unique prefix works), Tab completes, Ctrl-D leaves.`,
  );
}

/** Run the explorer; resolves with the exit code (0, or 1 when a script command failed). */
export async function runExplorer(o: ExplorerOptions): Promise<number> {
  const io: ExplorerIo = { out: o.stdout, err: o.stderr };
  const interactive = o.terminal !== undefined && o.script === undefined;
  const session = new ExplorerSession({
    openTransport: o.openTransport,
    watchCards: o.watchCards,
    io,
    color: o.color,
    cwd: o.cwd,
    env: o.env,
    debugLevel: o.debugLevel ?? 0,
    showSecrets: o.redact === false,
    openOther: o.openOther,
    listReaders: o.listReaders,
    prompter: o.terminal === undefined ? undefined : terminalPrompter(o.terminal.input, o.terminal.output),
  });
  session.commands = COMMANDS;
  session.secureChannelOnConnect = o.secureChannel === true;
  session.redactTraces = o.redact !== false;
  const script = interactive ? undefined : await scriptText(o);
  try {
    if (o.record !== undefined)
      session.recordOnConnect = {
        file: path.resolve(o.cwd, o.record.file),
        force: o.record.force,
        redact: o.record.redact,
        header: { tool: 'schsm explore' },
        warn: (m) => o.stderr(`${m}\n`),
      };
    const card = await session.connect();
    const runner = new Runner();
    if (script !== undefined) return await runScript(session, runner, { ...script, keepGoing: o.keepGoing === true });
    welcome(session);
    session.print(`card: ${card.applet.typeName} ${card.applet.version.major}.${card.applet.version.minor} in ${card.transport.name}`);
    await runRepl(session, runner, {
      input: o.terminal?.input ?? o.stdin,
      // without a terminal, the prompts go the way of every other output line (o.stdout), so they stay in order
      output: o.terminal?.output ?? linesOut(o.stdout),
      historyFile: o.historyFile,
    });
    return 0;
  } finally {
    await session.close();
  }
}
