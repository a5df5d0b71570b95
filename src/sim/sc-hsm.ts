import { randomBytes } from 'node:crypto';
import { type ParsedCommand, parseCommand } from '../apdu/command.ts';
import { SW } from '../apdu/status-words.ts';
import { applyChaining, checkCla, getResponse, shapeResponse, swBytes } from './apdu-layer.ts';
import { CardStatus } from './card-status.ts';
import { CLA, INS, SC_HSM_ATR } from './constants.ts';
import { DISPATCH } from './dispatch.ts';
import { clearSession, endSecureMessaging, newSession } from './session.ts';
import { protectReply, unprotectCommand } from './sm/secure-channel.ts';
import { createSimState, type NewCardOptions } from './state.ts';
import { stateFromJson, stateToJson, type SimStateJson } from './state-json.ts';
import type { InsHandler, SimContext, SimReply, SimSession, SimState } from './types.ts';
import type { VirtualCard } from './virtual-card.ts';

export interface SimulatorOptions extends NewCardOptions {
  /** Start from this persistent state instead of a new card. */
  readonly state?: SimState;
  /** Instruction table (default: DISPATCH); tests may pass a reduced one. */
  readonly handlers?: ReadonlyMap<number, InsHandler>;
}

/**
 * A SmartCard-HSM in this process (§12.2). `process` takes raw command APDUs and answers them as the
 * CardContact card does; it never throws. Volatile state (selected applet, PIN verified, pending
 * GET RESPONSE, chain) lives in `session` and is cleared by `reset()`; everything the card keeps
 * across power cycles is `state`, serialisable with `toJSON()` / `SmartCardHsmSimulator.fromJSON()`.
 *
 * Applet selection: the SmartCard-HSM applet is not default-selected on the real card (§2.3; OpenSC
 * simulates the MF and SELECTs the AID first). Until it is selected, every instruction but SELECT is
 * answered 6E00, as CardContact's hosts expect when the selection was lost (sc-hsm-embedded and scsh
 * re-select on 6E00).
 */
export class SmartCardHsmSimulator implements VirtualCard {
  readonly atr: Uint8Array = SC_HSM_ATR;
  readonly state: SimState;
  readonly session: SimSession = newSession();
  readonly #ctx: SimContext;
  readonly #handlers: ReadonlyMap<number, InsHandler>;

  constructor(options: SimulatorOptions = {}) {
    this.state = options.state ?? createSimState(options);
    this.#handlers = options.handlers ?? DISPATCH;
    this.#ctx = { state: this.state, session: this.session, random: (n) => new Uint8Array(randomBytes(n)) };
  }

  /** Restore a card from `toJSON()` output; throws SimStateError when the data is not a valid state. */
  static fromJSON(json: unknown, options: Omit<SimulatorOptions, 'state'> = {}): SmartCardHsmSimulator {
    return new SmartCardHsmSimulator({ ...options, state: stateFromJson(json) });
  }

  /** The persistent state as plain JSON data (binary values as hex). Contains secrets: store 0600. */
  toJSON(): SimStateJson {
    return stateToJson(this.state);
  }

  /** Warm reset / power cycle: the applet is deselected, PINs are no longer verified. */
  reset(): void {
    clearSession(this.session, false);
  }

  async process(command: Uint8Array): Promise<Uint8Array> {
    try {
      return await this.#process(command);
    } catch {
      // A bug in a handler must not take the reader down: the card answers "no precise diagnosis".
      this.session.pendingResponse = undefined;
      return swBytes(SW.NO_PRECISE_DIAGNOSIS);
    }
  }

  async #process(bytes: Uint8Array): Promise<Uint8Array> {
    let cmd: ParsedCommand;
    try {
      cmd = parseCommand(bytes);
    } catch {
      return swBytes(SW.WRONG_LENGTH); // header too short or Lc/Le inconsistent with the length
    }
    const claSw = checkCla(cmd.cla);
    if (claSw !== undefined) return swBytes(claSw);
    const session = this.session;
    if (cmd.ins === INS.GET_RESPONSE) {
      session.chain = undefined;
      return getResponse(cmd, session);
    }
    session.pendingResponse = undefined;
    if (!session.appletSelected && cmd.ins !== INS.SELECT) {
      session.chain = undefined;
      return swBytes(SW.CLA_NOT_SUPPORTED);
    }
    const chained = applyChaining(cmd, session);
    if ('sw' in chained) return swBytes(chained.sw);
    cmd = chained.cmd;
    if ((cmd.cla & CLA.SECURE_MESSAGING) !== 0) return this.#processProtected(cmd);
    if (session.sm !== undefined) endSecureMessaging(session); // a plain command ends the channel (§3.21)
    const handler = this.#handlers.get(cmd.ins);
    if (handler === undefined) return swBytes(SW.INS_NOT_SUPPORTED);
    return shapeResponse(await this.#run(handler, cmd), cmd.ne, session);
  }

  /**
   * A command under secure messaging (§3.21): no channel → 6882; an SM error → the plain 6987/6988
   * and the channel ends; otherwise the plain command runs and its reply is protected with the
   * channel it came in on (a GENERAL AUTHENTICATE inside the channel answers under the old keys).
   */
  async #processProtected(cmd: ParsedCommand): Promise<Uint8Array> {
    const session = this.session;
    const sm = session.sm;
    if (sm === undefined) return swBytes(0x6882);
    const plain = unprotectCommand(cmd, sm);
    if ('sw' in plain) {
      endSecureMessaging(session);
      return swBytes(plain.sw);
    }
    const handler = this.#handlers.get(plain.cmd.ins);
    const reply = handler === undefined ? { sw: SW.INS_NOT_SUPPORTED } : await this.#run(handler, plain.cmd);
    return shapeResponse(protectReply(reply, plain.cmd.ne, sm), cmd.ne, session);
  }

  async #run(handler: InsHandler, cmd: ParsedCommand): Promise<SimReply> {
    try {
      return await handler(cmd, this.#ctx);
    } catch (error) {
      if (error instanceof CardStatus) return { sw: error.sw };
      throw error;
    }
  }
}
