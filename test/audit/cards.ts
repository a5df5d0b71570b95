/**
 * The secrets of the secrets audit and the simulated cards and files its runs start from. Every secret
 * is distinctive (12+ characters or 8+ random-looking bytes), so that none of its encodings can turn up
 * by chance in a trace, a key ID or a signature. The cards are built once through the card layer (not
 * the CLI under audit) and copied into each run's directory.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createPrivateKey } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../src/apdu/hex.ts';
import { OPTION } from '../../src/card/constants.ts';
import { importDkekShare } from '../../src/card/commands/import-dkek-share.ts';
import { createDkekKeyDomain } from '../../src/card/commands/create-dkek-key-domain.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { verifyPin } from '../../src/card/commands/verify-pin.ts';
import { buildWrappedKeyFile } from '../../src/card/formats/wrapped-key-file.ts';
import { encryptDkekShareSync } from '../../src/card/formats/dkek-share-file.ts';
import { formatColonHex, formatShareId } from '../../src/card/formats/threshold-text.ts';
import { bigintToBytes, splitPassword } from '../../src/card/formats/threshold.ts';
import { generateKey } from '../../src/card/generate-key.ts';
import { exportWrappedKey } from '../../src/card/key-backup.ts';
import { exportPkaFile, registerPkaFile } from '../../src/card/pka.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport, saveSimulator, SmartCardHsmSimulator } from '../../src/sim/index.ts';

export const USER_PIN = 'Au7Kq2Vz9Xw4';
export const NEW_PIN = 'Nw5Rt8Yp3Hs6';
export const SO_PIN = 'C3A59E17D84B206F';
export const NEW_SO_PIN = '9B4E21D7A06C58F3';
export const NEW_SHARE_PASSWORD = 'Custodian-Pass-7Qw2Zr';
/** The peer share file made by sc-hsm-tool (fixtures/ops/README.md), its password and its share. */
export const PEER_FILE = fileURLToPath(new URL('../../fixtures/ops/peer-dkek-share-1.pbe', import.meta.url));
export const PEER_PASSWORD = 'Peer-DKEK-Pass-1';
export const PEER_SHARE = fromHex('2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35');
/** The share inside the threshold-protected share file, and that file's 8-byte password. */
export const THRESHOLD_SHARE = fromHex('5ec12e75ec12e7a0d4b3c2a1f0e9d8c7b6a5948372615049382716a5b4c3d2e1');
export const THRESHOLD_PASSWORD = fromHex('7a1c93e5b20f6d48');
/** The password of the PKCS#12 file `keys import` reads (made by openssl in buildTemplates). */
export const P12_PASSWORD = 'P12-Pass-9Hk3Wd5';
/** An AES-256 key-encryption key (--kek-file) and the AES-256 key wrapped under it (RFC 3394, by node:crypto). */
export const KEK = fromHex('9e37c1d85a0f4b62e8173dc4a96b2f05c7d31e8840b95fa26c0e7d3b19f4a857');
export const AES_KEY = fromHex('a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f91');
/** The private scalar of the PKCS#12 key, read back from openssl's key file when the templates are built. */
let importedScalar: Uint8Array = new Uint8Array(0);
/** Prime (2^64 - 59) and coefficient of the 2-of-3 split, fixed so the printouts are known. */
const SPLIT = splitPassword(THRESHOLD_PASSWORD, 2, 3, { prime: 0xffffffffffffffc5n, coefficients: [0x3b9aca07d2f1e5c3n] });

/** The printout lines of shares 1 and 2 (what custodians type). */
export const THRESHOLD_SHARES = SPLIT.shares.slice(0, 2).map((s) => ({ id: formatShareId(s.id), value: formatColonHex(s.value) }));
export const THRESHOLD_PRIME = formatColonHex(SPLIT.prime);

export interface AuditSecret {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Every secret, as the bytes searched for in every encoding (test/helpers/secrets.ts). */
export const SECRETS: readonly AuditSecret[] = [
  { name: 'user PIN', bytes: ascii(USER_PIN) },
  { name: 'new user PIN', bytes: ascii(NEW_PIN) },
  { name: 'SO-PIN', bytes: fromHex(SO_PIN) },
  { name: 'new SO-PIN', bytes: fromHex(NEW_SO_PIN) },
  { name: 'new share password', bytes: ascii(NEW_SHARE_PASSWORD) },
  { name: 'peer share password', bytes: ascii(PEER_PASSWORD) },
  { name: 'peer DKEK share', bytes: PEER_SHARE },
  { name: 'threshold DKEK share', bytes: THRESHOLD_SHARE },
  { name: 'threshold password', bytes: THRESHOLD_PASSWORD },
  ...SPLIT.shares.flatMap((s, i) => [
    { name: `threshold share ${i + 1} value (as typed)`, bytes: ascii(formatColonHex(s.value)) },
    { name: `threshold share ${i + 1} value`, bytes: bigintToBytes(s.value, 8) },
  ]),
  { name: 'PKCS#12 password', bytes: ascii(P12_PASSWORD) },
  { name: 'key-encryption key', bytes: KEK },
  { name: 'imported AES key', bytes: AES_KEY },
];

/** Secrets only known once the templates exist: the private scalar of the PKCS#12 key. */
export function lateSecrets(): readonly AuditSecret[] {
  return importedScalar.length === 0 ? [] : [{ name: 'imported EC private key', bytes: importedScalar }];
}

/** Simulated cards the runs start from (state files, copied into each run). */
export type CardName = 'fresh' | 'pending' | 'ready' | 'target' | 'session' | 'transport' | 'domains' | 'pka';

export interface Templates {
  readonly dir: string;
  /** State file of each card. */
  readonly cards: Readonly<Record<CardName, string>>;
  /** Input files: the peer share, the threshold share file and its printouts, a wrapped key, a message. */
  readonly files: Readonly<Record<string, string>>;
}

async function card(file: string, build: (card: SmartCardHsm) => Promise<void>): Promise<void> {
  const sim = new SmartCardHsmSimulator();
  const c = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await build(c);
  await c.close();
  await saveSimulator(sim, file);
}

async function init(c: SmartCardHsm, dkekShares: number, options: number = OPTION.RESET_RETRY_COUNTER_ENABLED): Promise<void> {
  await initializeDevice(c, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, retryCounter: 5, dkekShares, options });
}

