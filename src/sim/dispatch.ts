import { INS } from './constants.ts';
import { cipherSymmetric } from './handlers/cipher-symmetric.ts';
import { changeReferenceData } from './handlers/change-reference-data.ts';
import { decipher } from './handlers/decipher.ts';
import { deleteFile } from './handlers/delete-file.ts';
import { deriveEcKey } from './handlers/derive-ec-key.ts';
import { enumerateObjects } from './handlers/enumerate-objects.ts';
import { externalAuthenticate } from './handlers/external-authenticate.ts';
import { generateAsymmetricKeyPair } from './handlers/generate-asymmetric-key-pair.ts';
import { generateSymmetricKey } from './handlers/generate-symmetric-key.ts';
import { getChallenge } from './handlers/get-challenge.ts';
import { initializeDevice } from './handlers/initialize-device.ts';
import { manageKeyDomain } from './handlers/manage-key-domain.ts';
import { manageSecurityEnvironment } from './handlers/manage-security-environment.ts';
import { performSecurityOperation } from './handlers/perform-security-operation.ts';
import { publicKeyAuthentication } from './handlers/public-key-authentication.ts';
import { readBinary } from './handlers/read-binary.ts';
import { resetRetryCounter } from './handlers/reset-retry-counter.ts';
import { select } from './handlers/select.ts';
import { sign } from './handlers/sign.ts';
import { unwrapKey } from './handlers/unwrap-key.ts';
import { updateBinary } from './handlers/update-binary.ts';
import { verify } from './handlers/verify.ts';
import { generalAuthenticate } from './handlers/general-authenticate.ts';
import { generateSessionPin } from './handlers/generate-session-pin.ts';
import { wrapKey } from './handlers/wrap-key.ts';
import type { InsHandler } from './types.ts';

/**
 * The instruction table of the simulated SmartCard-HSM: INS → handler, one handler file per
 * instruction in handlers/ (§3.0). Unknown INS → 6D00 (answered by the simulator core). GET
 * RESPONSE (C0) is part of the APDU layer (apdu-layer.ts), not a handler.
 */
export const DISPATCH: ReadonlyMap<number, InsHandler> = new Map<number, InsHandler>([
  [INS.VERIFY, verify], // §3.6
  [INS.MANAGE_SE, manageSecurityEnvironment], // §3.20 (PKA: SET DST / SET AT), §3.21 (SET AT for chip authentication)
  [INS.GENERAL_AUTHENTICATE, generalAuthenticate], // §3.21
  [INS.GENERATE_SESSION_PIN, generateSessionPin], // §3.21
  [INS.CHANGE_REFERENCE_DATA, changeReferenceData], // §3.7
  [INS.RESET_RETRY_COUNTER, resetRetryCounter], // §3.8
  [INS.GENERATE_ASYMMETRIC_KEY_PAIR, generateAsymmetricKeyPair], // §3.11
  [INS.GENERATE_SYMMETRIC_KEY, generateSymmetricKey], // §3.12
  [INS.INITIALIZE_DEVICE, initializeDevice], // §3.9
  [INS.IMPORT_DKEK_SHARE, manageKeyDomain], // §3.10 (IMPORT DKEK SHARE / MANAGE KEY DOMAIN)
  [INS.ENUMERATE_OBJECTS, enumerateObjects], // §3.5
  [INS.DECIPHER, decipher], // §3.14
  [INS.SIGN, sign], // §3.13
  [INS.WRAP_KEY, wrapKey], // §3.17
  [INS.UNWRAP_KEY, unwrapKey], // §3.18
  [INS.CIPHER_SYMMETRIC, cipherSymmetric], // §3.15
  [INS.DERIVE_EC_KEY, deriveEcKey], // §3.16
  [INS.GET_CHALLENGE, getChallenge], // §3.19
  [INS.SELECT, select], // §3.1
  [INS.READ_BINARY, readBinary], // §3.2 (even INS)
  [INS.READ_BINARY_ODD, readBinary], // §3.2
  [INS.UPDATE_BINARY_ODD, updateBinary], // §3.3
  [INS.DELETE_FILE, deleteFile], // §3.4
  [INS.PERFORM_SECURITY_OPERATION, performSecurityOperation], // §3.20
  [INS.PUBLIC_KEY_AUTHENTICATION, publicKeyAuthentication], // §3.20
  [INS.EXTERNAL_AUTHENTICATE, externalAuthenticate], // §3.20
]);
