/**
 * Key files schsm imports, read on the host (nothing here talks to a card):
 *   pem      PKCS#8 "PRIVATE KEY", PKCS#1 "RSA PRIVATE KEY", SEC1 "EC PRIVATE KEY", "ENCRYPTED PRIVATE
 *            KEY" or a legacy Proc-Type: ENCRYPTED block, optionally with "CERTIFICATE" blocks;
 *   der      the same in DER (PKCS#8, PKCS#1, SEC1, EncryptedPrivateKeyInfo);
 *   pkcs12   .p12 / .pfx (pkcs12.ts);
 *   aes      a raw AES key of 16, 24 or 32 bytes; aes-hex: the same as hex text;
 *   wrapped  a key exported by a PKCS#11 HSM under an AES KEK (CKM_AES_KEY_WRAP[_PAD]): the unwrapped
 *            bytes are a PKCS#8 private key or a raw AES key.
 * `detectKeyFile` needs no secret, so a command can name the device before it asks for a password.
 */
import { createPrivateKey } from 'node:crypto';
import { aesKeyUnwrap } from './aes-key-wrap.ts';
import { readDer } from './der.ts';
import { FileFormatError, FormatInputError, WrongPasswordError } from './errors.ts';
import { looksLikePkcs12 } from './pkcs12.ts';

export const KEY_FILE_FORMATS = ['auto', 'pem', 'der', 'pkcs12', 'aes', 'aes-hex', 'wrapped'] as const;
export type KeyFileFormat = Exclude<(typeof KEY_FILE_FORMATS)[number], 'auto'>;

export interface KeyFileKind {
  readonly format: KeyFileFormat;
  /** A password is needed to read it (PKCS#12 always, encrypted PEM/DER). */
  readonly needsPassword: boolean;
  /** A KEK is needed (wrapped). */
  readonly needsKek: boolean;
  /** "PKCS#12", "PKCS#8 PEM (encrypted)", … */
  readonly description: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** The PEM blocks of a text: label, headers and base64 body decoded. */
export function pemBlocks(text: string): { label: string; headers: string; der: Uint8Array }[] {
  const out: { label: string; headers: string; der: Uint8Array }[] = [];
  for (const m of text.matchAll(PEM_BLOCK)) {
    const body = m[2] ?? '';
    const split = body.search(/\r?\n\r?\n/);
    const headers = /^[A-Za-z-]+:/.test(body) && split >= 0 ? body.slice(0, split) : '';
    out.push({ label: m[1] ?? '', headers, der: new Uint8Array(Buffer.from(headers === '' ? body : body.slice(split), 'base64')) });
  }
  return out;
}

function kind(format: KeyFileFormat, description: string, needsPassword = false): KeyFileKind {
  return { format, needsPassword, needsKek: format === 'wrapped', description };
}

function detectPem(text: string, file: string): KeyFileKind {
  const key = pemBlocks(text).find((b) => b.label.endsWith('PRIVATE KEY'));
  if (key === undefined)
    throw new FileFormatError('key file', `${file} has PEM blocks but no private key`, {
      hint: 'expected -----BEGIN PRIVATE KEY----- (or RSA/EC/ENCRYPTED PRIVATE KEY)',
    });
  const encrypted = key.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(key.headers);
  const name = key.label === 'RSA PRIVATE KEY' ? 'PKCS#1' : key.label === 'EC PRIVATE KEY' ? 'SEC1' : 'PKCS#8';
  return kind('pem', `${name} PEM${encrypted ? ' (encrypted)' : ''}`, encrypted);
}

/** What a DER private key is: 'pkcs8' | 'pkcs1' | 'sec1' | 'encrypted', or undefined. */
export function derKeyType(der: Uint8Array): 'pkcs8' | 'pkcs1' | 'sec1' | 'encrypted' | undefined {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      createPrivateKey({ key: Buffer.from(der), format: 'der', type });
      return type;
    } catch {
      // not this one
    }
  }
  try {
    const top = readDer(der);
    const [alg, data] = top.children;
    if (top.children.length === 2 && alg?.tag === 16 && data?.tag === 4) return 'encrypted';
  } catch {
    // not ASN.1
  }
  return undefined;
}

