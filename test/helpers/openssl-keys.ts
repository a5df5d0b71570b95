/**
 * Key files made by the OpenSSL command line (an independent producer): the test vectors of `keys
 * import`. Each set is made once per test process in a temporary directory; the public keys and
 * certificates OpenSSL prints are what the tests compare schsm's results with.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Run openssl; stdout as bytes. */
export function openssl(args: readonly string[], input?: Uint8Array | string): Buffer {
  return execFileSync('openssl', [...args], { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
}

/** Run openssl; stdout and stderr as text (`-info` reports go to stderr). */
export function opensslText(args: readonly string[]): string {
  const r = spawnSync('openssl', [...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

/**
 * A self-signed P-256 CA made by OpenSSL in `dir`: `ca.key` (unencrypted) and `ca.pem`, valid 30 days,
 * subject `/CN=<cn>`. The tests issue certificates with it for keys on the card.
 */
export function opensslRootCa(dir: string, cn: string): void {
  const f = (n: string): string => path.join(dir, n);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-days',
    '30',
    '-subj',
    `/CN=${cn}`,
    '-out',
    f('ca.pem'),
  ]);
}

export const P12_PASSWORD = 'p12-Pass-word!';
export const PKCS8_PASSWORD = 'pkcs8-Pass-word';
/** A KEK as another HSM would hold it, and the raw AES key it wraps. */
export const KEK_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
export const AES_KEY_HEX = '7f1e2d3c4b5a69788796a5b4c3d2e1f000112233445566778899aabbccddeeff';

export interface KeyFiles {
  readonly dir: string;
  /** P-256 key, its self-signed certificate (PEM and DER), SPKI PEM. */
  readonly ecKey: string;
  readonly ecCertPem: string;
  readonly ecCertDer: Buffer;
  readonly ecPub: string;
  /** PKCS#12 of the EC key + certificate, friendly name "signer one": OpenSSL 3 default (PBES2/AES-256, SHA-256 MAC) and -legacy (3DES key, RC2-40 cert, SHA-1 MAC). */
  readonly p12: string;
  readonly p12Legacy: string;
  /** The localKeyId OpenSSL gave the key (hex). */
  readonly p12LocalKeyId: string;
  /** RSA-2048 as PKCS#1 PEM, RSA-3072 as encrypted PKCS#8 PEM, their SPKIs. */
  readonly rsa2048Pkcs1: string;
  readonly rsa2048Pub: string;
  readonly rsa3072Enc: string;
  readonly rsa3072Pub: string;
  /** brainpoolP384r1 as SEC1 PEM; secp521r1 as PKCS#8 DER; their SPKIs. */
  readonly bp384Sec1: string;
  readonly bp384Pub: string;
  readonly p521Der: string;
  readonly p521Pub: string;
  /** The AES key raw (binary) and as hex text. */
  readonly aesRaw: string;
  readonly aesHex: string;
  /** KEK file (0600) and files wrapped under it by `openssl enc -id-aes256-wrap[-pad]`. */
  readonly kek: string;
  readonly wrappedAes: string;
  readonly wrappedEc: string;
}

let made: KeyFiles | undefined;

function write(dir: string, name: string, data: Uint8Array | string, mode = 0o600): string {
  const file = path.join(dir, name);
  writeFileSync(file, data, { mode });
  chmodSync(file, mode);
  return file;
}

export function keyFiles(): KeyFiles {
  if (made !== undefined) return made;
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-keyfiles-'));
  const f = (n: string): string => path.join(dir, n);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('ec.pem')]);
  openssl(['req', '-new', '-x509', '-key', f('ec.pem'), '-subj', '/CN=metadata signer/O=Federation', '-days', '30', '-out', f('ec.crt')]);
  const ecCertDer = openssl(['x509', '-in', f('ec.crt'), '-outform', 'DER']);
  openssl(['pkey', '-in', f('ec.pem'), '-pubout', '-out', f('ec.pub')]);
  const p12Args = [
    'pkcs12',
    '-export',
    '-inkey',
    f('ec.pem'),
    '-in',
    f('ec.crt'),
    '-name',
    'signer one',
    '-passout',
    `pass:${P12_PASSWORD}`,
  ];
  openssl([...p12Args, '-out', f('ec.p12')]);
  openssl([...p12Args, '-legacy', '-out', f('ec-legacy.p12')]);
  const info = openssl(['pkcs12', '-in', f('ec.p12'), '-passin', `pass:${P12_PASSWORD}`, '-nokeys', '-clcerts']).toString();
  const localKeyId = /localKeyID: ([0-9A-F ]+)/.exec(info)?.[1]?.replace(/ /g, '').toLowerCase() ?? '';
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f('rsa2048.p8')]);
  openssl(['rsa', '-in', f('rsa2048.p8'), '-traditional', '-out', f('rsa2048.pem')]);
  openssl(['pkey', '-in', f('rsa2048.p8'), '-pubout', '-out', f('rsa2048.pub')]);
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072', '-out', f('rsa3072.p8')]);
  openssl([
    'pkcs8',
    '-topk8',
    '-in',
    f('rsa3072.p8'),
    '-v2',
    'aes-256-cbc',
    '-passout',
    `pass:${PKCS8_PASSWORD}`,
    '-out',
    f('rsa3072-enc.pem'),
  ]);
  openssl(['pkey', '-in', f('rsa3072.p8'), '-pubout', '-out', f('rsa3072.pub')]);
  openssl(['ecparam', '-name', 'brainpoolP384r1', '-genkey', '-noout', '-out', f('bp384.pem')]);
  openssl(['pkey', '-in', f('bp384.pem'), '-pubout', '-out', f('bp384.pub')]);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp521r1', '-out', f('p521.p8')]);
  openssl(['pkcs8', '-topk8', '-nocrypt', '-in', f('p521.p8'), '-outform', 'DER', '-out', f('p521.der')]);
  openssl(['pkey', '-in', f('p521.p8'), '-pubout', '-out', f('p521.pub')]);
  const aes = Buffer.from(AES_KEY_HEX, 'hex');
  const ecPkcs8Der = openssl(['pkcs8', '-topk8', '-nocrypt', '-in', f('ec.pem'), '-outform', 'DER']);
  made = {
    dir,
    ecKey: f('ec.pem'),
    ecCertPem: f('ec.crt'),
    ecCertDer,
    ecPub: f('ec.pub'),
    p12: f('ec.p12'),
    p12Legacy: f('ec-legacy.p12'),
    p12LocalKeyId: localKeyId,
    rsa2048Pkcs1: f('rsa2048.pem'),
    rsa2048Pub: f('rsa2048.pub'),
    rsa3072Enc: f('rsa3072-enc.pem'),
    rsa3072Pub: f('rsa3072.pub'),
    bp384Sec1: f('bp384.pem'),
    bp384Pub: f('bp384.pub'),
    p521Der: f('p521.der'),
    p521Pub: f('p521.pub'),
    aesRaw: write(dir, 'aes.key', aes),
    aesHex: write(dir, 'aes.hex', `${AES_KEY_HEX}\n`),
    kek: write(dir, 'kek.bin', Buffer.from(KEK_HEX, 'hex')),
    // CKM_AES_KEY_WRAP (RFC 3394) of the AES key, CKM_AES_KEY_WRAP_PAD (RFC 5649) of the EC PKCS#8
    wrappedAes: write(dir, 'aes.wrapped', openssl(['enc', '-id-aes256-wrap', '-nopad', '-K', KEK_HEX, '-iv', 'A6A6A6A6A6A6A6A6'], aes)),
    wrappedEc: write(dir, 'ec.wrapped', openssl(['enc', '-id-aes256-wrap-pad', '-K', KEK_HEX, '-iv', 'A65959A6'], ecPkcs8Der)),
  };
  return made;
}

/** A public key file's SPKI DER (via openssl, not schsm). */
export function spkiOf(pubPem: string): Buffer {
  return openssl(['pkey', '-pubin', '-in', pubPem, '-outform', 'DER']);
}

export function readText(file: string): string {
  return readFileSync(file, 'utf8');
}
