// Issue 13 item 4: one name and one form per concept in the library: the key reference is `ref`
// (deprecated `keyRef` still read), key IDs are bytes, KCVs 16 upper-case hex digits in results,
// fingerprints take the DER or the KeyObject the library returns.
import test from 'ava';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { hex } from '../helpers/apdu.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import {
  SmartCardHsm,
  initializeDevice,
  importDkekShare,
  verifyPin,
  generateKey,
  listKeys,
  exportPublicKey,
  spkiFingerprint,
  spkiDer,
  KeyNotFoundError,
  deleteKey,
} from '../../src/index.ts';
import { summarizePrkd, parsePrkd, readFile } from '../../src/apdu-entry.ts';

const SHARE = hex('2C985A6791C0FCD6A3357CDE8D56B46ED82B0DBF58FB87D1E7E5340EAC83BF35');

test('spkiFingerprint takes the DER or the KeyObject: the same SHA-256, lower-case hex', (t) => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const expected = createHash('sha256').update(der).digest('hex');
  t.is(spkiFingerprint(publicKey), expected);
  t.is(spkiFingerprint(new Uint8Array(der)), expected);
  t.is(spkiFingerprint(spkiDer(publicKey)), expected);
  t.regex(expected, /^[0-9a-f]{64}$/);
});

test('ref everywhere: generateKey({ ref }), KeyInfo.ref, the PRKD and its summary, KeyNotFoundError.ref; ids are bytes; the KCV is upper-case hex', async (t) => {
  const card = await SmartCardHsm.open(await createSimulatorTransport());
  await initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '648219', dkekShares: 1 });
  const share = await importDkekShare(card, SHARE);
  t.is(share.kcv, '6C609824B9CA28EB', 'the KCV of this share (traces README), 16 upper-case hex digits');
  await verifyPin(card, { pin: '648219' });
  const key = await generateKey(card, { type: 'ec:P-256', ref: 5, id: hex('0A0B') });
  t.is(key.ref, 5);
  const old = await generateKey(card, { type: 'ec:P-256', keyRef: 6 }); // deprecated name still read
  t.is(old.ref, 6);
  const [info] = await listKeys(card);
  t.is(info?.ref, 5);
  t.deepEqual(info?.id, hex('0A0B'));
  const prkd = await readFile(card, 0xc405);
  t.is(parsePrkd(prkd).ref, 5);
  const summary = summarizePrkd(prkd);
  t.is(summary.ref, 5);
  t.deepEqual(summary.id, hex('0A0B'), 'bytes, as KeyInfo.id');
  t.is(spkiFingerprint(await exportPublicKey(card, 5)), spkiFingerprint(key.publicKey as NonNullable<typeof key.publicKey>));
  const e = await t.throwsAsync(deleteKey(card, 9), { instanceOf: KeyNotFoundError });
  t.is(e?.ref, 9);
  t.is(e?.keyRef, 9, 'deprecated alias');
  await card.close();
});
