// GENERATE ASYMMETRIC KEY PAIR: command data exactly as §11.2 writes it; answers from the peer traces.
import test from 'ava';
import { apdu, hex } from '../helpers/apdu.ts';
import { cardWithScript } from '../helpers/card-script.ts';
import { GAKP_EC_P256_TEXT, GAKP_RSA_2048_TEXT } from '../helpers/vectors.ts';
import { generateAsymmetricKeyPair } from '../../src/card/commands/generate-asymmetric-key-pair.ts';
import { encodeGakpData, type RsaBits } from '../../src/card/gakp-data.ts';
import type { CurveName } from '../../src/card/curves.ts';
import { InvalidArgumentError } from '../../src/card/host-errors.ts';
import { EF_CE01, EF_CE02 } from './peer-trace-data.ts';

// §11.2, EC secp256r1, CHR DENK010570200001, CAR UTCA00001 (256 bytes)
const EC_P256_BODY = hex(GAKP_EC_P256_TEXT);
// §11.2, RSA-2048 (58 bytes)
const RSA_2048_BODY = hex(GAKP_RSA_2048_TEXT);

test('EC P-256 GAKP: 00 46 01 00 00 01 00 <§11.2 body> 00 00; public key from the 67 answer', async (t) => {
  t.is(EC_P256_BODY.length, 256);
  const { card, tr } = await cardWithScript([[apdu`00 46 01 00 | 00 01 00 | ${EC_P256_BODY} | 00 00`, hex(`${EF_CE02}9000`)]]);
  const kp = await generateAsymmetricKeyPair(card, { ref: 1, key: { kind: 'ec', curve: 'P-256' }, chr: 'DENK010570200001' });
  t.is(kp.publicKey.asymmetricKeyType, 'ec');
  t.is(kp.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  t.is(kp.request.request.body.chr, 'ESPICOHSMTR00001');
  tr.assertConsumed();
});

test('RSA-2048 GAKP: 00 46 02 00 00 00 3A <§11.2 body> 00 00 (as in peer trace 14)', async (t) => {
  const { card, tr } = await cardWithScript([[apdu`00 46 02 00 | 00 00 3A | ${RSA_2048_BODY} | 00 00`, hex(`${EF_CE01}9000`)]]);
  const kp = await generateAsymmetricKeyPair(card, { ref: 2, key: { kind: 'rsa', bits: 2048 }, chr: 'DENK010570200001' });
  t.is(kp.publicKey.asymmetricKeyType, 'rsa');
  t.is(kp.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  tr.assertConsumed();
});

test('optional tags 90 / 91 / 92 follow 5F20 (§3.11)', (t) => {
  const data = encodeGakpData({
    key: { kind: 'rsa', bits: 2048 },
    chr: 'DENK010570200001',
    keyUseCounter: 100,
    algorithms: [0x31, 0x92],
    keyDomain: 0,
  });
  t.deepEqual(data, new Uint8Array([...RSA_2048_BODY, ...hex('9004 00000064 9102 3192 920100')]));
});

test('every supported curve encodes explicit parameters whose field elements have the field length', (t) => {
  for (const [curve, bytes] of [
    ['prime256v1', 32],
    ['secp384r1', 48],
    ['secp521r1', 66],
    ['brainpoolP256r1', 32],
    ['brainpoolP384r1', 48],
    ['brainpoolP512r1', 64],
    ['secp256k1', 32],
  ] as const) {
    const data = encodeGakpData({ key: { kind: 'ec', curve }, chr: 'X' });
    // 5F29 01 00 | 42 09 "UTCA00001" | 7F49 L… | 06 0A <oid> | 81 <len> p
    const i = data.indexOf(0x81, 4 + 11 + 3 + 12);
    t.is(data[i + 1] === 0x81 ? data[i + 2] : data[i + 1], bytes, curve);
  }
});

test('GAKP input checks: key reference 1..255, RSA sizes, curve names', async (t) => {
  const { card, tr } = await cardWithScript([]);
  await t.throwsAsync(generateAsymmetricKeyPair(card, { ref: 0, key: { kind: 'rsa', bits: 2048 }, chr: 'X' }), {
    instanceOf: InvalidArgumentError,
  });
  // JavaScript callers, or values cast from text, still meet the run-time check
  await t.throwsAsync(generateAsymmetricKeyPair(card, { ref: 1, key: { kind: 'rsa', bits: 1000 as RsaBits }, chr: 'X' }), {
    instanceOf: InvalidArgumentError,
  });
  await t.throwsAsync(generateAsymmetricKeyPair(card, { ref: 1, key: { kind: 'ec', curve: 'P-192' as CurveName }, chr: 'X' }), {
    instanceOf: InvalidArgumentError,
  });
  tr.assertConsumed();
});