/** Build the templates into `dir` (one 10M-round derivation: the threshold share file). */
export async function buildTemplates(dir: string): Promise<Templates> {
  const at = (name: string): string => path.join(dir, name);
  const wrapped: Uint8Array[] = [];
  const pkaFiles: Uint8Array[] = [];
  await card(at('fresh.json'), async () => undefined);
  await card(at('pending.json'), (c) => init(c, 1));
  await card(at('transport.json'), (c) => init(c, 0, OPTION.RESET_RETRY_COUNTER_ENABLED | OPTION.TRANSPORT_PIN));
  // three key domains: domain 0 complete (the peer share), domain 1 created for one share, domain 2 free
  await card(at('domains.json'), async (c) => {
    await initializeDevice(c, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, retryCounter: 5, dkekShares: 1, keyDomains: 3 });
    await importDkekShare(c, PEER_SHARE);
    await verifyPin(c, { pin: USER_PIN });
    await createDkekKeyDomain(c, 1, 1);
  });
  await card(at('session.json'), (c) => init(c, 0, OPTION.RESET_RETRY_COUNTER_ENABLED | OPTION.SESSION_PIN));
  for (const name of ['ready.json', 'target.json'] as const)
    await card(at(name), async (c) => {
      await init(c, 1);
      await importDkekShare(c, PEER_SHARE);
      if (name === 'target.json') return;
      await verifyPin(c, { pin: USER_PIN });
      await generateKey(c, { type: 'ec:prime256v1', ref: 1, label: 'audit' });
      wrapped.push(buildWrappedKeyFile(await exportWrappedKey(c, 1)));
      pkaFiles.push((await exportPkaFile(c, 1, 'old')).bytes);
    });
  // a device under public key authentication (1 of 1) with the ready card's key 1 registered
  await card(at('pka.json'), async (c) => {
    await initializeDevice(c, {
      confirm: true,
      soPin: SO_PIN,
      userPin: USER_PIN,
      retryCounter: 5,
      publicKeyAuth: { total: 1, required: 1 },
    });
    await registerPkaFile(c, pkaFiles[0] ?? new Uint8Array(0));
  });
  copyFileSync(PEER_FILE, at('peer.pbe'));
  writeFileSync(at('threshold.pbe'), encryptDkekShareSync(THRESHOLD_SHARE, THRESHOLD_PASSWORD), { mode: 0o600 });
  const printouts = THRESHOLD_SHARES.map((s) => `Prime       : ${THRESHOLD_PRIME}\nShare ID    : ${s.id}\nShare value : ${s.value}\n`);
  writeFileSync(at('shares.txt'), printouts.join('\n'), { mode: 0o600 });
  writeFileSync(at('key1.wrapped'), wrapped[0] ?? new Uint8Array(0), { mode: 0o600 });
  writeFileSync(at('msg.txt'), 'a message to sign\n');
  // The PKCS#12 file: made by openssl (an independent tool), its bare key file removed afterwards.
  const keyPem = at('p12-key.pem');
  execFileSync('openssl', ['ecparam', '-genkey', '-name', 'prime256v1', '-noout', '-out', keyPem]);
  execFileSync('openssl', ['req', '-x509', '-new', '-key', keyPem, '-subj', '/CN=audit import', '-days', '30', '-out', at('p12-cert.pem')]);
  execFileSync('openssl', [
    'pkcs12',
    '-export',
    '-inkey',
    keyPem,
    '-in',
    at('p12-cert.pem'),
    '-name',
    'audit-import',
    '-passout',
    `pass:${P12_PASSWORD}`,
    '-out',
    at('signer.p12'),
  ]);
  const jwk = createPrivateKey(readFileSync(keyPem)).export({ format: 'jwk' });
  importedScalar = new Uint8Array(Buffer.from(jwk.d ?? '', 'base64url'));
  writeFileSync(keyPem, '');
  writeFileSync(at('kek.bin'), KEK, { mode: 0o600 });
  const wrap = createCipheriv('id-aes256-wrap', KEK, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'));
  writeFileSync(at('aes.wrapped'), Buffer.concat([wrap.update(AES_KEY), wrap.final()]), { mode: 0o600 });
  return {
    dir,
    cards: {
      fresh: at('fresh.json'),
      pending: at('pending.json'),
      ready: at('ready.json'),
      target: at('target.json'),
      session: at('session.json'),
      transport: at('transport.json'),
      domains: at('domains.json'),
      pka: at('pka.json'),
    },
    files: {
      'peer.pbe': at('peer.pbe'),
      'threshold.pbe': at('threshold.pbe'),
      'shares.txt': at('shares.txt'),
      'key1.wrapped': at('key1.wrapped'),
      'msg.txt': at('msg.txt'),
      'signer.p12': at('signer.p12'),
      'kek.bin': at('kek.bin'),
      'aes.wrapped': at('aes.wrapped'),
    },
  };
}
