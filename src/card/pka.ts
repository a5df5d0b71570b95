/**
 * Public key authentication (n-of-m, §3.20) as flows over the single commands:
 * - `exportPkaFile`: a key's authenticated request (EF CExx) and the device chain (EF 2F02) as the
 *   file another device registers;
 * - `registerPkaFile`: what OpenSC's sc_hsm_register_public_key sends — teach the card the DICA and
 *   device certificates (MSE SET DST + PSO VERIFY CERTIFICATE, skipped for certificates it knows), select
 *   the device key, then MANAGE PKA with the request;
 * - `authenticateWithKey`: the step OpenSC has no tool for — MSE SET AT selects the registered key on
 *   the target, GET CHALLENGE, the custodian's device signs `target device CHR ‖ challenge` with
 *   ECDSA-SHA256 (SIGN algorithm 73, as Smart Card Shell does), EXTERNAL AUTHENTICATE with r‖s.
 */
import { concat } from '../apdu/hex.ts';
import { readDeviceCertificates, readDeviceChr } from './card-status.ts';
import { externalAuthenticate } from './commands/external-authenticate.ts';
import { getChallenge } from './commands/get-challenge.ts';
import { MSE_TEMPLATE, manageSecurityEnvironment } from './commands/manage-security-environment.ts';
import { type PkaStatus, publicKeyAuthenticationStatus, registerPublicKey } from './commands/public-key-authentication.ts';
import { signEcdsa } from './commands/sign.ts';
import { verifyCertificate } from './commands/verify-certificate.ts';
import { FID_PREFIX } from './constants.ts';
import { type AuthenticatedRequest, type CvCertificate, parseAuthenticatedRequest, parseCvcChain } from './cvc.ts';
import { CardError } from './errors.ts';
import { readFileIfExists } from './files.ts';
import { decodePkaFile, encodePkaFile, type PkaFile, type PkaLayout } from './formats/pka-file.ts';
import { InvalidArgumentError, PkaError } from './host-errors.ts';
import { keyReferences } from './keys.ts';
import { runExclusive, type CardSession } from './session.ts';
import { keyFid } from './key-ref.ts';

export { publicKeyAuthenticationStatus, type PkaStatus };

/** Length of the challenge, as Smart Card Shell asks for it (Nitrokey forum thread 6543: Le = 8). */
export const PKA_CHALLENGE_LENGTH = 8;

const ceFid = (ref: number): number => keyFid(FID_PREFIX.EE_CERTIFICATE, ref);

/** The authenticated request a key's EF CExx holds, or undefined when there is none. */
export async function readKeyRequest(card: CardSession, ref: number): Promise<AuthenticatedRequest | undefined> {
  const ce = await readFileIfExists(card, ceFid(ref));
  if (ce === undefined || ce[0] !== 0x67) return undefined;
  return parseAuthenticatedRequest(ce);
}

export interface PkaExport {
  readonly bytes: Uint8Array;
  readonly file: PkaFile;
}

/** The PKA file of key `ref` in `layout` (§3.20). */
export async function exportPkaFile(card: CardSession, ref: number, layout: PkaLayout): Promise<PkaExport> {
  if (!Number.isInteger(ref) || ref < 1 || ref > 255) throw new InvalidArgumentError(`key reference must be 1..255, got ${ref}`);
  const ce = await readFileIfExists(card, ceFid(ref));
  if (ce === undefined)
    throw new InvalidArgumentError(
      `key ${ref} has no CV request (EF CE${ref.toString(16).padStart(2, '0').toUpperCase()} does not exist)`,
      'only a key generated on a SmartCard-HSM can be registered: `schsm keys list` shows the keys',
    );
  if (ce[0] !== 0x67)
    throw new InvalidArgumentError(
      `EF CE${ref.toString(16).padStart(2, '0').toUpperCase()} holds a certificate, not the device-authenticated request (67) a registration needs`,
    );
  const chain = await readDeviceCertificates(card);
  const certs = chain === undefined ? [] : parseCvcChain(chain);
  const [device, dica] = certs;
  if (device === undefined || dica === undefined) throw new PkaError('EF 2F02 does not hold the device and issuer certificates');
  const bytes = encodePkaFile(layout, { request: ce, device: device.bytes, dica: dica.bytes });
  return { bytes, file: decodePkaFile(bytes) };
}

