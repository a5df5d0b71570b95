// Issue 13 item 8: a signer for a key on the card, usable where Node expects a key. Every signature is
// checked by node:crypto (OpenSSL), never by schsm's own code; the JWS is checked through a public key
// rebuilt from its JWK, as a JOSE verifier would. `await using` closes sessions and transports.
import test from 'ava';
import { createPublicKey, verify } from 'node:crypto';
import { openTransport } from '../../src/open/index.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { verifyPin } from '../../src/card/commands/verify-pin.ts';
import { generateKey } from '../../src/card/generate-key.ts';
import { createSigner } from '../../src/card/signer.ts';
import { InvalidArgumentError } from '../../src/card/host-errors.ts';
import { SmartCardHsmSimulator } from '../../src/sim/sc-hsm.ts';
import { cardTransport } from '../../src/sim/card-transport.ts';
import { requirePcscd, withVirtualCard } from '../helpers/vpcd.ts';

const SO_PIN = '3537363231383830';
const PIN = '648219';
const data = new TextEncoder().encode('the quick brown fox signs with a card');

async function readyCard(card: SmartCardHsm): Promise<void> {
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: PIN });
  await verifyPin(card, { pin: PIN });
}

test('EC and RSA signers: named algorithms, signatures node:crypto verifies', async (t) => {
  await using card = await SmartCardHsm.open(await openTransport('sim'));
  await readyCard(card);
  const cases = [
    { type: 'ec:prime256v1', hash: 'sha256', jws: 'ES256', mech: 'ECDSA-SHA256' },
    { type: 'ec:secp384r1', hash: 'sha384', jws: 'ES384', mech: 'ECDSA-SHA384' },
    { type: 'ec:brainpoolP256r1', hash: 'sha256', jws: undefined, mech: 'ECDSA-SHA256' },
    { type: 'rsa:2048', hash: 'sha256', jws: 'RS256', mech: 'SHA256-RSA-PKCS' },
  ] as const;
  for (const c of cases) {
    const { ref } = await generateKey(card, { type: c.type });
    const signer = await createSigner(card, ref);
    t.is(signer.ref, ref);
    t.is(signer.hash, c.hash, c.type);
    t.is(signer.jwsAlgorithm, c.jws, c.type);
    t.is(signer.mechanism.name, c.mech, c.type);
    t.is(signer.keyType, c.type.startsWith('ec') ? 'ec' : 'rsa');
    t.is(String(signer.publicKey.asymmetricKeyType), signer.keyType);
    const signature = await signer.sign(data);
    t.true(verify(signer.hash, data, signer.publicKey, signature), `${c.type}: crypto.verify with the bare KeyObject`);
    t.true(verify(signer.hash, data, signer.verifyKey, signature), `${c.type}: crypto.verify with verifyKey`);
    t.false(verify(signer.hash, Buffer.from('another message'), signer.publicKey, signature));
  }
  const rsa = await generateKey(card, { type: 'rsa:2048' });
  const pss = await createSigner(card, rsa.ref, { padding: 'pss', hash: 'sha384' });
  t.is(pss.jwsAlgorithm, 'PS384');
  t.is(pss.mechanism.name, 'RSA-PSS-SHA384');
  t.true(verify('sha384', data, pss.verifyKey, await pss.sign(data)), 'PSS, salt = hash length');
  await t.throwsAsync(() => createSigner(card, rsa.ref, { dsaEncoding: 'ieee-p1363' }), { instanceOf: InvalidArgumentError });
});

test('a compact JWS signed on the card (ES256, r‖s) verifies against the JWK of its key', async (t) => {
  await using card = await SmartCardHsm.open(cardTransport(new SmartCardHsmSimulator()));
  await readyCard(card);
  const { ref } = await generateKey(card, { type: 'ec:P-256' });
  const signer = await createSigner(card, ref, { dsaEncoding: 'ieee-p1363' });
  const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64url');
  const input = `${b64(JSON.stringify({ alg: signer.jwsAlgorithm, typ: 'JWT' }))}.${b64(JSON.stringify({ sub: 'card' }))}`;
  const signature = await signer.sign(new TextEncoder().encode(input));
  t.is(signature.length, 64, 'r‖s, 32 bytes each (RFC 7518 §3.4)');
  const jwk = createPublicKey({ key: signer.publicKey.export({ format: 'jwk' }), format: 'jwk' });
  t.true(verify('sha256', Buffer.from(input), { key: jwk, dsaEncoding: 'ieee-p1363' }, signature));
});

test('the signer through pcscd + vpcd; await using releases the reader', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(new SmartCardHsmSimulator(), async (reader) => {
    {
      await using card = await SmartCardHsm.open(await openTransport(reader.readerName));
      await readyCard(card);
      const signer = await createSigner(card, (await generateKey(card, { type: 'ec:secp521r1' })).ref, { dsaEncoding: 'ieee-p1363' });
      t.is(signer.jwsAlgorithm, 'ES512');
      const signature = await signer.sign(data);
      t.is(signature.length, 132);
      t.true(verify('sha512', data, { key: signer.publicKey, dsaEncoding: 'ieee-p1363' }, signature));
    }
    // disposed: the reader can be taken EXCLUSIVE again at once
    await using again = await openTransport(reader.readerName, { exclusive: true });
    t.is(again.name, reader.readerName);
  });
});
