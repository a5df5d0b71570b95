/**
 * Session state of one explorer shell: the card (a SmartCardHsm session over the CardLink), where
 * the user is (MF, the SmartCard-HSM applet, or another AID), the current EF, FIDs seen on the card
 * (for completion), the debug level, the open recording, and how to ask the user for secrets.
 */
import { UsageError } from '../transport/errors.ts';
import { SmartCardHsm } from '../card/sc-hsm.ts';
import { enumerateObjects } from '../card/commands/enumerate-objects.ts';
import { TransportError, TransportRaceError } from '../transport/errors.ts';
import type { CardEvent, CardMonitor } from '../transport/card-events.ts';
import type { Transport } from '../transport/transport.ts';
import { NoCardError, SecretNeededError } from './errors.ts';
import { renderExchange } from './exchange-view.ts';
import { CardLink } from './link.ts';
import type { RecordOptions } from '../trace/record.ts';
import { exchangeRedactor } from '../trace/redaction.ts';
import { exchangeRecord, type TraceExchange } from '../trace/types.ts';
import { concretePattern } from '../trace/pattern.ts';
import { createStyle, type Style } from './style.ts';
import type { ExplorerCommand } from './types.ts';

/** Where `cd` has taken the user (§2.3: the applet is the SmartCard-HSM's only DF; the MF is virtual). */
export type CurrentDf = { readonly kind: 'mf' } | { readonly kind: 'applet' } | { readonly kind: 'aid'; readonly aid: Uint8Array };

export interface ExplorerIo {
  /** Normal output (stdout). */
  readonly out: (text: string) => void;
  /** Errors, warnings, debug display (stderr). */
  readonly err: (text: string) => void;
}

/** Asks the user something on the terminal; `hidden` answers are not echoed and never kept. */
export interface Prompter {
  ask(prompt: string, hidden: boolean): Promise<string>;
}

/** A pausable time limit: prompts stop the clock of the running command. */
export interface CommandClock {
  pause(): void;
  resume(): void;
}

/** A PC/SC reader as `fleet` needs it: its name, and whether a card is in it. */
export interface ReaderEntry {
  readonly name: string;
  readonly cardPresent: boolean;
}

export interface ExplorerSessionOptions {
  /** Opens the card transport; called again by `reconnect` and after a lost card. */
  readonly openTransport: () => Promise<Transport>;
  readonly io: ExplorerIo;
  readonly color: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly prompter?: Prompter | undefined;
  readonly debugLevel?: number;
  /** Show secrets in the `-v` display (the user passed --no-redact). Default false. */
  readonly showSecrets?: boolean;
  /** Opens ANOTHER card by reader name, index or `sim:FILE` (`pka auth --with READER`). */
  readonly openOther?: ((reader: string) => Promise<Transport>) | undefined;
  /** Lists the PC/SC readers (`fleet`); absent when the explorer runs on the simulator (no other readers). */
  readonly listReaders?: (() => Promise<readonly ReaderEntry[]>) | undefined;
  /**
   * Watches a reader for card removal and insertion (PC/SC `watchCards`): when the connected card is
   * pulled out the shell says so at once and drops the session; when a card comes back it says that
   * the next card command (or `reconnect`) connects to it.
   */
  readonly watchCards?: ((reader: string) => Promise<CardMonitor>) | undefined;
}

export class ExplorerSession {
  readonly io: ExplorerIo;
  readonly style: Style;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly link: CardLink;
  /** --no-redact: the `-v` display and `apdu` echo show secrets. */
  readonly showSecrets: boolean;
  readonly knownFids = new Set<number>();
  debugLevel: number;
  df: CurrentDf = { kind: 'applet' };
  /** EF selected last by cat/info/get (what `cat` without an argument shows). */
  currentEf: number | undefined;
  /** Aborted by Ctrl-C or the time limit of the running command. */
  signal: AbortSignal = new AbortController().signal;
  clock: CommandClock | undefined;
  /** Set by `quit`: the shell ends after this command. */
  quitRequested = false;
  /** A recording to start as soon as the card transport is attached (so it sees the first SELECT). */
  recordOnConnect: RecordOptions | undefined;
  /** Open a secure channel on every connect (`schsm explore --secure-channel`). */
  secureChannelOnConnect = false;
  /** Mask secrets in the plain lines of secure messaging (false only with --no-redact). */
  redactTraces = true;
  /** The command table (for `help` and completion), set by the shell. */
  commands: readonly ExplorerCommand[] = [];
  #prompter: Prompter | undefined;
  #open: () => Promise<Transport>;
  readonly #openOther: ((reader: string) => Promise<Transport>) | undefined;
  /** The PC/SC readers (`fleet`); undefined: no PC/SC (the simulator). */
  readonly listReaders: (() => Promise<readonly ReaderEntry[]>) | undefined;
  #card: SmartCardHsm | undefined;
  #lost: string | undefined;
  #exchanges = 0;
  readonly #watchCards: ((reader: string) => Promise<CardMonitor>) | undefined;
  #monitor: { readonly reader: string; readonly monitor: Promise<CardMonitor | undefined> } | undefined;

