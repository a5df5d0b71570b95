/**
 * PIN commands with opensc-explorer's names: `pin_info`, `verify`, `change`, `unblock` (§3.6–§3.8, §7).
 * Every attempt passes the retry guard of card/pin-guard.ts first: VERIFY-status (never spends a try),
 * then a refusal when only one try is left unless --allow-last-try (the channel's guard holds the same
 * rule below every command, apdu/guard.ts; --force is not accepted here: it only ever overwrites files).
 * PINs typed on the line are kept out of the history, traces and logs (line-filter.ts); omitted ones
 * are asked at a hidden prompt.
 */
import { PIN_REF, type PinRef } from '../../card/constants.ts';
import { pinStatus, verifyPin } from '../../card/commands/verify-pin.ts';
import { changeReferenceData } from '../../card/commands/change-reference-data.ts';
import { resetRetryCounter } from '../../card/commands/reset-retry-counter.ts';
import { LastPinTryError, PinTriesUnknownError } from '../../card/host-errors.ts';
import { describePinState, guardPinAttempt } from '../../card/pin-guard.ts';
import { arity, parseArgs, type ParsedArgs } from '../args.ts';
import { completeWords } from '../complete.ts';
import { RefusedError, UsageError } from '../../transport/errors.ts';
import { newPinOptional, newPinOrPrompt, parsePinRef, pinLabel, pinOrPrompt, PIN_REF_WORDS } from '../pin-input.ts';
import type { ExplorerCommand } from '../types.ts';

const ALLOW = { 'allow-last-try': 'boolean' } as const;

const completeRef = (_s: unknown, i: number, partial: string): string[] => (i === 0 ? completeWords(PIN_REF_WORDS, partial) : []);

/** Run a PIN attempt; the guard's refusal gets the explorer line that allows it as its hint. */
async function guarded<T>(fn: () => Promise<T>, retry: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LastPinTryError || err instanceof PinTriesUnknownError)
      throw new RefusedError(err.message, `make sure of the value, then: ${retry} --allow-last-try`, err.code);
    throw err;
  }
}

/** `{ allowLastTry: true }` for --allow-last-try, else `{}`. */
const allowOf = (args: ParsedArgs): { allowLastTry?: true } => (args.flags.has('allow-last-try') ? { allowLastTry: true } : {});

function refOf(args: ParsedArgs, usage: string, max: number): PinRef {
  arity(args, 1, max, usage);
  const ref = parsePinRef(args.positional[0] ?? '');
  return ref as PinRef;
}

export const pinInfo: ExplorerCommand = {
  name: 'pin_info',
  args: '[REF]',
  help: 'PIN state and tries left, without spending a try (REF: user, so, 0x81, CHV129; default user)',
  complete: completeRef,
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 0, 1, 'pin_info [REF]');
    const ref = parsePinRef(args.positional[0] ?? 'user', true);
    const st = await pinStatus(await session.card(), ref);
    const state =
      st.state === 'verified' ? 'logged in' : st.state === 'not-verified' ? `logged out, ${describePinState(st)}` : describePinState(st);
    session.print(`${pinLabel(ref)}: ${state}`);
  },
};

export const verify: ExplorerCommand = {
  name: 'verify',
  args: 'REF [PIN] [--allow-last-try]',
  help: 'present a PIN (asked hidden when omitted); refuses the last try unless --allow-last-try',
  details: [
    'verify user            asks for the user PIN without echo',
    'verify CHV129 648219   opensc-explorer style',
    'verify so              the SO-PIN (16 hex digits)',
  ],
  complete: completeRef,
  async run(session, tokens) {
    const args = parseArgs(tokens, ALLOW);
    const ref = refOf(args, 'verify REF [PIN] [--allow-last-try]', 2);
    const card = await session.card();
    const retry = `verify ${args.positional[0] ?? ''}`;
    const before = await guarded(() => guardPinAttempt(card, ref, allowOf(args)), retry);
    const pin = await pinOrPrompt(session, args.positional[1], ref, ref === PIN_REF.SO ? 'SO-PIN' : 'User PIN');
    await guarded(() => verifyPin(card, { ref, pin, ...allowOf(args) }), retry);
    session.print(`Code correct: ${pinLabel(ref)} verified${before.state === 'verified' ? ' (it was already)' : ''}.`);
  },
};

export const change: ExplorerCommand = {
  name: 'change',
  args: 'REF [[OLD] NEW] [--allow-last-try]',
  help: 'change a PIN or the SO-PIN (CHANGE REFERENCE DATA); also replaces a transport PIN',
  complete: completeRef,
  async run(session, tokens) {
    const args = parseArgs(tokens, ALLOW);
    const ref = refOf(args, 'change REF [[OLD] NEW] [--allow-last-try]', 3);
    const [, a, b] = args.positional;
    const [oldGiven, newGiven] = b === undefined ? [undefined, a] : [a, b];
    const card = await session.card();
    const retry = `change ${args.positional[0] ?? ''}`;
    await guarded(() => guardPinAttempt(card, ref, { ...allowOf(args), allowTransportPin: true }), retry);
    const name = ref === PIN_REF.SO ? 'SO-PIN' : 'user PIN';
    const oldPin = await pinOrPrompt(session, oldGiven, ref, `Current ${name}`);
    const newPin = await newPinOrPrompt(session, newGiven, ref, `New ${name}`);
    const pins = { oldPin, newPin, ...allowOf(args) };
    await guarded(
      () => changeReferenceData(card, ref === PIN_REF.SO ? { ref: PIN_REF.SO, ...pins } : { ref: PIN_REF.USER, ...pins }),
      retry,
    );
    session.print(`${pinLabel(ref)} changed.`);
  },
};

export const unblock: ExplorerCommand = {
  name: 'unblock',
  args: 'user [SO-PIN [NEW-PIN]] [--allow-last-try]',
  help: 'reset the user PIN\'s retry counter with the SO-PIN, optionally setting a new PIN ("" keeps the PIN)',
  complete: completeRef,
  async run(session, tokens) {
    const args = parseArgs(tokens, ALLOW);
    const ref = refOf(args, 'unblock user [SO-PIN [NEW-PIN]] [--allow-last-try]', 3);
    if (ref !== PIN_REF.USER) throw new UsageError('only the user PIN can be unblocked; a blocked SO-PIN stays blocked (§7)');
    const card = await session.card();
    await guarded(() => guardPinAttempt(card, PIN_REF.SO, allowOf(args)), 'unblock user');
    const soPin = await pinOrPrompt(session, args.positional[1], PIN_REF.SO, 'SO-PIN');
    const given = args.positional[2];
    // On the line: SO-PIN alone (or NEW-PIN "") only resets the counter; at the prompt, Enter does.
    const lineOnly = args.positional[1] !== undefined && given === undefined;
    const newPin = given === '' || lineOnly ? undefined : await newPinOptional(session, given, PIN_REF.USER, 'New user PIN', true);
    const options = { soPin, ...(newPin === undefined ? {} : { newPin }), ...allowOf(args) };
    await guarded(() => resetRetryCounter(card, options), 'unblock user');
    session.print(
      `${pinLabel(PIN_REF.USER)} unblocked${newPin === undefined ? ' (retry counter reset, PIN unchanged)' : ' and set to the new value'}.`,
    );
  },
};
