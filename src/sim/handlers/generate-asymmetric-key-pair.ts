import { SW } from '../../apdu/status-words.ts';
import { requireUserPin } from '../access.ts';
import { CardStatus } from '../card-status.ts';
import { PREFIX } from '../constants.ts';
import {
  cvSign,
  encodeAuthenticatedRequest,
  encodeCvc,
  encodeCvcBody,
  outerSignatureInput,
  TA_OID,
  taScheme,
  type TaScheme,
} from '../cvc.ts';
import { parseGakpRequest } from '../gakp-request.ts';
import { checkDomainForNewKey } from '../key-domains.ts';
import { generateKeyFor, keyObjectOf } from '../key-generation.ts';
import type { InsHandler, KeyRecord, SimContext } from '../types.ts';

/**
 * GENERATE ASYMMETRIC KEY PAIR — `00 46 KeyId SignKeyId Lc(ext) <7F4E content> Le(0000)` (§3.11, §10).
 * Generates key P1 (1..255; an existing key is replaced) and answers the authenticated request
 *   67 { 7F21 { 7F4E { 5F29 00, [42 CAR], 7F49 public key, 5F20 CHR }, 5F37 self-signature by the
 *        new key (scheme of the TA OID) }, 42 outer CAR, 5F37 outer signature over 7F21 ‖ 42 }
 * which the card also stores in EF CE<KeyId>. The outer signature is made by key P2: 00 = the
 * device key PrK.DevAut, outer CAR = device CHR (serial + "00000"), ECDSA-SHA256 r‖s; another key
 * needs tag 45 (outer CAR). Tags 90/91/92 become the key's use counter, algorithm list, domain.
 * Needs the user PIN (6982) and, when the key's domain (tag 92, else 0) has DKEK shares outstanding,
 * the complete DKEK (6985: the device accepts no keys until all shares are in, §3.9). P1 00 → 6A86;
 * P2 unknown key → 6A88; tag 92 naming a key domain not in use → 6A88 (§3.10); malformed → 6A80. Without Le (case 3, sc-hsm-embedded style)
 * the request is only stored, and the host reads it from CE<KeyId>.
 */
export const generateAsymmetricKeyPair: InsHandler = async (cmd, ctx) => {
  if (cmd.p1 === 0x00) throw new CardStatus(SW.INCORRECT_P1P2, 'key 0 is the device key');
  requireUserPin(ctx);
  const req = parseGakpRequest(cmd.data);
  checkDomainForNewKey(ctx.state, req.domain);
  const signer = outerSigner(cmd.p2, req.outerCar, ctx);
  const generated = await generateKeyFor(req);
  const body = encodeCvcBody({
    ...(req.car === undefined ? {} : { car: req.car }),
    publicKey: generated.publicTemplate,
    chr: req.chr ?? defaultChr(cmd.p1, ctx),
  });
  const inner = encodeCvc(body, cvSign(generated.privateKey, req.scheme, body));
  const outer = cvSign(keyObjectOf(signer.key), signer.scheme, outerSignatureInput(inner, signer.car));
  const request = encodeAuthenticatedRequest(inner, signer.car, outer);
  ctx.state.keys.set(cmd.p1, generated.record);
  ctx.state.files.set((PREFIX.EE_CERTIFICATE << 8) | cmd.p1, request);
  return { data: request, sw: SW.OK };
};

const OUTER_SCHEME: Record<KeyRecord['kind'], TaScheme | undefined> = {
  ec: taScheme(TA_OID.ECDSA_SHA256),
  rsa: taScheme(TA_OID.RSA_V15_SHA256),
  aes: undefined,
};

function outerSigner(p2: number, outerCar: string | undefined, ctx: SimContext): { key: KeyRecord; scheme: TaScheme; car: string } {
  const key = p2 === 0 ? ctx.state.deviceKey : ctx.state.keys.get(p2);
  const scheme = key === undefined ? undefined : OUTER_SCHEME[key.kind];
  if (key === undefined || scheme === undefined) throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND, 'no signing key P2');
  const car = outerCar ?? (p2 === 0 ? `${ctx.state.serial}00000` : undefined);
  if (car === undefined) throw new CardStatus(SW.INCORRECT_DATA, 'outer CAR (45) needed for signing key P2');
  return { key, scheme, car };
}

/** CHR when the request has none: serial + the key id as 5 decimal digits. */
function defaultChr(keyId: number, ctx: SimContext): string {
  return `${ctx.state.serial}${String(keyId).padStart(5, '0')}`;
}
