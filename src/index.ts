/**
 * `schsm`: the SmartCard-HSM driver for programs: a session and the operations an operator or a
 * service needs, each under one name.
 *
 *   import { openPcscTransport, SmartCardHsm, verifyPin, signMessage } from 'schsm';
 *
 * The other entry points, each loading only what it needs:
 *   schsm/apdu       the low-level driver for people who speak APDU: one function per card command
 *                    (sign, wrapKey, unwrapKey, …), the codec (APDUs, TLV, status words), the
 *                    channel, the file formats and layouts
 *   schsm/transport  the byte seam (Transport), PC/SC, the traffic log
 *   schsm/sim        the simulator (in-process transport, state files, vpcd)
 *   schsm/trace      APDU traces: record, replay, import, annotate, diff
 * Everything else is internal. The CLI and the explorer are applications, not API.
 *
 * @module schsm
 */

// --- the session and how to reach a card ---
export { SmartCardHsm, type OpenOptions, type OpenSecureChannelOptions } from './card/sc-hsm.ts';
export type { SecureChannelInfo, CardLimits } from './card/session.ts';
export type { AppletInfo } from './card/commands/select-applet.ts';
export type { CardStatus } from './card/card-status.ts';
export type { Transport } from './transport/transport.ts';
export {
  listReaders,
  openPcscTransport,
  AmbiguousCardError,
  type PcscReaderInfo,
  type ListReadersOptions,
  type OpenPcscOptions,
} from './transport/pcsc.ts';
export { openPcscSocketTransport, type OpenPcscSocketOptions } from './transport/pcsc-socket.ts';
// one transport factory for every source (PC/SC, simulator, replay; each loaded only when named),
// reader and card events, signers for keys on the card
export { openTransport, parseTransportSource, type OpenTransportOptions, type TransportSource, type TransportSpec } from './open/index.ts';
export { watchCards, type WatchCardsOptions } from './transport/pcsc-events.ts';
export type { CardEvent, CardEventType, CardMonitor } from './transport/card-events.ts';
export { createSigner, type CardSigner, type DsaEncoding, type JwsAlgorithm, type SignerOptions } from './card/signer.ts';

// --- PINs and the device ---
export { verifyPin, pinStatus, type VerifyPinOptions, type PinStatus, type PinState } from './card/commands/verify-pin.ts';
export {
  changeReferenceData as changePin,
  type ChangeReferenceDataOptions as ChangePinOptions,
} from './card/commands/change-reference-data.ts';
export {
  resetRetryCounter as unblockPin,
  type ResetRetryCounterOptions as UnblockPinOptions,
} from './card/commands/reset-retry-counter.ts';
export { initializeDevice, type InitializeDeviceOptions } from './card/commands/initialize-device.ts';
export { getChallenge as randomBytes } from './card/commands/get-challenge.ts';
export { verifyDeviceChain, type DeviceChainVerification } from './card/cvc-verify.ts';

// --- keys ---
export { listKeys, describeKey, exportPublicKey, deleteKey, intrinsicKeyId, type KeyInfo } from './card/keys.ts';
export {
  generateKey,
  parseKeyType,
  type GenerateKeyOptions,
  type GeneratedKey,
  type KeySpec,
  type KeyTypeName,
  type AesBits,
} from './card/generate-key.ts';
export type { RsaBits } from './card/gakp-data.ts';
export { CURVE_NAMES, type CurveName, type CurveAlias } from './card/curves.ts';
export { deriveKey, type DeriveKeyOptions, type DerivedKey } from './card/derive-key.ts';
export { buildKeyImport, importKeyBlob, type KeyImport, type KeyImportOptions } from './card/key-import.ts';
export type { KeyUsage, KeyKind } from './card/pkcs15.ts';

