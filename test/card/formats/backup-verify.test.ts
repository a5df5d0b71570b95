import test from 'ava';
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromHex, toHex } from '../../../src/apdu/hex.ts';
import { buildWrappedKeyFile, encodeKeyBlob, verifyBackup } from '../../../src/card/formats/index.ts';
// The simulator is used ONLY here, as an independent producer of blobs and CV requests.
import { createSimulatorTransport } from '../../../src/sim/index.ts';
import { decodeKeyBlob as simDecodeKeyBlob, encodeKeyBlob as simEncodeKeyBlob } from '../../../src/sim/crypto/key-blob.ts';
import { encodeKeyMaterial } from '../../../src/sim/crypto/key-components.ts';
import type { KeyRecord } from '../../../src/sim/types.ts';
import { ecFixture } from './key-fixtures.ts';
import { GAKP_EC_P256_TEXT } from '../../helpers/vectors.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const PEER_SHARE = bytes('2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35');
const ZERO_DKEK = new Uint8Array(32);
// PRKD shaped like §5.3: label "btc-test", iD 01..14, key reference 1.
const PRKD = bytes(`a03f 3011 0c08 6274632d74657374 030206c0 040101
  301e 0414 0102030405060708090a0b0c0d0e0f1011121314 0303073080 020101
  a10a 3008 30020400 02020100`);

/** §11.1/§11.2 APDUs: initialise with one DKEK share, import the peer share, log in, GAKP EC P-256 key 1, WRAP, read CE01. */
async function simulatorExport(): Promise<{ blob: Uint8Array; request: Uint8Array }> {
  const card = await createSimulatorTransport();
  const send = async (apdu: string): Promise<Uint8Array> => {
    const r = await card.transmit(fromHex(apdu));
    const sw = toHex(r.subarray(r.length - 2));
    if (sw !== '9000') throw new Error(`${apdu.slice(0, 12)}… answered ${sw}`);
    return r.slice(0, r.length - 2);
  };
  const select = '00A404000BE82B0601040181C31F020100';
  await send(select);
  await send('805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101');
  await send(select);
  await send(`8052000020 ${hex(PEER_SHARE)}`);
  await send('0020008106363438323139');
  await send(`00460100000100 ${GAKP_EC_P256_TEXT} 0000`);
  const blob = await send('80720192000000');
  const request = await send('00B1CE010000045402000000 00');
  return { blob, request };
}

test('simulator export (GAKP, WRAP KEY, EF CE01) verifies with the peer share, CV request matches the key', async (t) => {
  const { blob, request } = await simulatorExport();
  const file = buildWrappedKeyFile({ blob, prkd: PRKD, certificate: request });
  const r = verifyBackup({ file, shares: [PEER_SHARE] });
  t.like(r, { container: 'wrapped-key-file', blobKcv: '6C609824B9CA28EB', dkekKcv: '6C609824B9CA28EB', kcvMatches: true, macValid: true });
  t.like(r, { keyType: 12, typeName: 'EC', verified: true, warnings: [] });
  t.like(r.key, { kind: 'ec', bits: 256, keySizeField: 256, consistent: true });
  t.is(r.key?.curve?.name, 'prime256v1');
  t.regex(r.key?.fingerprint ?? '', /^[0-9a-f]{64}$/);
  t.deepEqual(r.prkd, { kind: 'ec', label: 'btc-test', id: fromHex('0102030405060708090A0B0C0D0E0F1011121314'), ref: 1 });
  t.like(r.certificate, { kind: 'cv-request', subject: 'DENK010570200001', matchesKey: true, fingerprint: r.key?.fingerprint });

  const wrongShare = verifyBackup({ file, shares: [new Uint8Array(32)] });
  t.like(wrongShare, {
    blobKcv: '6C609824B9CA28EB',
    dkekKcv: '66687AADF862BD77',
    kcvMatches: false,
    macValid: undefined,
    key: undefined,
    verified: false,
  });

  const tampered = blob.slice();
  tampered[100] = (tampered[100] ?? 0) ^ 0x40;
  const bad = verifyBackup({ file: buildWrappedKeyFile({ blob: tampered, prkd: PRKD, certificate: request }), dkek: PEER_SHARE });
  t.like(bad, { kcvMatches: true, macValid: false, key: undefined, verified: false });
  t.is(bad.certificate?.matchesKey, undefined);
});

