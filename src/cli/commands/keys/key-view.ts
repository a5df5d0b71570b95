/** How `schsm keys list` shows a key: readable lines like pkcs15-tool -D, and the --json object. */
import { hex2 } from '../../../apdu/hex.ts';
import { keyTypeText, type KeyInfo } from '../../../card/keys.ts';
import { spkiDer, spkiFingerprint } from '../../../card/formats/public-key.ts';
import { formatKeyId } from '../../../card/key-id.ts';

/** "RSA 2048", "EC prime256v1", "AES 256". */
export const typeText = keyTypeText;

export function fingerprint(k: KeyInfo): string | undefined {
  return k.publicKey === undefined ? undefined : spkiFingerprint(spkiDer(k.publicKey));
}

/** Block of lines for one key. */
export function keyLines(k: KeyInfo): string[] {
  const kind = k.kind === 'aes' ? 'Secret key' : k.kind === 'unknown' ? 'Key' : 'Private key';
  const out = [`${kind} ${k.ref} (0x${hex2(k.ref)}): ${typeText(k)}${k.label === undefined ? '' : ` "${k.label}"`}`];
  const row = (label: string, value: string): void => void out.push(`  ${label.padEnd(14)}: ${value}`);
  row('Key ref', `${k.ref} (0x${hex2(k.ref)})`);
  if (k.id !== undefined) row('ID', formatKeyId(k.id));
  if (k.usage.length > 0) row('Usage', k.usage.join(', '));
  if (k.description === undefined) row('PRKD', `none (no C4${hex2(k.ref)}: invisible to PKCS#11)`);
  const fp = fingerprint(k);
  const from =
    k.certificate === 'x509'
      ? `X.509 certificate in CE${hex2(k.ref)}`
      : k.certificate === 'cv-request'
        ? `CV request in CE${hex2(k.ref)}`
        : undefined;
  if (fp !== undefined) row('Public key', `SHA-256 ${fp} (${from ?? '?'})`);
  else if (k.kind !== 'aes') row('Public key', `unknown (no CE${hex2(k.ref)})`);
  return out;
}

export function keyJson(k: KeyInfo): unknown {
  return {
    ref: k.ref,
    kind: k.kind,
    size: k.size ?? null,
    curve: k.curve ?? null,
    label: k.label ?? null,
    id: k.id === undefined ? null : formatKeyId(k.id),
    usage: k.usage,
    certificate: k.certificate ?? null,
    publicKeyFingerprint: fingerprint(k) ?? null,
    publicKeyPem: k.publicKey === undefined ? null : k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
