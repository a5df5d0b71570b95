/**
 * `SmartCardHsm`: the session facade over any Transport. It builds the APDU
 * channel, SELECTs the applet once and keeps what tag 85 says (version, options), and sends commands
 * with status words mapped to domain errors (errors.ts). The card commands themselves are functions in
 * commands/, one file each, taking this session (or any CardSession) as their first argument.
 *
 *   const card = await SmartCardHsm.open(transport);
 *   await verifyPin(card, { pin: '648219' });
 *   const sig = await sign(card, 1, { kind: 'ecdsa', hash: 'sha256' }, data);
 */
import { createChannel, type Channel } from '../apdu/channel.ts';
import type { CommandApdu } from '../apdu/command.ts';
import type { GuardPolicy } from '../apdu/guard.ts';
import { SessionLock } from '../apdu/lock.ts';
import type { ResponseApdu } from '../apdu/response.ts';
import { createSecureMessaging, type PlainObserver } from '../apdu/sm/layer.ts';
import { TransportError } from '../transport/errors.ts';
import type { ReconnectOptions, Transport } from '../transport/transport.ts';
import { readCardStatus, type CardStatus } from './card-status.ts';
import { CLA, INS } from './constants.ts';
import { selectApplet, type AppletInfo } from './commands/select-applet.ts';
import { performChipAuthentication, type ChipAuthenticationOptions } from './secure-messaging/chip-authentication.ts';
import {
  EXTENDED_LIMITS,
  SHORT_LIMITS,
  exchange,
  type CardLimits,
  type CardSession,
  type SecureChannelInfo,
  type SendOptions,
} from './session.ts';

export interface OpenSecureChannelOptions extends ChipAuthenticationOptions {
  /** Sees every plain command and response inside the channel (secrets included: mask before writing). */
  readonly observer?: PlainObserver;
}

/**
 * `allowLastTry` / `confirmErase` (GuardPolicy) lift the channel's safety guard for the whole session;
 * without them (the default) a command that could block a PIN or erase the device is refused, and a
 * single command can be allowed with the same names in its options (verifyPin, initializeDevice, …).
 */
export interface OpenOptions extends GuardPolicy {
  /** The reader takes short APDUs only (chaining and GET RESPONSE instead of extended lengths). */
  readonly shortOnly?: boolean;
  /** Override the per-APDU data limits (defaults: 1024/1024 extended, 255/256 short; §1.4). */
  readonly maxCommandData?: number;
  readonly maxResponseData?: number;
}

function limitsFor(options: OpenOptions): CardLimits {
  const base = options.shortOnly === true ? SHORT_LIMITS : EXTENDED_LIMITS;
  return {
    shortOnly: base.shortOnly,
    maxCommandData: Math.min(options.maxCommandData ?? base.maxCommandData, base.shortOnly ? 255 : 0xffff),
    maxResponseData: Math.min(options.maxResponseData ?? base.maxResponseData, base.shortOnly ? 256 : 0x10000),
  };
}

/**
 * A session with a SmartCard-HSM over any Transport: SELECTs the applet at `open`, sends commands with
 * status words mapped to domain errors, keeps the secure channel and the safety guard. The card
 * commands are functions taking the session first (`verifyPin(card, …)`, `listKeys(card)`).
 * `await using card = await SmartCardHsm.open(transport)` closes the transport at the end of the block.
 */
export class SmartCardHsm implements CardSession, AsyncDisposable {
  readonly transport: Transport;
  #channel: Channel;
  readonly #guard: GuardPolicy;
  #limits: CardLimits;
  #applet: AppletInfo;
  /** INITIALIZE DEVICE succeeded since the last SELECT: tag 85 (options) is out of date. */
  #appletStale = false;
  #secureChannel: SecureChannelInfo | undefined;
  #secureOptions: OpenSecureChannelOptions | undefined;
  readonly #lock: SessionLock;

  private constructor(
    transport: Transport,
    channel: Channel,
    lock: SessionLock,
    guard: GuardPolicy,
    limits: CardLimits,
    applet: AppletInfo,
  ) {
    this.transport = transport;
    this.#lock = lock;
    this.#channel = channel;
    this.#guard = guard;
    this.#limits = limits;
    this.#applet = applet;
  }

  /**
   * Open a session: build the channel (61xx, 6Cxx, chaining when short-only) and SELECT the applet
   * `00 A4 04 00 0B E82B0601040181C31F0201 00` (§2.3). Throws AppletNotFoundError when the card has no
   * SmartCard-HSM applet (or its FCP lacks tag 85).
   */
  static async open(transport: Transport, options: OpenOptions = {}): Promise<SmartCardHsm> {
    const limits = limitsFor(options);
    const guard: GuardPolicy = {
      ...(options.allowLastTry === true ? { allowLastTry: true } : {}),
      ...(options.confirmErase === true ? { confirmErase: true } : {}),
    };
    const lock = new SessionLock();
    const channel = createChannel(transport, { shortOnly: limits.shortOnly, guard, lock });
    const boot: CardSession = { transport, limits, send: (cmd, o) => exchange(channel, cmd, o) };
    const applet = await selectApplet(boot);
    return new SmartCardHsm(transport, channel, lock, guard, limits, applet);
  }

  /** What SELECT tag 85 said: version, options, applet type (§2.4). */
  get applet(): AppletInfo {
    return this.#applet;
  }

  get limits(): CardLimits {
    return this.#limits;
  }

