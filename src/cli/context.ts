import type { CardMonitor } from '../transport/card-events.ts';
import type { Transport } from '../transport/transport.ts';

/** Where a command's card comes from. */
export interface CardSource {
  /** PC/SC reader by name, name fragment or index; `sim`/`sim:FILE` for the built-in simulator, `replay:FILE` for a trace. */
  readonly reader?: string;
  /**
   * A pcscd socket (PCSCLITE_CSOCK_NAME) other than this host's, e.g. one forwarded over SSH: the reader
   * is opened by a worker process of its own (transport/pcsc-socket.ts), since libpcsclite reads the
   * socket name once per process.
   */
  readonly pcscSocket?: string;
  /** Wait this long for a card to be inserted when none is (PC/SC; --wait). */
  readonly waitForCardMs?: number;
  /** Use the in-process simulator. */
  readonly sim?: boolean;
  /** Simulator state file (kept between runs). */
  readonly simState?: string;
  /** Connect EXCLUSIVE instead of SHARED. */
  readonly exclusive?: boolean;
  /** Record the exchanges into this trace file. */
  readonly record?: string;
  /** Overwrite an existing trace file. */
  readonly force?: boolean;
  /** Record secrets in clear (explicit). */
  readonly noRedact?: boolean;
  /**
   * Open a secure channel (chip authentication + secure messaging, §3.21) right after selecting the
   * applet, so every command of the session is protected on the wire.
   */
  readonly secureChannel?: boolean;
  /**
   * The command can erase a device or spend a PIN try: with no reader named and several cards present,
   * refuse (AmbiguousCardError) instead of taking the first card.
   */
  readonly requireUniqueCard?: boolean;
  /** With no reader named: told which reader was taken and which held a card (to say so when several did). */
  readonly onChoice?: (choice: { readonly reader: string; readonly readersWithCard: readonly string[] }) => void;
}

/** Everything a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  readonly stdout: (text: string) => void;
  /** Raw bytes on stdout (an output file named `-`); without it they are written as latin1 text. */
  readonly stdoutBytes?: (bytes: Uint8Array) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** stdout is a terminal (progress, colour, prompts). */
  readonly isTTY: boolean;
  /** Colour allowed (TTY and no NO_COLOR). */
  readonly color: boolean;
  /** stdout's terminal width (help is wrapped to it, at most 110); undefined when stdout is not a terminal (help: 100). */
  readonly columns?: number | undefined;
  /**
   * stdin/stdout/stderr are the process's own: a program the command runs (`trace capture`) may share
   * them (and the terminal) directly. Absent in tests, where its output goes through stdout/stderr.
   */
  readonly processStdio?: boolean;
  /**
   * Open the transport for a command. The default resolves the simulator, a replay in progress
   * (`schsm trace replay`) or a PC/SC reader (the binding is loaded only here), and adds the traffic
   * log and the recorder when asked.
   */
  openTransport(source: CardSource): Promise<Transport>;
  /** Watch a PC/SC reader for card removal and insertion (the explorer's notices); absent in tests that fake the card. */
  readonly watchCards?: ((reader: string) => Promise<CardMonitor>) | undefined;
}

/** Writes a line (adds the newline). */
export function line(write: (text: string) => void, text = ''): void {
  write(`${text}\n`);
}

/**
 * `ctx` with some members replaced. The copy keeps property descriptors (the default context's stdin is
 * a lazy getter that a spread would call) and stays spreadable (`{ ...ctx }` sees every member).
 */
export function contextWith(ctx: CliContext, overrides: Partial<CliContext>): CliContext {
  const view = Object.defineProperties({}, Object.getOwnPropertyDescriptors(ctx)) as CliContext;
  for (const [key, value] of Object.entries(overrides))
    Object.defineProperty(view, key, { value, enumerable: true, writable: false, configurable: true });
  return view;
}
