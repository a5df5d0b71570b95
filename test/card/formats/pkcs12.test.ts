// PKCS#12 files written by `openssl pkcs12` (the installed OpenSSL 3) read by schsm's own reader: the
// key comes out as the PKCS#8 OpenSSL holds, the certificate as the DER `openssl x509` prints, the
// friendly name and localKeyId as OpenSSL set them — for the default PBES2/AES-256 + SHA-256 MAC files,
// -legacy (3DES key, RC2-40 certificate, SHA-1 MAC) and other algorithm choices; wrong passwords,
// altered files and hostile parameters fail with named errors.
import test from 'ava';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encodeTlv } from '../../../src/apdu/tlv.ts';
import { FileFormatError, WrongPasswordError } from '../../../src/card/formats/errors.ts';
import { looksLikePkcs12, parsePkcs12 } from '../../../src/card/formats/pkcs12.ts';
import { keyFiles, openssl, opensslText, P12_PASSWORD } from '../../helpers/openssl-keys.ts';

const k = keyFiles();
const opensslPkcs8 = (): Buffer => openssl(['pkcs8', '-topk8', '-nocrypt', '-in', k.ecKey, '-outform', 'DER']);
const samePrivateKey = (pkcs8: Uint8Array): boolean =>
  createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
    .export({ format: 'der', type: 'pkcs8' })
    .equals(opensslPkcs8());

function exportP12(name: string, extra: readonly string[], password = P12_PASSWORD): Buffer {
  const out = path.join(k.dir, name);
  openssl([
    'pkcs12',
    '-export',
    '-inkey',
    k.ecKey,
    '-in',
    k.ecCertPem,
    '-name',
    'signer one',
    '-passout',
    `pass:${password}`,
    ...extra,
    '-out',
    out,
  ]);
  return readFileSync(out);
}

test('OpenSSL 3 default PKCS#12 (PBES2 PBKDF2-SHA256 AES-256-CBC, HMAC-SHA256 MAC): key, certificate, friendly name, localKeyId', (t) => {
  const bytes = readFileSync(k.p12);
  t.true(looksLikePkcs12(bytes));
  const p = parsePkcs12(bytes, P12_PASSWORD);
  t.is(p.mac, 'verified');
  t.deepEqual(p.warnings, []);
  t.is(p.keys.length, 1);
  t.true(samePrivateKey(p.keys[0]?.pkcs8 ?? new Uint8Array()), 'the same private key OpenSSL holds');
  t.is(p.keys[0]?.friendlyName, 'signer one');
  t.is(Buffer.from(p.keys[0]?.localKeyId ?? []).toString('hex'), k.p12LocalKeyId);
  t.is(p.certificates.length, 1);
  t.true(Buffer.from(p.certificates[0]?.der ?? []).equals(k.ecCertDer), 'the certificate as `openssl x509 -outform DER` prints it');
  t.is(Buffer.from(p.certificates[0]?.localKeyId ?? []).toString('hex'), k.p12LocalKeyId);
});

test('openssl pkcs12 -legacy (pbeWithSHAAnd3-KeyTripleDES-CBC key, pbeWithSHAAnd40BitRC2-CBC certificate, SHA-1 MAC)', (t) => {
  const info = opensslText(['pkcs12', '-in', k.p12Legacy, '-info', '-noout', '-legacy', '-passin', `pass:${P12_PASSWORD}`]);
  t.regex(info, /pbeWithSHA1And40BitRC2-CBC/, 'OpenSSL says the certificate is RC2-40 encrypted');
  t.regex(info, /pbeWithSHA1And3-KeyTripleDES-CBC/, 'and the key 3DES');
  const p = parsePkcs12(readFileSync(k.p12Legacy), P12_PASSWORD);
  t.true(samePrivateKey(p.keys[0]?.pkcs8 ?? new Uint8Array()));
  t.true(Buffer.from(p.certificates[0]?.der ?? []).equals(k.ecCertDer));
  t.is(p.keys[0]?.friendlyName, 'signer one');
});

const VARIANTS: readonly (readonly [string, readonly string[]])[] = [
  [
    'AES-128-CBC key and certificate, SHA-512 MAC, 10000 rounds',
    ['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-128-CBC', '-macalg', 'sha512', '-iter', '10000'],
  ],
  ['AES-192-CBC key, unencrypted certificate, SHA-384 MAC', ['-keypbe', 'AES-192-CBC', '-certpbe', 'NONE', '-macalg', 'sha384']],
  ['unencrypted key bag (keyBag) and certificate', ['-keypbe', 'NONE', '-certpbe', 'NONE']],
  ['3DES key with PBES2, SHA-224 MAC', ['-keypbe', 'DES-EDE3-CBC', '-macalg', 'sha224']],
  ['legacy RC2-128 certificate, legacy 3DES key', ['-legacy', '-certpbe', 'PBE-SHA1-RC2-128', '-keypbe', 'PBE-SHA1-3DES']],
];

