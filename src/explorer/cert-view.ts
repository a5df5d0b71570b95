/**
 * The "key match" line `cat` and `info` add under an X.509 certificate in CExx or CAxx: which key of the
 * card it belongs to, checked without a PIN. CExx: key xx present, its PRKD's type and size against the
 * certificate's key, and whether the ID is the one OpenSC derives from that key; CAxx: whether any key
 * of the card has this public key (from its CV request or certificate).
 */
import { toHex } from '../apdu/hex.ts';
import { FID_PREFIX } from '../card/constants.ts';
import { readFileIfExists } from '../card/files.ts';
import { certificateMatchesKey, readCertificate, type X509Summary } from '../card/formats/x509.ts';
import { intrinsicKeyId, keyReferences, listKeys } from '../card/keys.ts';
import { parsePrkd } from '../card/pkcs15.ts';
import type { CardSession } from '../card/session.ts';

function keyText(x: X509Summary): { kind: string; bits: number | undefined } {
  const d = x.publicKey.asymmetricKeyDetails;
  return { kind: x.publicKey.asymmetricKeyType ?? '?', bits: x.publicKey.asymmetricKeyType === 'rsa' ? d?.modulusLength : undefined };
}

async function endEntityMatch(card: CardSession, ref: number, x: X509Summary): Promise<string> {
  if (!(await keyReferences(card)).includes(ref)) return `key ${ref} is NOT on the card (CC${toHex(Uint8Array.of(ref))} missing)`;
  const bytes = await readFileIfExists(card, (FID_PREFIX.PRKD << 8) | ref);
  if (bytes === undefined || bytes.length === 0) return `key ${ref} (no PRKD to compare with)`;
  const d = parsePrkd(bytes);
  const k = keyText(x);
  if (d.kind !== k.kind) return `key ${ref} is ${d.kind.toUpperCase()}, the certificate's key ${k.kind.toUpperCase()}: they do NOT match`;
  if (k.bits !== undefined && d.size !== undefined && d.size !== k.bits)
    return `key ${ref} is RSA ${d.size}, the certificate's key RSA ${k.bits}: they do NOT match`;
  const derived = toHex(intrinsicKeyId(x.publicKey)) === toHex(d.id);
  return `key ${ref} (${d.kind.toUpperCase()}${d.size === undefined ? '' : ` ${d.size}`}, type and size agree; ID ${derived ? 'is the one OpenSC derives from this public key' : 'was set by hand or by the importing file'})`;
}

/** Lines to add under the decoded certificate; none when the content is not X.509 or not a certificate file. */
export async function certificateKeyLines(card: CardSession, fid: number, bytes: Uint8Array): Promise<string[]> {
  const prefix = fid >> 8;
  if (bytes[0] !== 0x30 || (prefix !== FID_PREFIX.EE_CERTIFICATE && prefix !== FID_PREFIX.CA_CERTIFICATE)) return [];
  let x: X509Summary;
  try {
    x = readCertificate(bytes);
  } catch {
    return [];
  }
  const valid = Date.now() < Date.parse(x.notAfter) && Date.now() >= Date.parse(x.notBefore);
  const lines = [`  CA:           ${x.ca ? 'yes' : 'no'}; ${valid ? 'valid now' : 'NOT valid now'}`];
  if (prefix === FID_PREFIX.EE_CERTIFICATE) return [...lines, `  key match:    ${await endEntityMatch(card, fid & 0xff, x)}`];
  const owners = (await listKeys(card)).filter((k) => k.publicKey !== undefined && certificateMatchesKey(x, k.publicKey));
  return [
    ...lines,
    `  key match:    ${owners.length === 0 ? 'no key of this card (a CA or peer certificate)' : `the public key of key ${owners.map((k) => k.ref).join(', ')}`}`,
  ];
}
