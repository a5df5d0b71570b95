import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { readAuthenticatedRequestContent, trustedKeyOf, verifyTa } from '../cvc-read.ts';
import { pkaSession, pkaStatus, registeredChr, verificationKey } from '../pka.ts';
import type { InsHandler, PkaState, SimContext, SimReply } from '../types.ts';

/**
 * MANAGE PUBLIC KEY AUTHENTICATION — `80 54 00 00 [Lc <content of 67>] Le` (§3.20).
 * - Without data: status `[total][missing][required][authenticated]`.
 * - With data: register a public key. No login is needed while keys are missing — that is how
 *   CardContact's card behaves: sc-hsm-tool's --register-public-key (OpenSC PR 1711/2301, tested on
 *   SmartCard-HSM 2.6, 3.1 and a Nitrokey HSM 2) never logs in; CardContact requires authentication
 *   only to REPLACE a registered key (support answer in the Nitrokey forum, thread 6543). pico-hsm
 *   wants a PIN session here, which is what OpenSC PR 3833 was written against.
 *   Checks, in order: a key is still missing (else 6A84, as pico); the outer CAR is the key selected
 *   with MSE SET DST, i.e. the exporting device's certificate verified in this session (else 6985);
 *   the outer signature by that device key verifies (6985); the key is EC (RSA → 6A80: a Nitrokey
 *   HSM 2 refused an RSA key with "Incorrect parameters", forum thread 3003); the request's own
 *   signature verifies (6985); no registered key has the same CHR (6985; registration is by CHR,
 *   which is why OpenSC's fixed CHR prevents several keys, PR 1711). Answers the new status.
 * A device initialised without tag 93 → 6D00 (sc-hsm-tool: "Card not initialized for public key
 * registration"). P1P2 other than 0000 → 6A86 (replacing a key, P1 01, is not simulated).
 */
export const publicKeyAuthentication: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1P2);
  const pka = ctx.state.pka;
  if (!ctx.state.initialized || pka === undefined)
    throw new CardStatus(SW.INS_NOT_SUPPORTED, 'not initialised for public key authentication');
  if (cmd.data.length > 0) register(cmd.data, pka, ctx);
  return status(pka, ctx);
};

function status(pka: PkaState, ctx: SimContext): SimReply {
  return { data: pkaStatus(pka, ctx), sw: SW.OK };
}

function register(content: Uint8Array, pka: PkaState, ctx: SimContext): void {
  const refuse = (why: string): never => {
    throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, why);
  };
  if (pka.keys.length >= pka.total) throw new CardStatus(SW.NOT_ENOUGH_MEMORY, 'every public key is registered');
  const req = readAuthenticatedRequestContent(content);
  const selected = pkaSession(ctx).verifyKey;
  const device = selected === undefined ? undefined : verificationKey(ctx, selected);
  if (device === undefined || device.chr !== req.outerCar) refuse('outer CAR is not the verified device');
  if (device !== undefined && !verifyTa(device, req.outerSigned, req.outerSignature)) refuse('bad outer signature');
  const key = trustedKeyOf(req.request.chr, req.request.publicKey, undefined);
  if (key.curve === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'only EC keys can authenticate');
  if (!verifyTa(key, req.request.body, req.request.signature)) refuse('bad request signature');
  if (pka.keys.some((k) => registeredChr(k) === req.request.chr)) refuse(`a key with CHR ${req.request.chr} is registered`);
  pka.keys.push(Uint8Array.from(content));
}
