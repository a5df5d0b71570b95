/**
 * The channel's safety guard (README "Safety rules schsm keeps"): the one place below every path that
 * sends APDUs — card commands, `schsm apdu` and `schsm run`, the explorer, the library — so that none
 * of them can block a PIN or erase a device by accident. It is keyed by instruction (RULES), so a new
 * command that sends one of these instructions (or INITIALIZE DEVICE with new tags) is covered as is.
 *
 * - PIN tries. VERIFY with data, CHANGE REFERENCE DATA with data, RESET RETRY COUNTER with the
 *   resetting code (P1 00/01: the SO-PIN 88 on a SmartCard-HSM) and INITIALIZE DEVICE with data (a
 *   re-initialisation checks the SO-PIN) spend a try when the value is wrong (docs/protocol.md
 *   §3.6–§3.9). Right before sending one, the guard asks the PIN's state with VERIFY without data
 *   `00 20 00 <ref>`, which never spends a try (ISO 7816-4 §11.5.6, §3.6); an answer from earlier is
 *   never trusted (another application may have spent tries since). It refuses (LastPinTryError) at
 *   63C1/63C0, and (PinTriesUnknownError) when the answer does not say: anything but 9000 (verified),
 *   63Cx, 6983 (blocked: nothing left to lose, the card refuses by itself) and 6A88 (no such PIN:
 *   nothing to spend) — and for VERIFY also 6984 (a transport PIN: the card refuses VERIFY without
 *   comparing, §3.6). `allowLastTry` sends it without asking.
 * - Erase. INITIALIZE DEVICE (INS 50, any CLA: GlobalPlatform's INITIALIZE UPDATE shares it and needs
 *   the confirmation too), and MANAGE KEY DOMAIN delete (80 52 03) and clear KEK (80 52 04), which
 *   destroy a key domain's KEK (§3.10), are refused (EraseUnconfirmedError) unless `confirmErase`.
 * - A guessed card. When no reader was named and several held a card, the transport took the first
 *   (`transport.guessedFrom`): every command above (PIN try or erase) is refused on it
 *   (GuessedCardError), whatever the policy, as schsm never guesses the device for those. Naming the
 *   reader is the only way on.
 *
 * The guard must see the PLAIN command, whole: it sits above command chaining, and any secure-messaging
 * wrapper goes BELOW it (channel.ts). Between the status query and the command another PC/SC client
 * could spend a try; callers that must exclude that hold the card exclusively (`transport.exclusive`).
 */
import { createDebug } from '../transport/debug-log.ts';
import type { CommandApdu } from './command.ts';
import { EraseUnconfirmedError, GuessedCardError, LastPinTryError, PinTriesUnknownError, pinRefName } from './guard-errors.ts';
import { hex2 } from './hex.ts';
import type { ResponseApdu } from './response.ts';
import { retriesLeft } from './status-words.ts';

const log = createDebug('schsm:channel');

/** What a run allows beyond the default protection. Given to the channel (whole session) or per command. */
export interface GuardPolicy {
  /** Send a PIN try even when it could block the PIN (one try left, or the card does not say). */
  readonly allowLastTry?: boolean;
  /** Send INITIALIZE DEVICE, which erases the device. */
  readonly confirmErase?: boolean;
}

/** The header fields the guard decides on (from a CommandApdu, or from raw bytes). */
interface Header {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly hasData: boolean;
}

interface GuardRule {
  readonly name: string;
  /** The reference of the PIN whose try the command can spend, or undefined. */
  readonly pin: (h: Header) => number | undefined;
  /** The command erases something (true, or per header); `what` names it in the refusal. */
  readonly erases?: boolean | ((h: Header) => boolean);
  readonly what?: string;
  readonly library?: string;
}

const SO_PIN = 0x88;

/** Guarded instructions (ISO 7816-4 §11.5; docs/protocol.md §3.6–§3.9). */
const RULES: Readonly<Record<number, GuardRule>> = {
  0x20: { name: 'VERIFY', pin: (h) => (h.hasData ? h.p2 : undefined) },
  0x24: { name: 'CHANGE REFERENCE DATA', pin: (h) => (h.hasData ? h.p2 : undefined) },
  0x2c: { name: 'RESET RETRY COUNTER', pin: (h) => (h.hasData && h.p1 !== 0x02 ? SO_PIN : undefined) },
  0x50: { name: 'INITIALIZE DEVICE', pin: (h) => (h.hasData ? SO_PIN : undefined), erases: true },
  // MANAGE KEY DOMAIN P1 03 (delete the domain) and 04 (clear its KEK) destroy a key domain's KEK (§3.10)
  0x52: {
    name: 'MANAGE KEY DOMAIN (delete / clear KEK)',
    pin: () => undefined,
    erases: (h) => (h.cla & 0x80) !== 0 && (h.p1 === 0x03 || h.p1 === 0x04),
    what: "a key domain's key encryption key (its keys can no longer be wrapped or restored)",
    library: 'deleteKeyDomain/clearKeyDomain do it',
  },
};

const erasing = (rule: GuardRule, h: Header): boolean => (typeof rule.erases === 'function' ? rule.erases(h) : rule.erases === true);

