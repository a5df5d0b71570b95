import { bytesEqual } from '../../apdu/hex.ts';
import { SW } from '../../apdu/status-words.ts';
import { decodeTlvs, type Tlv } from '../../apdu/tlv.ts';
import { CardStatus } from '../card-status.ts';
import { CA_PROTOCOL } from '../constants.ts';
import { pkaSession, registeredChr, verificationKey } from '../pka.ts';
import type { InsHandler, SimContext, SimReply } from '../types.ts';

/** Control reference templates (ISO 7816-4 §11.5.11): B6 digital signature, A4 authentication. */
const CRT = { DST: 0xb6, AT: 0xa4 } as const;

/**
 * MANAGE SECURITY ENVIRONMENT — `00 22 P1 P2 Lc data` (§3.20, §3.21).
 * - `41 A4` SET AT for chip authentication: data `80 L <protocol OID>`; only
 *   id-CA-ECDH-AES-CBC-CMAC-128 is offered (OpenSC hard-codes it for the SmartCard-HSM; the 3DES
 *   variant of old JCOP cards is not simulated) → 9000, the next GENERAL AUTHENTICATE uses it.
 *   Another OID → 6A80; no 80 → 6A80. An optional `84` private key reference must be 00 (PrK.DevAut).
 * - `81 B6` SET DST (public key authentication): select the key that verifies the next PSO VERIFY
 *   CERTIFICATE or MANAGE PKA request, data `83 L <CHR>`. 9000 when the card knows the CHR (a built-in
 *   root or a certificate verified in this session), 6A88 when it does not — OpenSC's
 *   sc_hsm_register_public_key asks with the certificate's CHR first and sends it only after 6A88.
 * - `81 A4` SET AT (public key authentication): select a registered public key for EXTERNAL
 *   AUTHENTICATE; unknown CHR, or a device without public key authentication → 6A88.
 * Any other P1P2 → 6A86; no 83 in a public key authentication MSE → 6A80.
 */
export const manageSecurityEnvironment: InsHandler = (cmd, ctx) => {
  if (cmd.p1 === 0x41 && cmd.p2 === CRT.AT) return setChipAuthentication(cmd.data, ctx);
  if (cmd.p1 !== 0x81 || (cmd.p2 !== CRT.DST && cmd.p2 !== CRT.AT)) throw new CardStatus(SW.INCORRECT_P1P2);
  const chr = keyReference(cmd.data);
  return cmd.p2 === CRT.DST ? selectVerifier(chr, ctx) : selectRegistered(chr, ctx);
};

function tlvs(data: Uint8Array): Tlv[] {
  try {
    return decodeTlvs(data);
  } catch {
    throw new CardStatus(SW.INCORRECT_DATA, 'MSE data is not BER-TLV');
  }
}

function setChipAuthentication(data: Uint8Array, ctx: SimContext): SimReply {
  const objects = tlvs(data);
  const mechanism = objects.find((o) => o.tag === 0x80)?.value;
  if (mechanism === undefined || !bytesEqual(mechanism, CA_PROTOCOL.AES_CMAC_128))
    throw new CardStatus(SW.INCORRECT_DATA, 'unsupported protocol');
  const keyRef = objects.find((o) => o.tag === 0x84)?.value;
  if (keyRef !== undefined && !(keyRef.length === 1 && keyRef[0] === 0)) throw new CardStatus(SW.REFERENCED_DATA_NOT_FOUND);
  ctx.session.caSelected = true;
  return { sw: SW.OK };
}

function keyReference(data: Uint8Array): string {
  const ref = tlvs(data).find((t) => t.tag === 0x83);
  if (ref === undefined || ref.value.length === 0) throw new CardStatus(SW.INCORRECT_DATA, 'no key reference (83)');
  return String.fromCharCode(...ref.value);
}

function selectVerifier(chr: string, ctx: SimContext): SimReply {
  const session = pkaSession(ctx);
  if (verificationKey(ctx, chr) === undefined) {
    session.verifyKey = undefined;
    return { sw: SW.REFERENCED_DATA_NOT_FOUND };
  }
  session.verifyKey = chr;
  return { sw: SW.OK };
}

function selectRegistered(chr: string, ctx: SimContext): SimReply {
  const session = pkaSession(ctx);
  const index = ctx.state.pka?.keys.findIndex((k) => registeredChr(k) === chr) ?? -1;
  session.authKey = index < 0 ? undefined : index;
  return { sw: index < 0 ? SW.REFERENCED_DATA_NOT_FOUND : SW.OK };
}