/** Decide what `bytes` (the contents of `file`) is. `requested` other than 'auto' is checked, not guessed. */
export function detectKeyFile(bytes: Uint8Array, file: string, requested: KeyFileFormat | 'auto' = 'auto', hasKek = false): KeyFileKind {
  if (requested === 'wrapped' || (requested === 'auto' && hasKek)) return kind('wrapped', 'AES-wrapped key (RFC 3394/5649)');
  if (requested === 'aes') return kind('aes', 'raw AES key');
  if (requested === 'aes-hex') return kind('aes-hex', 'AES key in hex');
  const text = Buffer.from(bytes.subarray(0, 64 * 1024)).toString('latin1');
  if (requested === 'pem' || (requested === 'auto' && text.includes('-----BEGIN '))) return detectPem(text, file);
  if (requested === 'pkcs12' || (requested === 'auto' && looksLikePkcs12(bytes))) return kind('pkcs12', 'PKCS#12', true);
  const type = derKeyType(bytes);
  if (type !== undefined)
    return kind(
      'der',
      type === 'encrypted' ? 'PKCS#8 DER (encrypted)' : `${{ pkcs8: 'PKCS#8', pkcs1: 'PKCS#1', sec1: 'SEC1' }[type]} DER`,
      type === 'encrypted',
    );
  if (requested === 'der') throw new FileFormatError('key file', `${file} is not a DER private key (PKCS#8, PKCS#1 or SEC1)`);
  const hint = [16, 24, 32].includes(bytes.length)
    ? `${bytes.length} bytes could be a raw AES key: say --format aes (binary) — schsm does not guess that`
    : 'give a PEM/DER private key, a PKCS#12 file, --format aes|aes-hex for AES keys, or --kek-file for an AES-wrapped key';
  throw new FileFormatError('key file', `cannot tell what kind of key ${file} holds`, { hint });
}

/** A raw AES key from `bytes` (binary, or hex text with --format aes-hex). */
export function aesKeyFrom(bytes: Uint8Array, hex: boolean, file: string): Uint8Array {
  const key = hex ? hexKey(bytes, file) : new Uint8Array(bytes);
  if (![16, 24, 32].includes(key.length)) {
    key.fill(0);
    throw new FormatInputError(
      `${file}: an AES key has 16, 24 or 32 bytes (128/192/256 bits), this one ${hex ? 'decodes to' : 'has'} ${key.length}`,
    );
  }
  return key;
}

function hexKey(bytes: Uint8Array, file: string): Uint8Array {
  const text = Buffer.from(bytes).toString('latin1').replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw new FormatInputError(`${file} is not hex text (--format aes-hex)`);
  return new Uint8Array(Buffer.from(text, 'hex'));
}

/** The bytes a KEK unwraps `wrapped` to, and the RFC it followed. */
export function unwrapWithKek(wrapped: Uint8Array, kek: Uint8Array): { plain: Uint8Array; mode: string } {
  const r = aesKeyUnwrap(kek, wrapped);
  return { plain: r.plain, mode: r.mode === 'rfc3394' ? 'RFC 3394 (CKM_AES_KEY_WRAP)' : 'RFC 5649 (CKM_AES_KEY_WRAP_PAD)' };
}

/** A private key file (PEM or DER, maybe encrypted) as unencrypted PKCS#8 DER. */
export function privateKeyToPkcs8(bytes: Uint8Array, format: 'pem' | 'der', password: string | undefined): Uint8Array {
  const input = Buffer.from(bytes);
  const passphrase = password === undefined ? {} : { passphrase: password };
  const derType = format === 'der' ? derKeyType(bytes) : undefined;
  try {
    const key =
      format === 'pem'
        ? createPrivateKey({ key: input, format: 'pem', ...passphrase })
        : createPrivateKey({
            key: input,
            format: 'der',
            type: derType === undefined || derType === 'encrypted' ? 'pkcs8' : derType,
            ...passphrase,
          });
    const der = key.export({ format: 'der', type: 'pkcs8' });
    const out = new Uint8Array(der);
    der.fill(0);
    return out;
  } catch (err) {
    const msg = (err as Error).message;
    if (password !== undefined && /bad decrypt|decrypt|passphrase|unsupported/i.test(msg))
      throw new WrongPasswordError('wrong password for the encrypted private key', 'check the password (it is case-sensitive)');
    throw new FileFormatError('private key', `not readable: ${msg}`, { cause: err });
  }
}

function hexKeyText(text: string): Uint8Array | undefined {
  const t = text.replace(/\s+/g, '');
  return /^([0-9a-fA-F]{2})+$/.test(t) && [32, 48, 64].includes(t.length) ? new Uint8Array(Buffer.from(t, 'hex')) : undefined;
}

/**
 * A key-encryption key from its file's bytes: 16/24/32 raw bytes, or their hex (whitespace allowed).
 * A file that reads both ways (32 hex digits without a newline) is refused rather than guessed.
 */
export function parseKek(raw: Uint8Array, name: string): Uint8Array {
  const asHex = hexKeyText(Buffer.from(raw).toString('latin1'));
  const binary = [16, 24, 32].includes(raw.length);
  if (asHex !== undefined && binary) {
    asHex.fill(0);
    throw new FormatInputError(
      `${name} reads both as ${raw.length} raw bytes and as hex`,
      'end a hex KEK with a newline, or store it as binary',
    );
  }
  if (asHex !== undefined) return asHex;
  if (binary) return new Uint8Array(raw);
  throw new FormatInputError(`${name} is not an AES key (16, 24 or 32 bytes, binary or hex)`);
}