  /**
   * Send one command. A status word other than 9000/61xx (or one listed in `accept`) throws the domain
   * error from errorFromStatus (PinIncorrectError, KeyNotFoundError, …) unless `raw: true`.
   */
  async send(cmd: CommandApdu, options?: SendOptions): Promise<ResponseApdu> {
    const res = await exchange(this.#channel, cmd, options);
    if (cmd.ins === INS.INITIALIZE_DEVICE && cmd.cla === CLA.PROPRIETARY && res.sw === 0x9000) this.#appletStale = true;
    return res;
  }

  /**
   * Send bytes that are no well-formed APDU exactly as given (the explorer's `apdu`), through the same
   * safety guard; the status word is not mapped to an error.
   */
  sendRaw(bytes: Uint8Array, policy?: GuardPolicy): Promise<ResponseApdu> {
    return this.#channel.sendRaw(bytes, policy);
  }

  /** Continue with short APDUs only (OpenSC does this when an extended ENUMERATE fails in transport, §1.3). */
  fallBackToShortApdus(): void {
    if (this.#limits.shortOnly) return;
    this.#limits = { maxCommandData: Math.min(this.#limits.maxCommandData, 248), maxResponseData: 256, shortOnly: true };
    const sm = this.#channel.secureMessaging;
    this.#channel = createChannel(this.transport, { shortOnly: true, guard: this.#guard, lock: this.#lock });
    this.#channel.secureMessaging = sm;
  }

  /**
   * Open a secure channel (§3.21): chip authentication with the device key after verifying its
   * certificate chain, then every command and response is protected with AES secure messaging. The
   * card binds the PIN state to the channel: a plain command ends it and logs the user out.
   */
  async openSecureChannel(options: OpenSecureChannelOptions = {}): Promise<SecureChannelInfo> {
    this.closeSecureChannel();
    const ca = await performChipAuthentication(this, options);
    this.#channel.secureMessaging = createSecureMessaging(ca.keys, {
      protocol: ca.protocol,
      ...(options.observer === undefined ? {} : { observer: options.observer }),
    });
    this.#secureOptions = options;
    this.#secureChannel = {
      protocol: ca.protocol,
      device: ca.chain.device.body.chr,
      chain: ca.chain.summary,
      rootKind: ca.chain.root?.kind,
    };
    return this.#secureChannel;
  }

  /** Forget the session keys; the card ends its side with the next (plain) command. */
  closeSecureChannel(): void {
    this.#channel.secureMessaging = undefined;
    this.#secureChannel = undefined;
    this.#secureOptions = undefined;
  }

  /**
   * The open secure channel, or undefined (also after the card or a MAC check ended it). An ended
   * channel stays installed and refuses every command (SecureMessagingError) until it is closed or a
   * new one is opened: a session that asked for SM never falls back to plain by itself.
   */
  get secureChannel(): SecureChannelInfo | undefined {
    return this.#channel.secureMessaging?.open === true ? this.#secureChannel : undefined;
  }

  /**
   * Device status: initialised?, PIN and SO-PIN states with retries, DKEK, options, version, serial,
   * key count. Only after an INITIALIZE DEVICE in this session does it re-SELECT the applet to read
   * the new options (INITIALIZE has reset the PINs anyway).
   */
  async status(): Promise<CardStatus> {
    if (this.#appletStale) await this.logout();
    return readCardStatus(this, this.#applet);
  }

  /**
   * Log out: re-SELECT the applet, which resets the PIN verification state (§2.3). Inside a secure
   * channel the SELECT goes in plain (as OpenSC's `sc_hsm_logout` stops SM first), which ends the
   * channel on the card; a new one is opened afterwards so the session stays protected.
   */
  async logout(): Promise<void> {
    const reopen = this.#channel.secureMessaging === undefined ? undefined : this.#secureOptions;
    this.closeSecureChannel();
    this.#applet = await selectApplet(this);
    this.#appletStale = false;
    if (reopen !== undefined) await this.openSecureChannel(reopen);
  }

  /**
   * After the card was removed (commands fail with PcscError SCARD_W_REMOVED_CARD): wait for a card in
   * the same reader (bounded by `timeoutMs`, default 0 = it must be there now), connect, SELECT the
   * applet again and reopen the secure channel if one was open. The card starts logged out (verify the
   * PIN again), and it may be another card: compare `(await card.status()).serial` when that matters.
   * Transports without `reconnect` (a plain `cardTransport`) throw TransportError.
   */
  async reconnect(options: ReconnectOptions = {}): Promise<void> {
    if (this.transport.reconnect === undefined)
      throw new TransportError(`${this.transport.name} cannot reconnect`, 'ERR_SCHSM_TRANSPORT_NO_RECONNECT', {
        hint: 'open a new transport and session (PC/SC transports, a SimulatedReader and replays reconnect)',
      });
    const reopen = this.#secureOptions;
    this.closeSecureChannel();
    await this.transport.reconnect(options);
    this.#channel = createChannel(this.transport, { shortOnly: this.#limits.shortOnly, guard: this.#guard });
    this.#applet = await selectApplet(this);
    this.#appletStale = false;
    if (reopen !== undefined) await this.openSecureChannel(reopen);
  }

  /**
   * Run a multi-APDU operation alone, e.g. VERIFY then SIGN.
   *
   * Within this process: every command of this session waits its turn in order (concurrent calls
   * never fail for overlapping), and while `fn` runs no command from outside it reaches the card,
   * `logout()` included; commands and nested `exclusive` calls made from `fn` (however deep in its
   * awaits) go ahead. Across processes: the transport holds the card exclusively for the time of
   * `fn` (PC/SC: SCardConnect EXCLUSIVE, waiting up to 5 s for other clients to let go), so no other
   * PC/SC client slips an APDU in; a card reset or removal still ends the PIN state.
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#lock.exclusive(() => this.transport.exclusive(fn));
  }

  /** Release the card (closes the transport). */
  close(): Promise<void> {
    return this.transport.close();
  }

  /** `await using`: close the session's transport at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