  constructor(o: ExplorerSessionOptions) {
    this.io = o.io;
    this.style = createStyle(o.color);
    this.cwd = o.cwd;
    this.env = o.env;
    this.debugLevel = o.debugLevel ?? 0;
    this.showSecrets = o.showSecrets === true;
    this.#prompter = o.prompter;
    this.#open = o.openTransport;
    this.#openOther = o.openOther;
    this.listReaders = o.listReaders;
    this.#watchCards = o.watchCards;
    // Every exchange passes the redactor (it follows GET RESPONSE continuations), shown or not.
    const redact = o.showSecrets === true ? (rec: TraceExchange) => rec : exchangeRedactor();
    this.link = new CardLink((command, response, micros) => {
      this.#exchanges++;
      const rec = redact(
        exchangeRecord({ command: concretePattern(command), response: concretePattern(response), durationMs: micros / 1000 }),
      );
      if (this.debugLevel >= 1) this.io.err(`${renderExchange(this.#exchanges, rec, micros, this.style)}\n`);
    });
  }

  print(text = ''): void {
    this.io.out(`${text}\n`);
  }

  warn(text: string): void {
    this.io.err(`${this.style.yellow('warning:')} ${text}\n`);
  }

  set prompter(p: Prompter | undefined) {
    this.#prompter = p;
  }

  get connected(): boolean {
    return this.#card !== undefined;
  }

  /** Why the card is gone (after a lost connection), for the prompt and errors. */
  get lostReason(): string | undefined {
    return this.#lost;
  }

  /** Open another card (not this session's): the caller closes its transport. */
  async openOther(reader: string): Promise<Transport> {
    if (this.#openOther === undefined) throw new UsageError('this explorer cannot open a second card');
    return this.#openOther(reader);
  }

  /** The card session; after a lost card, try once to connect again (re-insertion resumes). */
  async card(): Promise<SmartCardHsm> {
    if (this.#card !== undefined) return this.#card;
    try {
      return await this.connect();
    } catch (err) {
      throw new NoCardError(err instanceof Error ? err.message : String(err));
    }
  }

  /** Open the card transport, SELECT the applet, learn the object list. */
  async connect(): Promise<SmartCardHsm> {
    await this.link.detach();
    this.link.attach(await this.#open());
    try {
      if (this.recordOnConnect !== undefined) {
        await this.link.startRecording(this.recordOnConnect);
        this.recordOnConnect = undefined;
      }
      this.#card = await SmartCardHsm.open(this.link.transport);
      if (this.secureChannelOnConnect) await (await import('./commands/sm.ts')).openSecureChannel(this);
    } catch (err) {
      await this.link.detach();
      throw err;
    }
    this.#lost = undefined;
    this.df = { kind: 'applet' };
    this.currentEf = undefined;
    await this.#watch(this.#card.transport.name);
    await this.refreshFids().catch(() => undefined);
    return this.#card;
  }

  /** Watch `reader` for removal and insertion (once per reader; a failing monitor only costs the notices). */
  async #watch(reader: string): Promise<void> {
    if (this.#watchCards === undefined || this.#monitor?.reader === reader) return;
    await this.#stopWatching();
    const monitor = this.#watchCards(reader).then(
      (m) => {
        m.on((e) => this.#onCardEvent(reader, e));
        return m;
      },
      () => undefined,
    );
    this.#monitor = { reader, monitor };
    await monitor;
  }

  #onCardEvent(reader: string, e: CardEvent): void {
    if (e.reader !== reader) return;
    if (e.type === 'card-removed' && this.#card !== undefined) {
      this.#card = undefined;
      this.#lost = `the card was removed from "${reader}"`;
      void this.link.detach();
      this.warn(`the card was removed from "${reader}"; insert it again (the next card command connects, or type \`reconnect\`)`);
    } else if (e.type === 'card-inserted' && this.#card === undefined) {
      this.io.err(`a card was inserted in "${reader}": the next card command connects to it (or type \`reconnect\`)\n`);
    }
  }

  async #stopWatching(): Promise<void> {
    const m = this.#monitor;
    this.#monitor = undefined;
    await (await m?.monitor)?.close();
  }

  /** Drop the connection (keeps the recording) and connect again. */
  async reconnect(): Promise<SmartCardHsm> {
    this.#card = undefined;
    return this.connect();
  }

  /** A transport failure (card pulled, reader gone, pcscd stopped): forget the card, keep the shell. */
  noteFailure(err: unknown): boolean {
    if (!(err instanceof TransportError) || err instanceof TransportRaceError) return false;
    if (err.code === 'ERR_SCHSM_TIMEOUT') return false;
    this.#card = undefined;
    this.#lost = err.message;
    void this.link.detach();
    return true;
  }

  /** ENUMERATE OBJECTS into `knownFids` (for completion). */
  async refreshFids(): Promise<number[]> {
    const card = this.#card;
    if (card === undefined) return [];
    const fids = await enumerateObjects(card);
    this.knownFids.clear();
    for (const f of fids) this.knownFids.add(f);
    return fids;
  }

  /** Ask for a secret on the terminal (nothing echoed); the clock of the command stops meanwhile. */
  async askSecret(prompt: string, what: string, how: string): Promise<string> {
    return this.#ask(prompt, true, () => new SecretNeededError(what, how));
  }

  /** Ask a yes/no question; without a terminal the answer is no. */
  async confirm(question: string): Promise<boolean> {
    if (this.#prompter === undefined) return false;
    const answer = await this.#ask(`${question} [y/N] `, false, () => new SecretNeededError('answer', ''));
    return /^y(es)?$/i.test(answer.trim());
  }

  async #ask(prompt: string, hidden: boolean, missing: () => Error): Promise<string> {
    if (this.#prompter === undefined) throw missing();
    this.clock?.pause();
    try {
      return await this.#prompter.ask(prompt, hidden);
    } finally {
      this.clock?.resume();
    }
  }

  /** Stop recording and release the card. */
  async close(): Promise<void> {
    await this.#stopWatching();
    await this.link.stopRecording().catch(() => undefined);
    this.#card = undefined;
    await this.link.detach();
  }
}
