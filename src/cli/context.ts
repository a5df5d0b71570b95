import type { CardMonitor } from '../transport/card-events.ts';
import type { Transport } from '../transport/transport.ts';

/** Where a command's card comes from. */
export interface CardSource {
  /** PC/SC reader by name, name fragment or index; `sim`/`sim:FILE` for the built-in simulator, `replay:FILE` for a trace. */
  readonly reader?: string;
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
  readonly stderr: (text: string) => void;
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** stdout is a terminal (progress, colour, prompts). */
  readonly isTTY: boolean;
  /** Colour allowed (TTY and no NO_COLOR). */
  readonly color: boolean;
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
