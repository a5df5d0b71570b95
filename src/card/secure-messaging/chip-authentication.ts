/**
 * Chip authentication with the device key, as OpenSC's SmartCard-HSM driver does it
 * (`card-sc-hsm.c` `sc_hsm_perform_chip_authentication` → `sm-eac.c` `perform_chip_authentication_ex`):
 *
 *   1. read EF 2F02 (device CVC ‖ DICA CVC) and verify the chain to a known root: the device key must
 *      be one a CardContact (or simulator) PKI certified, or the channel would be keyed with an impostor
 *   2. MSE SET AT `00 22 41 A4 80 <id-CA-ECDH-AES-CBC-CMAC-128>`
 *   3. an ephemeral key pair on the device key's curve; GENERAL AUTHENTICATE with its public point
 *   4. K = ECDH(ephemeral private key, PK.DevAut); K_enc/K_mac = KDF(K, nonce); the card's token must
 *      equal CMAC(K_mac, 7F49{06 OID, 86 our point}) — proof that the card holds PrK.DevAut
 *
 * Returns the session keys; the caller installs the secure-messaging layer (SSC starts at 0).
 */
import { createECDH } from 'node:crypto';
import type { SmKeys } from '../../apdu/sm/codec.ts';
import { readFile } from '../commands/read-binary.ts';
import { generalAuthenticate } from '../commands/general-authenticate.ts';
import { setChipAuthenticationProtocol } from '../commands/manage-security-environment-ca.ts';
import { FID } from '../constants.ts';
import { ecPointOf } from '../cvc-key.ts';
import { verifyDeviceChain, type DeviceChainVerification, type KnownRoot } from '../cvc-verify.ts';
import { SecureChannelError } from './errors.ts';
import type { CardSession } from '../session.ts';
import { caSessionKeys, ID_CA_ECDH_AES_CBC_CMAC_128, tokenMatches } from './ca-keys.ts';

export interface ChipAuthenticationOptions {
  /** Roots trusted besides the built-in ones (trust-anchors.ts). */
  readonly extraRoots?: readonly KnownRoot[];
}

export interface ChipAuthenticationResult {
  readonly keys: SmKeys;
  /** The verified device chain (device CHR, DICA, root and its kind: production, test, simulator). */
  readonly chain: DeviceChainVerification;
  readonly protocol: 'id-CA-ECDH-AES-CBC-CMAC-128';
}

async function verifiedDeviceKey(card: CardSession, extraRoots: readonly KnownRoot[]): Promise<DeviceChainVerification> {
  const chain = verifyDeviceChain(await readFile(card, FID.C_DEV_AUT), extraRoots);
  if (!chain.verified || chain.deviceKey === undefined || chain.deviceKey.curve === undefined)
    throw new SecureChannelError(`the device certificate chain does not verify: ${chain.summary}`);
  return chain;
}

/** Run chip authentication on a plain session; the keys are for `createSecureMessaging`. */
export async function performChipAuthentication(
  card: CardSession,
  options: ChipAuthenticationOptions = {},
): Promise<ChipAuthenticationResult> {
  const chain = await verifiedDeviceKey(card, options.extraRoots ?? []);
  const deviceKey = chain.deviceKey;
  if (deviceKey?.curve === undefined) throw new SecureChannelError('the device key is not an EC key');
  const ecdh = createECDH(deviceKey.curve.name);
  const ephemeral = new Uint8Array(ecdh.generateKeys());
  await setChipAuthenticationProtocol(card, ID_CA_ECDH_AES_CBC_CMAC_128);
  const answer = await generalAuthenticate(card, ephemeral);
  const secret = new Uint8Array(ecdh.computeSecret(ecPointOf(deviceKey.key)));
  const keys = caSessionKeys(secret, answer.nonce);
  secret.fill(0);
  if (!tokenMatches(answer.token, keys.kMac, ID_CA_ECDH_AES_CBC_CMAC_128, ephemeral))
    throw new SecureChannelError('the card failed chip authentication: its token does not prove possession of the certified device key');
  return { keys, chain, protocol: 'id-CA-ECDH-AES-CBC-CMAC-128' };
}
