/**
 * Key derivation and the authentication token of chip authentication version 2 (BSI TR-03110 part 3:
 * A.2.3 KDF, A.2.4 / D.3 token over the public key data object), for id-CA-ECDH-AES-CBC-CMAC-128, the
 * protocol OpenSC's SmartCard-HSM driver uses (`card-sc-hsm.c` `sc_hsm_perform_chip_authentication`).
 *
 *   K      = x coordinate of ECDH(ephemeral private key, PK.DevAut)
 *   K_enc  = SHA-1(K ‖ r ‖ 00000001)[0..16]      K_mac = SHA-1(K ‖ r ‖ 00000002)[0..16]   (r: card nonce)
 *   T_PICC = CMAC(K_mac, 7F49 L { 06 L <protocol OID> 86 L <ephemeral public point> })[0..8]
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { concat } from '../../apdu/hex.ts';
import type { SmKeys } from '../../apdu/sm/codec.ts';
import { encodeTlv } from '../../apdu/tlv.ts';
import { computeAesCmac } from '../formats/cmac.ts';

/** id-CA-ECDH-AES-CBC-CMAC-128 = 0.4.0.127.0.7.2.2.3.2.2 (TR-03110 part 3 A.1.1.2), DER content bytes. */
export const ID_CA_ECDH_AES_CBC_CMAC_128 = Uint8Array.of(0x04, 0x00, 0x7f, 0x00, 0x07, 0x02, 0x02, 0x03, 0x02, 0x02);

/** KDF counters (TR-03110 part 3 A.2.3.2). */
export const KDF_COUNTER = { ENC: 1, MAC: 2 } as const;

/** TR-03110 KDF for AES-128: SHA-1 over secret ‖ nonce ‖ 32-bit big-endian counter, first 16 bytes. */
export function kdf(secret: Uint8Array, nonce: Uint8Array, counter: number): Uint8Array {
  const c = Uint8Array.of((counter >>> 24) & 0xff, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
  return new Uint8Array(
    createHash('sha1')
      .update(concat(secret, nonce, c))
      .digest()
      .subarray(0, 16),
  );
}

/** The session keys of chip authentication from the shared secret and the card's nonce. */
export function caSessionKeys(secret: Uint8Array, nonce: Uint8Array): SmKeys {
  return { kEnc: kdf(secret, nonce, KDF_COUNTER.ENC), kMac: kdf(secret, nonce, KDF_COUNTER.MAC) };
}

/** The public key data object the token is computed over: `7F49 { 06 OID, 86 point }` (TR-03110 D.3.3, EC). */
export function tokenInput(protocolOid: Uint8Array, point: Uint8Array): Uint8Array {
  return encodeTlv(0x7f49, [encodeTlv(0x06, protocolOid), encodeTlv(0x86, point)]);
}

/** T = CMAC(K_mac, public key data object) truncated to 8 bytes (TR-03110 part 3 A.2.4.2 for AES). */
export function authenticationToken(kMac: Uint8Array, protocolOid: Uint8Array, point: Uint8Array): Uint8Array {
  return computeAesCmac(kMac, tokenInput(protocolOid, point)).slice(0, 8);
}

/** Constant-time check of the card's token over our ephemeral public key. */
export function tokenMatches(token: Uint8Array, kMac: Uint8Array, protocolOid: Uint8Array, point: Uint8Array): boolean {
  const expected = authenticationToken(kMac, protocolOid, point);
  return token.length === expected.length && timingSafeEqual(token, expected);
}