test('bare blobs from the simulator encoder: RSA-2048 (CRT) and AES-256 under the peer DKEK', (t) => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const records: Array<[KeyRecord, string | undefined]> = [
    [
      { kind: 'rsa', material: new Uint8Array(rsa.privateKey.export({ format: 'der', type: 'pkcs8' })), bits: 2048 },
      createHash('sha256')
        .update(rsa.publicKey.export({ format: 'der', type: 'spki' }))
        .digest('hex'),
    ],
    [{ kind: 'aes', material: new Uint8Array(randomBytes(32)), bits: 256 }, undefined],
  ];
  for (const [record, fingerprint] of records) {
    const m = encodeKeyMaterial(record);
    const blob = simEncodeKeyBlob(
      PEER_SHARE,
      { ...m, allowedAlgorithms: Uint8Array.of(0x10), accessConditions: new Uint8Array(0), keyOid: new Uint8Array(0) },
      new Uint8Array(8),
    );
    const r = verifyBackup({ file: blob, dkek: PEER_SHARE });
    t.like(r, { container: 'key-blob', kcvMatches: true, macValid: true, verified: true, prkd: undefined, certificate: undefined });
    t.like(r.key, { kind: record.kind, bits: record.bits, fingerprint, consistent: true });
    t.deepEqual(r.key?.allowedAlgorithms, ['10 AES-CBC encrypt']);
  }
});

test('the simulator decoder accepts blobs from our encoder (EC P-384)', (t) => {
  const f = ecFixture('secp384r1');
  const blob = encodeKeyBlob(f.key, PEER_SHARE, { random: bytes('0001020304050607') });
  const sim = simDecodeKeyBlob(PEER_SHARE, blob);
  if (sim.kind !== 'ok') return t.fail(`simulator rejected the blob: ${sim.detail}`);
  t.is(sim.content.type, 12);
  t.is(hex(sim.content.keyData.subarray(0, 2)), '0180'); // 48 bytes × 8 = 384
  t.is(hex(sim.content.keyData.subarray(2, 4)), '0030'); // a has 48 bytes
});

test('without shares only the structure and the needed KCV are reported', (t) => {
  const blob = encodeKeyBlob({ kind: 'aes', key: new Uint8Array(16) }, ZERO_DKEK);
  const r = verifyBackup({ file: buildWrappedKeyFile({ blob, prkd: PRKD, certificate: undefined }) });
  t.like(r, {
    blobKcv: '66687AADF862BD77',
    dkekKcv: undefined,
    kcvMatches: undefined,
    macValid: undefined,
    key: undefined,
    typeName: 'AES',
    verified: false,
  });
  t.is(r.prkd?.label, 'btc-test');
});

test('shares are XORed before the KCV comparison', (t) => {
  const a = new Uint8Array(randomBytes(32));
  const b = PEER_SHARE.map((x, i) => x ^ (a[i] ?? 0));
  const blob = encodeKeyBlob({ kind: 'aes', key: new Uint8Array(16) }, PEER_SHARE);
  t.like(verifyBackup({ file: blob, shares: [a, b] }), { dkekKcv: '6C609824B9CA28EB', kcvMatches: true, verified: true });
  t.like(verifyBackup({ file: blob, shares: [a] }), { kcvMatches: false, verified: false });
});

test('an X.509 certificate in the file is compared with the key (openssl makes the certificate)', (t) => {
  const f = ecFixture('prime256v1');
  const other = ecFixture('prime256v1');
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-cert-'));
  try {
    const certFor = (fixture: typeof f): Uint8Array | undefined => {
      const sec1 = Buffer.concat([
        Buffer.from('3077020101', 'hex'),
        Buffer.from('0420', 'hex'),
        fixture.key.d,
        Buffer.from('a00a06082a8648ce3d030107a144034200', 'hex'),
        fixture.key.publicPoint,
      ]);
      const keyFile = path.join(dir, 'key.der');
      writeFileSync(keyFile, sec1);
      try {
        execFileSync(
          'openssl',
          [
            'req',
            '-new',
            '-x509',
            '-keyform',
            'DER',
            '-key',
            keyFile,
            '-subj',
            '/CN=schsm test',
            '-days',
            '1',
            '-outform',
            'DER',
            '-out',
            path.join(dir, 'cert.der'),
          ],
          { stdio: 'ignore' },
        );
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || process.env.CI !== undefined) throw err;
        return undefined;
      }
      return new Uint8Array(readFileSync(path.join(dir, 'cert.der')));
    };
    const own = certFor(f);
    const foreign = certFor(other);
    if (own === undefined || foreign === undefined) {
      t.log('SKIPPED: openssl is not installed');
      console.warn('SKIPPED X.509 backup-verify check: openssl is not installed');
      return t.pass();
    }
    const blob = encodeKeyBlob(f.key, ZERO_DKEK);
    const good = verifyBackup({ file: buildWrappedKeyFile({ blob, prkd: PRKD, certificate: own }), dkek: ZERO_DKEK });
    t.like(good.certificate, { kind: 'x509', subject: 'CN=schsm test', matchesKey: true, fingerprint: f.fingerprint });
    t.true(good.verified);
    const mismatch = verifyBackup({ file: buildWrappedKeyFile({ blob, prkd: PRKD, certificate: foreign }), dkek: ZERO_DKEK });
    t.like(mismatch.certificate, { kind: 'x509', matchesKey: false, fingerprint: other.fingerprint });
    t.false(mismatch.verified);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
