/**
 * PIN references and PIN values as the explorer takes them. References: `user`, `so`, `0x81`,
 * `CHV129` (opensc-explorer's decimal form), `129`. Values: the text as typed (`648219`), or
 * colon-separated hex bytes like opensc-explorer (`36:34:38:32:31:39`); an SO-PIN is 16 hex digits.
 * Missing values are asked at a hidden prompt; new ones twice.
 */
import { PIN_REF } from '../card/constants.ts';
import { weakPinReason } from '../card/pin-policy.ts';
import { fromHex } from '../apdu/hex.ts';
import type { PinInput } from '../card/pin.ts';
import { UsageError } from '../transport/errors.ts';
import type { ExplorerSession } from './session.ts';

const NAMED: Readonly<Record<string, number>> = {
  user: PIN_REF.USER,
  pin: PIN_REF.USER,
  'user-pin': PIN_REF.USER,
  so: PIN_REF.SO,
  sopin: PIN_REF.SO,
  'so-pin': PIN_REF.SO,
};

/** Names offered by tab completion. */
export const PIN_REF_WORDS = ['user', 'so', '0x81', '0x88', 'CHV129', 'CHV136'] as const;

/** `user` → 0x81; `so` → 0x88; `0x81`; `CHV129` / `129` (decimal, as opensc-explorer). */
export function parsePinRef(text: string, allowBio = false): number {
  const t = text.toLowerCase();
  const named = NAMED[t];
  let ref: number | undefined = named;
  if (ref === undefined && /^0x[0-9a-f]{1,2}$/.test(t)) ref = parseInt(t.slice(2), 16);
  if (ref === undefined && /^(chv)?\d{1,3}$/.test(t)) ref = Number(t.replace('chv', ''));
  const valid: number[] = [PIN_REF.USER, PIN_REF.SO, ...(allowBio ? [PIN_REF.BIO_1, PIN_REF.BIO_2] : [])];
  if (ref !== undefined && valid.includes(ref)) return ref;
  const hint =
    ref !== undefined && /^\d+$/.test(t) && valid.includes(parseInt(t, 16))
      ? `plain numbers are decimal as in opensc-explorer: did you mean 0x${t} (= ${parseInt(t, 16)})?`
      : 'PIN references: user (0x81, CHV129) and so (0x88, CHV136)';
  throw new UsageError(`${JSON.stringify(text)} is not a PIN reference of the SmartCard-HSM`, hint);
}

export function pinLabel(ref: number): string {
  const name = ref === PIN_REF.USER ? 'user PIN' : ref === PIN_REF.SO ? 'SO-PIN' : 'biometric template';
  return `${name} (0x${ref.toString(16).toUpperCase()}, CHV${ref})`;
}

const COLON_HEX = /^[0-9a-f]{2}(:[0-9a-f]{2})+$/i;

/** A PIN value given on the line. */
export function pinValue(text: string): PinInput {
  return COLON_HEX.test(text) ? fromHex(text) : text;
}

/** "New user PIN" → "new user PIN". */
function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function promptFor(ref: number, what: string): string {
  return ref === PIN_REF.SO ? `${what} (16 hex digits): ` : `${what}: `;
}

/** The value given, or one asked at a hidden prompt. */
export async function pinOrPrompt(session: ExplorerSession, given: string | undefined, ref: number, what: string): Promise<PinInput> {
  if (given !== undefined) return pinValue(given);
  return session.askSecret(
    promptFor(ref, what),
    what,
    'give it on the line (it is kept out of the history), or run the explorer on a terminal',
  );
}

/** A new PIN: given, or asked twice at hidden prompts. Warns about well-known values. */
export async function newPinOrPrompt(session: ExplorerSession, given: string | undefined, ref: number, what: string): Promise<PinInput> {
  const pin = await newPinOptional(session, given, ref, what, false);
  if (pin === undefined) throw new UsageError(`no ${lowerFirst(what)} entered`, 'nothing was sent to the card');
  return pin;
}

/** Like newPinOrPrompt; with `allowEmpty`, an empty first entry at the prompt means "no new PIN". */
export async function newPinOptional(
  session: ExplorerSession,
  given: string | undefined,
  ref: number,
  what: string,
  allowEmpty: boolean,
): Promise<PinInput | undefined> {
  let pin: PinInput;
  if (given !== undefined) pin = pinValue(given);
  else {
    const first = await session.askSecret(
      promptFor(ref, allowEmpty ? `${what} (Enter: keep the current one)` : what),
      what,
      'give it on the line (it is kept out of the history), or run the explorer on a terminal',
    );
    if (first === '' && allowEmpty) return undefined;
    const again = await session.askSecret(promptFor(ref, `Repeat ${lowerFirst(what)}`), what, '');
    if (again !== first) throw new UsageError(`the two entries of the ${lowerFirst(what)} differ`, 'nothing was sent to the card');
    pin = first;
  }
  const weak = typeof pin === 'string' ? weakPinReason(ref, pin) : undefined;
  if (weak !== undefined) session.warn(weak);
  return pin;
}