/** MSE SET DST with the certificate's CHR; when the card does not know it, verify it under its CAR. */
async function teach(card: CardSession, cert: CvCertificate): Promise<'known' | 'verified'> {
  if (await manageSecurityEnvironment(card, MSE_TEMPLATE.DST, cert.body.chr)) return 'known';
  const car = cert.body.car;
  if (car === undefined || !(await manageSecurityEnvironment(card, MSE_TEMPLATE.DST, car)))
    throw new PkaError(`the card does not know ${car ?? 'the issuer'} and so cannot verify ${cert.body.chr}`, {
      hint: 'the exporting device must come from a PKI this device trusts (CardContact, or both simulated)',
    });
  await verifyCertificate(card, cert.bytes);
  return 'verified';
}

export interface PkaRegistration {
  readonly file: PkaFile;
  readonly status: PkaStatus;
}

/** Register the key in a PKA file of either layout (§3.20); no PIN is needed while keys are missing. */
export async function registerPkaFile(card: CardSession, bytes: Uint8Array): Promise<PkaRegistration> {
  const file = decodePkaFile(bytes);
  return runExclusive(card, async () => {
    await teach(card, file.dica);
    await teach(card, file.device);
    const outer = file.request.outerCar ?? file.device.body.chr;
    if (!(await manageSecurityEnvironment(card, MSE_TEMPLATE.DST, outer))) throw new PkaError(`the card rejected the device key ${outer}`);
    return { file, status: await registerPublicKey(card, file.request.bytes) };
  });
}

/** The custodian's key that `target` has registered: `ref`, or the first whose CHR MSE SET AT accepts. */
async function findRegisteredKey(target: CardSession, custodian: CardSession, ref: number | undefined) {
  const refs = ref === undefined ? await keyReferences(custodian) : [ref];
  for (const r of refs) {
    const req = await readKeyRequest(custodian, r);
    if (req === undefined) continue;
    if (await manageSecurityEnvironment(target, MSE_TEMPLATE.AT, req.request.body.chr)) return { ref: r, request: req };
  }
  return undefined;
}

export interface PkaAuthentication {
  readonly ref: number;
  readonly chr: string;
  readonly status: PkaStatus;
}

/**
 * Authenticate `target` with a registered key held by `custodian` (whose user PIN must be verified).
 * `ref` picks the key; by default the first key of the custodian that the target has registered.
 */
export async function authenticateWithKey(target: CardSession, custodian: CardSession, ref?: number): Promise<PkaAuthentication> {
  const found = await findRegisteredKey(target, custodian, ref);
  if (found === undefined)
    throw new InvalidArgumentError(
      ref === undefined
        ? 'no key on the custodian device is registered on the target'
        : `key ${ref} of the custodian device is not registered on the target`,
      'register the key first: `schsm pka export` on the custodian device, `schsm pka register` on the target',
    );
  const pk = found.request.request.body.publicKey;
  if (pk.kind !== 'ec' || pk.curve === undefined) throw new PkaError('only an EC key can authenticate');
  const targetChr = await readDeviceChr(target);
  if (targetChr === undefined) throw new PkaError('the target has no device certificate (EF 2F02)');
  const challenge = await getChallenge(target, PKA_CHALLENGE_LENGTH);
  const signed = concat(new TextEncoder().encode(targetChr), challenge);
  const { raw } = await signEcdsa(custodian, found.ref, signed, { fieldBytes: pk.curve.fieldBytes, hash: 'sha256' });
  try {
    await externalAuthenticate(target, raw);
  } catch (err) {
    if (err instanceof CardError && err.sw === 0x6300)
      throw new PkaError(`the target did not accept the signature of key ${found.request.request.body.chr} (6300)`, {
        cause: err,
        hint: 'the key on the custodian device is not the one registered under that name',
      });
    throw err;
  }
  return { ref: found.ref, chr: found.request.request.body.chr, status: await publicKeyAuthenticationStatus(target) };
}