// --- using keys ---
export {
  signMessage,
  parseMechanism,
  verifyMessageSignature,
  MECHANISM_NAMES,
  type MessageMechanism,
  type MechanismName,
  type MechanismSpelling,
  type MechanismHash,
} from './card/sign-message.ts';
export { decipher, ecdh, removePkcs1Padding, type DecipherMechanism } from './card/commands/decipher.ts';
export { aesCbcEncrypt, aesCbcDecrypt, aesCmac, aesDerive } from './card/commands/cipher-symmetric.ts';
export { ecdsaDerToRaw, ecdsaRawToDer } from './card/formats/ecdsa-signature.ts';
export { spkiDer, spkiFingerprint } from './card/formats/public-key.ts';

// --- DKEK, backup and restore ---
export { importDkekShare, queryDkekStatus, type DkekStatus } from './card/commands/import-dkek-share.ts';
export { exportWrappedKey, importWrappedKey, type ImportWrappedKeyOptions } from './card/key-backup.ts';
export { encryptDkekShare, decryptDkekShare, type EncryptShareOptions } from './card/formats/dkek-share-file.ts';
export { verifyBackup, type BackupVerification, type BackupVerifyInput } from './card/formats/backup-verify.ts';
export {
  parseWrappedKeyFile,
  buildWrappedKeyFile,
  type ParsedWrappedKeyFile,
  type WrappedKeyFile,
} from './card/formats/wrapped-key-file.ts';
export { formatKcv, type Kcv } from './card/formats/kcv.ts';

// --- key domains (§3.10) ---
export { listKeyDomains, queryKeyDomain, type KeyDomainInfo } from './card/key-domains.ts';
export { createDkekKeyDomain } from './card/commands/create-dkek-key-domain.ts';
export { deleteKeyDomain } from './card/commands/delete-key-domain.ts';
export { clearKeyDomain } from './card/commands/clear-key-domain.ts';

// --- certificates ---
export { listCertificates, deleteCertificate, type CertificateInfo } from './card/certificates.ts';
export { importCertificate, type CertificateImport, type CertificateImportOptions } from './card/certificate-import.ts';
export {
  createCertificateRequest,
  createSelfSignedCertificate,
  type RequestOptions as CertificateRequestOptions,
  type SelfSignOptions,
} from './card/certificate-sign.ts';

// --- public key authentication (PKA) and data objects ---
export {
  exportPkaFile,
  registerPkaFile,
  authenticateWithKey,
  type PkaExport,
  type PkaRegistration,
  type PkaAuthentication,
} from './card/pka.ts';
export {
  listDataObjects,
  readDataObject,
  putDataObject,
  deleteDataObject,
  type DataObjectInfo,
  type DataObjectInput,
} from './card/data-objects.ts';

// --- errors: every error is a SchsmError with a code and, where one helps, a hint ---
export { SchsmError, TransportError, TransportTimeoutError, UsageError, RefusedError, FileExistsError } from './transport/errors.ts';
export { PcscError, PcscUnavailableError } from './transport/pcsc-errors.ts';
export { ApduError, ChannelProtocolError } from './apdu/errors.ts';
export { LastPinTryError, PinTriesUnknownError, EraseUnconfirmedError, GuessedCardError } from './apdu/guard-errors.ts';
export { SecureMessagingError } from './apdu/sm/errors.ts';
export {
  CardError,
  PinIncorrectError,
  PinBlockedError,
  TransportPinError,
  NotInitializedError,
  SecurityStatusNotSatisfiedError,
  AppletNotFoundError,
  AppletNotSelectedError,
  FileNotFoundError,
  KeyNotFoundError,
  AlgorithmNotAllowedError,
  KeyUseCounterExpiredError,
  DkekError,
  NotSupportedError,
  InitializationCodeError,
  OperationNotAllowedError,
  IncorrectParametersError,
  NotEnoughMemoryError,
  type DkekFailure,
} from './card/errors.ts';
export {
  InvalidArgumentError,
  MalformedResponseError,
  CvcError,
  Pkcs15Error,
  NoFreeKeyReferenceError,
  DerivedKeyMismatchError,
  PkaError,
} from './card/host-errors.ts';
export { SecureChannelError } from './card/secure-messaging/errors.ts';
export {
  FileFormatError,
  WrongPasswordError,
  MacError,
  KcvMismatchError,
  FormatInputError,
  OperationAbortedError,
} from './card/formats/errors.ts';
