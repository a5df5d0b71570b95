/**
 * Decoded views of what `cat` and `asn1` show under the bytes: PRKD, CD and DCOD (PKCS#15, §5), CV
 * requests and certificates (§10), X.509 certificates, the device chain in EF 2F02, the token label.
 */
import { X509Certificate } from 'node:crypto';
import { toHex } from '../apdu/hex.ts';
import { FID, FID_PREFIX } from '../card/constants.ts';
import { parseAuthenticatedRequest, type CvCertificate, type CvcPublicKey } from '../card/cvc.ts';
import { verifyAuthenticatedRequest } from '../card/cvc-verify.ts';
import { checkDeviceIdentity, parseDeviceCertificates, type SelfDescribedIdentity } from '../card/device-identity.ts';
import { parseCd, parseDcod, parsePrkd, type CommonObjectAttributes } from '../card/pkcs15.ts';
import { decodeTokenLabel } from '../card/token-info.ts';
import { formatKeyId } from '../card/key-id.ts';

const day = (d: Date | undefined): string => (d === undefined ? '-' : d.toISOString().slice(0, 10));
const quoted = (s: string | undefined): string => (s === undefined ? '(none)' : JSON.stringify(s));

function common(c: CommonObjectAttributes): string[] {
  return [
    `label:        ${quoted(c.label)}`,
    `flags:        ${c.flags.join(', ') || '-'}`,
    ...(c.authId === undefined ? [] : [`auth ID:      ${toHex(c.authId)}`]),
  ];
}

export function prkdLines(bytes: Uint8Array): string[] {
  const d = parsePrkd(bytes);
  const kind = { rsa: 'RSA private key', ec: 'EC private key', aes: 'AES secret key' }[d.kind];
  return [
    `PRKD: ${kind}${d.size === undefined ? '' : `, ${d.size} bits`}`,
    ...common(d),
    `ID:           ${formatKeyId(d.id)}`,
    `usage:        ${d.usage.join(', ') || '-'}`,
    ...(d.accessFlags === undefined ? [] : [`access:       ${d.accessFlags.join(', ') || '-'}`]),
    `key ref:      ${d.ref ?? '(none)'}`,
  ];
}

function keyText(pk: CvcPublicKey): string {
  if (pk.kind === 'rsa') return `RSA ${pk.modulus.length * 8} bits`;
  return pk.curve === undefined ? 'EC (domain parameters from the issuer)' : `EC ${pk.curve.name} (${pk.curve.bits} bits)`;
}

function cvcLines(c: CvCertificate, indent = ''): string[] {
  const b = c.body;
  return [
    `${indent}CHR:          ${b.chr}`,
    `${indent}CAR:          ${b.car ?? '(none)'}`,
    `${indent}public key:   ${keyText(b.publicKey)}`,
    ...(b.effectiveDate === undefined ? [] : [`${indent}valid:        ${day(b.effectiveDate)} .. ${day(b.expirationDate)}`]),
  ];
}

export function cvRequestLines(bytes: Uint8Array): string[] {
  const req = parseAuthenticatedRequest(bytes);
  const v = verifyAuthenticatedRequest(req);
  return [
    `CV request${req.outerCar === undefined ? '' : ' (authenticated by the device)'}:`,
    ...cvcLines(req.request, '  '),
    `  self-signature: ${v.inner ? 'valid (proof of possession)' : 'INVALID'}`,
    ...(req.outerCar === undefined ? [] : [`  outer CAR:    ${req.outerCar} (the device key that signed the request)`]),
  ];
}

export function x509Lines(bytes: Uint8Array): string[] {
  const c = new X509Certificate(Buffer.from(bytes));
  const k = c.publicKey;
  const details = k.asymmetricKeyDetails;
  const key =
    k.asymmetricKeyType === 'rsa'
      ? `RSA ${details?.modulusLength ?? '?'} bits`
      : `${k.asymmetricKeyType?.toUpperCase() ?? '?'} ${details?.namedCurve ?? ''}`.trim();
  return [
    'X.509 certificate:',
    `  subject:      ${c.subject.replace(/\n/g, ', ')}`,
    `  issuer:       ${c.issuer.replace(/\n/g, ', ')}`,
    `  serial:       ${c.serialNumber}`,
    `  valid:        ${c.validFrom} .. ${c.validTo}`,
    `  public key:   ${key}`,
    `  SHA-256:      ${c.fingerprint256}`,
  ];
}