function headerOfCommand(cmd: CommandApdu): Header {
  return { cla: cmd.cla, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, hasData: (cmd.data?.length ?? 0) > 0 };
}

/** Header of bytes that are no well-formed APDU: anything after CLA INS P1 P2 counts as data. */
function headerOfBytes(b: Uint8Array): Header {
  return { cla: b[0] ?? 0, ins: b[1] ?? -1, p1: b[2] ?? 0, p2: b[3] ?? 0, hasData: b.length > 4 };
}

/**
 * Would the guard stop these command bytes (a PIN try, or an erase)? For callers that must know before
 * sending, e.g. to refuse to guess the card and to name it first (`schsm apdu`, `schsm run`).
 */
export function isGuardedCommand(bytes: Uint8Array): boolean {
  const h = headerOfBytes(bytes);
  const rule = RULES[h.ins];
  return rule !== undefined && (erasing(rule, h) || rule.pin(h) !== undefined);
}

/** Does the answer to VERIFY-status let the command through? 'ok', the tries left, or 'unknown'. */
function judge(sw: number, ins: number): 'ok' | 'unknown' | number {
  const left = retriesLeft(sw);
  if (left !== undefined) return left <= 1 ? left : 'ok';
  if (sw === 0x9000 || sw === 0x6983 || sw === 0x6a88) return 'ok';
  if (sw === 0x6984 && ins === 0x20) return 'ok';
  return 'unknown';
}

export interface ChannelGuard {
  /** Check `cmd` (asking the PIN state through `next` when needed), then send it through `next`. */
  send(cmd: CommandApdu, policy?: GuardPolicy): Promise<ResponseApdu>;
  /** Check raw bytes the same way, then send them with `transmit` (verbatim, no chaining). */
  sendRaw(bytes: Uint8Array, transmit: (bytes: Uint8Array) => Promise<ResponseApdu>, policy?: GuardPolicy): Promise<ResponseApdu>;
}

/**
 * The guard over `next` (the rest of the processor chain) with the session-wide `base` policy.
 * `caseTwoQuery()` says whether the status query must carry Le 00 (`00 20 00 <ref> 00`): inside secure
 * messaging, as JCOP's SM cannot protect a case-1 APDU (OpenSC `sc_hsm_pin_cmd`, §3.21).
 * `guessedFrom()` is the transport's `guessedFrom`: the readers among which the card was guessed.
 */
export function createGuard(
  next: (cmd: CommandApdu) => Promise<ResponseApdu>,
  base: GuardPolicy = {},
  caseTwoQuery: () => boolean = () => false,
  guessedFrom: () => readonly string[] | undefined = () => undefined,
): ChannelGuard {
  /** INS P1 P2 of a command chain in progress (CLA bit 0x10): its later blocks were checked with the first. */
  let chain: number | undefined;
  const chainKey = (h: Header): number => (h.ins << 16) | (h.p1 << 8) | h.p2;

  /** Send through `out`, keeping track of a command chain the card accepted a block of. */
  const exchange = async (h: Header, out: () => Promise<ResponseApdu>): Promise<ResponseApdu> => {
    chain = undefined;
    const res = await out();
    chain = (h.cla & 0x10) !== 0 && res.sw === 0x9000 ? chainKey(h) : undefined;
    return res;
  };

  const check = async (h: Header, policy: GuardPolicy = {}): Promise<void> => {
    const rule = RULES[h.ins];
    if (rule === undefined || chain === chainKey(h)) return;
    const erases = erasing(rule, h);
    const ref = rule.pin(h);
    const guessed = guessedFrom();
    if ((erases || ref !== undefined) && guessed !== undefined && guessed.length > 1)
      throw new GuessedCardError(rule.name, ref === undefined ? undefined : pinRefName(ref), guessed);
    if (erases && base.confirmErase !== true && policy.confirmErase !== true)
      throw new EraseUnconfirmedError(h.ins, rule.name, rule.what, rule.library);
    if (ref === undefined || base.allowLastTry === true || policy.allowLastTry === true) return;
    log('guard: %s can spend a try of the %s (%s): checking its state first', rule.name, pinRefName(ref), hex2(ref));
    const cla = h.cla & 0x03; // keep the logical channel only
    const query: CommandApdu = { cla, ins: 0x20, p1: 0x00, p2: ref, ...(caseTwoQuery() ? { ne: 256, form: 'short' as const } : {}) };
    const { sw } = await exchange({ cla, ins: 0x20, p1: 0x00, p2: ref, hasData: false }, () => next(query));
    const verdict = judge(sw, h.ins);
    if (verdict === 'unknown') throw new PinTriesUnknownError(ref, sw, rule.name);
    if (verdict !== 'ok') throw new LastPinTryError(ref, verdict, rule.name);
  };

  return {
    async send(cmd, policy) {
      const h = headerOfCommand(cmd);
      await check(h, policy);
      return exchange(h, () => next(cmd));
    },
    async sendRaw(bytes, transmit, policy) {
      const h = headerOfBytes(bytes);
      await check(h, policy);
      return exchange(h, () => transmit(bytes));
    },
  };
}
