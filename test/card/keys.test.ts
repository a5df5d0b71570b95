// listKeys / deleteKey / exportPublicKey over a strict script: our APDUs (CardContact-style reads with
// the FID in P1P2), answered with the EF contents of the peer card (peer trace 16-list-objects).
import test from 'ava';
import { apdu, hex } from '../helpers/apdu.ts';
import { cardWithScript } from '../helpers/card-script.ts';
import { listKeys, deleteKey, exportPublicKey, freeKeyReference } from '../../src/card/keys.ts';
import { parseKeyType } from '../../src/card/generate-key.ts';
import { FileNotFoundError, KeyNotFoundError } from '../../src/card/errors.ts';
import { InvalidArgumentError, NoFreeKeyReferenceError } from '../../src/card/host-errors.ts';
import { EF_C401, EF_C402, EF_CE01, EF_CE02 } from './peer-trace-data.ts';

/** READ BINARY of a whole small EF with the default 1024-byte chunk: 00 B1 <FID> 00 00 04 54 02 00 00 04 00 (case 4E). */
const read = (fid: string) => apdu`00 B1 ${fid} | 00 00 04 | 54 02 00 00 | 04 00`;
const ok = (h: string) => hex(`${h}9000`);

test('listKeys on the peer card: PRKDs written by OpenSC, public keys from the CV requests', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('80580000000000'), hex('C400CC00CC02CC01C402C4019000')],
    [read('C401'), ok(EF_C401)],
    [read('CE01'), ok(EF_CE01)],
    [read('C402'), ok(EF_C402)],
    [read('CE02'), ok(EF_CE02)],
  ]);
  const keys = await listKeys(card);
  t.is(keys.length, 2, 'CC00, the device key, is not listed');
  t.like(keys[0], { ref: 1, kind: 'rsa', label: 'rsa2048-10', size: 2048, curve: undefined, certificate: 'cv-request' });
  t.deepEqual(keys[0]?.id, hex('10'));
  t.deepEqual(keys[0]?.usage, ['decrypt', 'sign', 'signRecover']);
  t.like(keys[1], { ref: 2, kind: 'ec', label: 'ec256-11', size: 256, curve: 'prime256v1', certificate: 'cv-request' });
  t.is(keys[1]?.publicKey?.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  tr.assertConsumed();
});

test('listKeys tolerates a key without PRKD and without CExx (6A82)', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('80580000000000'), hex('CC079000')],
    [read('C407'), hex('6A82')],
    [read('CE07'), hex('6A82')],
  ]);
  t.like((await listKeys(card))[0], { ref: 7, kind: 'unknown', label: undefined, publicKey: undefined, certificate: undefined });
  tr.assertConsumed();
});

test('deleteKey deletes CCxx, C4xx, CExx and reports what existed; nothing at all is KeyNotFoundError', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00E4020002CC02'), hex('9000')],
    [hex('00E4020002C402'), hex('9000')],
    [hex('00E4020002CE02'), hex('6A82')],
    [hex('00E4020002CC09'), hex('6A82')],
    [hex('00E4020002C409'), hex('6A82')],
    [hex('00E4020002CE09'), hex('6A82')],
  ]);
  t.deepEqual(await deleteKey(card, 2), [0xcc02, 0xc402]);
  const err = await t.throwsAsync(deleteKey(card, 9), { instanceOf: KeyNotFoundError });
  t.is(err?.sw, 0x6a82);
  tr.assertConsumed();
});

test('exportPublicKey reads CExx; a missing CExx is KeyNotFoundError when the key is missing too, else FileNotFoundError naming the file', async (t) => {
  const { card, tr } = await cardWithScript([
    [read('CE02'), ok(EF_CE02)],
    [read('CE03'), hex('6A82')],
    [hex('80580000000000'), hex('CC00CC02CC039000')], // ENUMERATE: key 3 exists (an AES key has no CExx)
    [read('CE4D'), hex('6A82')],
    [hex('80580000000000'), hex('CC00CC02CC039000')], // no key 77 (0x4D)
  ]);
  t.is((await exportPublicKey(card, 2)).asymmetricKeyType, 'ec');
  const err = await t.throwsAsync(exportPublicKey(card, 3), { instanceOf: FileNotFoundError });
  t.is(err?.fid, 0xce03);
  const missing = await t.throwsAsync(exportPublicKey(card, 77), { instanceOf: KeyNotFoundError });
  t.is(missing?.ref, 77);
  t.is(missing?.sw, 0x6a82);
  t.regex(missing?.message ?? '', /^export the public key of key 77: no key with reference 77 \(SW=6A82\)$/);
  tr.assertConsumed();
});

test('free key reference: lowest unused from 1; all used is NoFreeKeyReferenceError', (t) => {
  t.is(freeKeyReference([]), 1);
  t.is(freeKeyReference([1, 2, 4]), 3);
  t.throws(() => freeKeyReference(Array.from({ length: 255 }, (_, i) => i + 1)), { instanceOf: NoFreeKeyReferenceError });
});

test('key type strings', (t) => {
  t.deepEqual(parseKeyType('rsa:2048'), { kind: 'rsa', bits: 2048 });
  t.deepEqual(parseKeyType('EC:P-384'), { kind: 'ec', curve: 'secp384r1' });
  t.deepEqual(parseKeyType('ec:brainpoolP512r1'), { kind: 'ec', curve: 'brainpoolP512r1' });
  t.deepEqual(parseKeyType('aes:128'), { kind: 'aes', bits: 128 });
  for (const bad of ['rsa:1000', 'ec:P-192', 'aes:512', 'dsa:1024', ''])
    t.throws(() => parseKeyType(bad), { instanceOf: InvalidArgumentError }, bad);
});