/** EF 2F02 in another implementation's layout (device-identity.ts): each object decoded, then the verdict. */
function selfDescribedLines(bytes: Uint8Array, own: SelfDescribedIdentity): string[] {
  const out: string[] = [];
  for (const e of parseDeviceCertificates(bytes)) {
    if (e.kind === 'request')
      out.push('CV request:', ...cvcLines(e.request.request, '  '), `  outer CAR:    ${quoted(e.request.outerCar ?? '')}`);
    else if (e.kind === 'certificate') out.push('certificate:', ...cvcLines(e.certificate, '  '));
    else out.push(`object with tag ${e.tag.toString(16).toUpperCase()}`);
  }
  for (const s of own.signatures) out.push(`${s.what}: ${s.verified ? 'verifies' : 'does NOT verify'}`);
  return [...out, `identity: ${own.summary}`];
}

function chainLines(bytes: Uint8Array): string[] {
  const id = checkDeviceIdentity(bytes);
  if (id.layout === 'other') return selfDescribedLines(bytes, id.identity);
  const v = id.chain;
  return [
    'device certificate (C_DevAut):',
    ...cvcLines(v.device, '  '),
    ...(v.dica === undefined ? [] : ['issuer (DICA) certificate:', ...cvcLines(v.dica, '  ')]),
    `chain: ${v.summary}`,
  ];
}

function certificateLines(bytes: Uint8Array): string[] | undefined {
  if (bytes[0] === 0x67 || (bytes[0] === 0x7f && bytes[1] === 0x21)) return cvRequestLines(bytes);
  if (bytes[0] === 0x30) return x509Lines(bytes);
  return undefined;
}

function descriptionLines(what: string, c: CommonObjectAttributes & { path: Uint8Array | undefined }, extra: string[]): string[] {
  return [`${what}:`, ...common(c).map((l) => `  ${l}`), ...extra, `  path:         ${c.path === undefined ? '-' : toHex(c.path)}`];
}

function decoderFor(fid: number): ((b: Uint8Array) => string[] | undefined) | undefined {
  if (fid === FID.C_DEV_AUT) return chainLines;
  if (fid === FID.TOKEN_INFO) return (b) => [`token label: ${quoted(decodeTokenLabel(b))}`];
  switch (fid >> 8) {
    case FID_PREFIX.PRKD:
      return prkdLines;
    case FID_PREFIX.EE_CERTIFICATE:
    case FID_PREFIX.CA_CERTIFICATE:
      return certificateLines;
    case FID_PREFIX.CD:
      return (b) => {
        const d = parseCd(b);
        return descriptionLines('CD (certificate description)', d, [`  ID:           ${toHex(d.id)}`, `  authority:    ${d.authority}`]);
      };
    case FID_PREFIX.DCOD:
      return (b) => {
        const d = parseDcod(b);
        return descriptionLines('DCOD (data object description)', d, [
          `  application:  ${d.applicationName ?? '-'} ${d.applicationOid ?? ''}`.trimEnd(),
        ]);
      };
    default:
      return undefined;
  }
}

/** Decoded lines for a file's content, undefined when the explorer has no decoder for it. */
export function decodedView(fid: number, bytes: Uint8Array): string[] | undefined {
  if (bytes.length === 0) return undefined;
  const decode = decoderFor(fid);
  if (decode === undefined) return undefined;
  try {
    return decode(bytes);
  } catch (err) {
    return [`(does not decode as expected for ${fid.toString(16).toUpperCase()}: ${err instanceof Error ? err.message : String(err)})`];
  }
}
