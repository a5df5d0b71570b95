/**
 * A check value of an AES key, computed by the card: the SmartCard-HSM never reveals a secret key, and
 * every use of one needs the user PIN (CIPHER SYMMETRIC `80 78`, §3.15), so there is no PIN-less
 * check value. Given a PIN source (--pin-env, --pin-stdin), fleet logs in once per device and asks for
 * AES-CBC encrypt (algorithm 10, IV zero) of one zero block: E_K(0¹²⁸), whose first 3 bytes are the
 * customary key check value (as payment HSMs print it). A key whose algorithm list forbids 10 gets
 * AES-CMAC (algorithm 18) of one zero block instead; the method is reported so devices compare like
 * with like. Each computation is one use of the key (a key with a use counter loses one).
 */
import { AlgorithmNotAllowedError, CardError, PinBlockedError, PinIncorrectError, TransportPinError } from '../../../card/errors.ts';
import { RefusedError } from '../../../transport/errors.ts';
import { aesCbcEncrypt, aesCmac } from '../../../card/commands/cipher-symmetric.ts';
import { queryDkekStatusIfAny } from '../../../card/card-status.ts';
import { toHex } from '../../../apdu/hex.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import type { SecretReader } from '../../secret-input.ts';
import { askUserPin, verifyUserPin, type GuardArgs, type PinArgs } from '../../pin-options.ts';
import type { AesCheck, LoginResult } from '../../../card/fleet/snapshot.ts';

const ZERO_BLOCK = new Uint8Array(16);
/** Bytes of E_K(0) shown: the customary 3-byte KCV. */
const KCV_BYTES = 3;

/** The check value of AES key `ref` (inside the logged-in exclusive section). */
export async function aesCheckValue(card: SmartCardHsm, ref: number): Promise<AesCheck> {
  try {
    const block = await aesCbcEncrypt(card, ref, ZERO_BLOCK);
    return { kind: 'value', method: 'aes-cbc-zero-block', value: toHex(block.slice(0, KCV_BYTES)) };
  } catch (err) {
    if (!(err instanceof AlgorithmNotAllowedError)) {
      if (err instanceof CardError) return { kind: 'none', reason: `the card refused: ${err.message}` };
      throw err;
    }
  }
  try {
    const mac = await aesCmac(card, ref, ZERO_BLOCK);
    return { kind: 'value', method: 'cmac-zero-block', value: toHex(mac.slice(0, KCV_BYTES)) };
  } catch (err) {
    if (err instanceof CardError) return { kind: 'none', reason: `neither AES-CBC nor CMAC is allowed for this key (${err.message})` };
    throw err;
  }
}

/**
 * The LoggedInReader of fleet: the same PIN source for every device (--pin-env or --pin-stdin; fleet
 * never prompts, so nobody is asked once per device without knowing which), read once; the guard refuses a last try as elsewhere. A
 * refused PIN is not tried on the devices that follow (each would lose a try too).
 */
export function loginReader(
  secrets: SecretReader,
  args: PinArgs & GuardArgs,
  announce: (card: SmartCardHsm) => Promise<void>,
): (card: SmartCardHsm, refs: readonly number[]) => Promise<LoginResult> {
  let pin: string | undefined;
  let refused: string | undefined;
  const skip = (reason: string, refs: readonly number[]): LoginResult => ({
    aes: new Map(refs.map((r) => [r, { kind: 'none', reason } as const])),
    dkek: undefined,
  });
  return async (card, refs) => {
    if (refused !== undefined) return skip(`not computed: ${refused}; not tried on this device`, refs);
    await announce(card);
    try {
      pin ??= await askUserPin(card, secrets, args);
      const chosen = pin;
      return await card.exclusive(async () => {
        await verifyUserPin(card, chosen, args);
        const aes = new Map<number, AesCheck>();
        for (const ref of refs) aes.set(ref, await aesCheckValue(card, ref));
        return { aes, dkek: await queryDkekStatusIfAny(card) };
      });
    } catch (err) {
      // the PIN guard (last try, tries unknown) and a blocked PIN concern this device only
      if (err instanceof RefusedError && GUARD_CODES.has(err.code)) return skip(`not computed: ${err.message}`, refs);
      if (err instanceof PinBlockedError || err instanceof TransportPinError) return skip(`not computed: ${err.message}`, refs);
      if (!(err instanceof PinIncorrectError)) throw err;
      refused = `the user PIN was refused by ${card.transport.name}`;
      return skip(`not computed: ${refused} (${err.retriesLeft} tries left)`, refs);
    }
  };
}

const GUARD_CODES: ReadonlySet<string> = new Set(['ERR_SCHSM_LAST_PIN_TRY', 'ERR_SCHSM_PIN_TRIES_UNKNOWN']);
