import { SW } from '../../apdu/status-words.ts';
import { CardStatus } from '../card-status.ts';
import { curveByName } from '../crypto/curves.ts';
import { readAuthenticatedRequestContent, trustedKeyOf, verifyTa } from '../cvc-read.ts';
import { TA_OID } from '../cvc.ts';
import { pkaSession } from '../pka.ts';
import type { InsHandler } from '../types.ts';

/**
 * EXTERNAL AUTHENTICATE — `00 82 00 00 Lc <signature>` (§3.20): public key authentication of the key
 * selected with MSE SET AT. The holder of the key signs SHA-256(device CHR ‖ challenge) — the CHR of
 * this card's EF.C_DevAut and the last GET CHALLENGE answer — with ECDSA, sent as plain r‖s
 * (CardContact's Smart Card Shell signs `CHR ‖ challenge` with SIGN algorithm 73 on the custodian's
 * card, Nitrokey forum thread 6543; pico-hsm cmd_external_authenticate.c hashes the same input).
 * The challenge is used once. Success counts the key as authenticated for the session; when the
 * required number have, the user is authenticated as after VERIFY (the card is "PKA or PIN" when a
 * user PIN was set too, OpenSC issue 3205). Bad signature → 6300 (CardContact: "signature
 * verification failed"); no key selected → 6A88; no challenge → 6985; a key on a curve other than a
 * 256-bit one → 6A81 (CardContact: a 384-bit key cannot authenticate); no data → 6700; P1P2 ≠ 0000 → 6A86.
 */
export const externalAuthenticate: InsHandler = (cmd, ctx) => {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) throw new CardStatus(SW.INCORRECT_P1P2);
  if (cmd.data.length === 0) throw new CardStatus(SW.WRONG_LENGTH);
  const pka = ctx.state.pka;
  const session = pkaSession(ctx);
  const index = session.authKey;
  const content = index === undefined ? undefined : pka?.keys[index];
  if (pka === undefined || index === undefined || content === undefined) throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND);
  const challenge = session.challenge;
  if (challenge === undefined) throw new CardStatus(SW.CONDITIONS_OF_USE_NOT_SATISFIED, 'no challenge');
  session.challenge = undefined;
  const request = readAuthenticatedRequestContent(content).request;
  const key = trustedKeyOf(request.chr, request.publicKey, undefined);
  if (curveByName(key.curve ?? '')?.fieldBytes !== 32) throw new CardStatus(SW.FUNCTION_NOT_SUPPORTED, 'only 256-bit keys authenticate');
  const signed = Uint8Array.from([...new TextEncoder().encode(`${ctx.state.serial}00000`), ...challenge]);
  if (!verifyTa({ ...key, oid: TA_OID.ECDSA_SHA256 }, signed, cmd.data)) return { sw: SW.VERIFY_FAILED };
  session.authenticated.add(index);
  if (session.authenticated.size >= pka.required) ctx.session.userAuthenticated = true;
  return { sw: SW.OK };
};