for (const [name, args] of VARIANTS) {
  test(`openssl pkcs12 ${args.join(' ')}: ${name}`, (t) => {
    const p = parsePkcs12(exportP12(`v-${args.join('')}.p12`, args), P12_PASSWORD);
    t.is(p.mac, 'verified');
    t.true(samePrivateKey(p.keys[0]?.pkcs8 ?? new Uint8Array()));
    t.true(Buffer.from(p.certificates[0]?.der ?? []).equals(k.ecCertDer));
  });
}

test('a file without a MAC (-nomac) reads, with a warning that its integrity was not checked', (t) => {
  const p = parsePkcs12(exportP12('nomac.p12', ['-nomac']), P12_PASSWORD);
  t.is(p.mac, 'absent');
  t.regex(p.warnings.join('\n'), /no MAC/);
  t.true(samePrivateKey(p.keys[0]?.pkcs8 ?? new Uint8Array()));
});

test('an empty password (OpenSSL writes its BMPString as 00 00)', (t) => {
  const p = parsePkcs12(exportP12('empty.p12', [], ''), '');
  t.true(samePrivateKey(p.keys[0]?.pkcs8 ?? new Uint8Array()));
});

test('a non-ASCII friendly name and password (BMPString, UTF-8 for PBES2)', (t) => {
  const out = path.join(k.dir, 'unicode.p12');
  openssl(['pkcs12', '-export', '-inkey', k.ecKey, '-in', k.ecCertPem, '-name', 'Schlüssel ☃', '-passout', 'pass:pässwörd', '-out', out]);
  const p = parsePkcs12(readFileSync(out), 'pässwörd');
  t.is(p.keys[0]?.friendlyName, 'Schlüssel ☃');
});

test('a wrong password and a changed byte are WrongPasswordError (the MAC is checked first); garbage is a format error', (t) => {
  const bytes = readFileSync(k.p12);
  t.throws(() => parsePkcs12(bytes, 'wrong'), { instanceOf: WrongPasswordError, message: /MAC does not verify/ });
  const changed = Buffer.from(bytes);
  // MacData ends the file: 04 20 <digest> 04 08 <salt> 02 02 08 00 — change the digest's last byte
  changed[changed.length - 15] = (changed[changed.length - 15] ?? 0) ^ 1;
  t.throws(() => parsePkcs12(changed, P12_PASSWORD), { instanceOf: WrongPasswordError });
  t.throws(() => parsePkcs12(bytes.subarray(0, 500), P12_PASSWORD), { instanceOf: FileFormatError, message: /PKCS#12 file/ });
  t.false(looksLikePkcs12(Buffer.from('-----BEGIN PRIVATE KEY-----')));
});

test('hostile parameters are refused before any work: a MAC iteration count of 2,000,000 (limit 1,000,000), nesting past 32 levels', (t) => {
  const sha1 = encodeTlv(0x30, [encodeTlv(0x06, Uint8Array.of(0x2b, 0x0e, 0x03, 0x02, 0x1a)), encodeTlv(0x05)]);
  const macData = encodeTlv(0x30, [
    encodeTlv(0x30, [sha1, encodeTlv(0x04, new Uint8Array(20))]),
    encodeTlv(0x04, new Uint8Array(8)),
    encodeTlv(0x02, Uint8Array.of(0x1e, 0x84, 0x80)),
  ]);
  const data = encodeTlv(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01)); // 1.2.840.113549.1.7.1
  const authSafe = encodeTlv(0x30, [data, encodeTlv(0xa0, encodeTlv(0x04, encodeTlv(0x30)))]);
  const pfx = encodeTlv(0x30, [encodeTlv(0x02, Uint8Array.of(3)), authSafe, macData]);
  t.throws(() => parsePkcs12(pfx, 'x'), { instanceOf: FileFormatError, message: /MAC iterations is 2000000, more than 1000000/ });
  let deep: Uint8Array = encodeTlv(0x05);
  for (let i = 0; i < 40; i++) deep = encodeTlv(0x30, deep);
  t.throws(() => parsePkcs12(deep, 'x'), { instanceOf: FileFormatError, message: /deeper than 32/ });
});

test('a PKCS#12 with a CA certificate: the key’s own certificate is the one with its localKeyId', (t) => {
  const chain = path.join(k.dir, 'chain.pem');
  openssl([
    'req',
    '-new',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    path.join(k.dir, 'ca.key'),
    '-subj',
    '/CN=CA one',
    '-days',
    '3',
    '-out',
    chain,
  ]);
  const out = path.join(k.dir, 'with-chain.p12');
  openssl([
    'pkcs12',
    '-export',
    '-inkey',
    k.ecKey,
    '-in',
    k.ecCertPem,
    '-certfile',
    chain,
    '-passout',
    `pass:${P12_PASSWORD}`,
    '-out',
    out,
  ]);
  const p = parsePkcs12(readFileSync(out), P12_PASSWORD);
  t.is(p.certificates.length, 2);
  t.is(p.certificates.filter((c) => c.localKeyId !== undefined).length, 1, 'only the key’s own certificate carries its localKeyId');
});
