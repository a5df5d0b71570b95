import test from 'ava';
import { constants, createECDH, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { decipher } from '../../src/sim/handlers/decipher.ts';
import { call, ecKey, hex, makeContext, rsaKey, unhex } from './crypto-fixtures.ts';

// DECIPHER: 80 62 KeyId Algo | Lc(3) data | Le(2) (§3.14). Cryptograms come from node's publicEncrypt;
// ECDH results are checked against node's ECDH.

const rsa = rsaKey(2048);
const p256 = ecKey('prime256v1', 256);
const bp256 = ecKey('brainpoolP256r1', 256);
// Group orders (SEC 2 / RFC 5639), to compute the expected shared point d·(e·G) = (d·e mod n)·G with node.
const ORDER = {
  prime256v1: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  brainpoolP256r1: 'a9fb57dba1eea9bc3e660a909d838d718c397aa3b561a6f7901e0e82974856a7',
} as const;

function ctx() {
  const c = makeContext();
  c.state.keys.set(1, rsa.record);
  c.state.keys.set(2, p256.record);
  c.state.keys.set(3, bp256.record);
  return c;
}
const DEC = (key: number, algo: number) => [0x80, 0x62, key, algo] as const;
const SECRET = new TextEncoder().encode('a 32-byte session key, honestly.');

test('21 RSA raw decrypt returns the full 256-byte block', async (t) => {
  const block = new Uint8Array(256);
  block.set(randomBytes(255), 1);
  const c = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_NO_PADDING }, block);
  const r = await call(decipher, ctx(), DEC(1, 0x21), c);
  t.is(r.sw, 0x9000);
  t.is(hex(r.data), hex(block));
});

test('22 RSA PKCS#1 v1.5 decrypt removes the padding', async (t) => {
  const c = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, SECRET);
  const r = await call(decipher, ctx(), DEC(1, 0x22), c);
  t.is(r.sw, 0x9000);
  t.is(hex(r.data), hex(SECRET));
});

test('23 RSA OAEP (SHA-256, MGF1-SHA-256) decrypt', async (t) => {
  const c = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, SECRET);
  const r = await call(decipher, ctx(), DEC(1, 0x23), c);
  t.is(r.sw, 0x9000);
  t.is(hex(r.data), hex(SECRET));
});

test('22/23 with a cryptogram of the other padding → 6A80; wrong length → 6700', async (t) => {
  // About 1 OAEP cryptogram in 400 decrypts to a block that IS valid PKCS#1 v1.5 (00 02, eight non-zero
  // bytes, a 00 later), and a real card accepts it too: take one whose block has no 02 in byte 1.
  let oaep: Buffer;
  do oaep = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, SECRET);
  while (privateDecrypt({ key: rsa.privateKey, padding: constants.RSA_NO_PADDING }, oaep)[1] === 0x02);
  const v15 = publicEncrypt({ key: rsa.publicKey, padding: constants.RSA_PKCS1_PADDING }, SECRET);
  t.is((await call(decipher, ctx(), DEC(1, 0x22), oaep)).sw, 0x6a80);
  t.is((await call(decipher, ctx(), DEC(1, 0x23), v15)).sw, 0x6a80);
  t.is((await call(decipher, ctx(), DEC(1, 0x21), v15.subarray(1))).sw, 0x6700);
});

function expectedPoint(curve: keyof typeof ORDER, ownPrivate: Uint8Array, peerPrivate: Uint8Array): string {
  const n = BigInt(`0x${ORDER[curve]}`);
  const product = (BigInt(`0x${hex(ownPrivate)}`) * BigInt(`0x${hex(peerPrivate)}`)) % n;
  const e = createECDH(curve);
  e.setPrivateKey(unhex(product.toString(16).padStart(64, '0')));
  return hex(e.getPublicKey());
}

for (const [id, key, curve] of [
  [2, p256, 'prime256v1'],
  [3, bp256, 'brainpoolP256r1'],
] as const) {
  test(`80 ECDH on ${curve}: answer 04‖X‖Y, X = node's ECDH secret, whole point = (d·e)·G`, async (t) => {
    const peer = createECDH(curve);
    peer.generateKeys();
    const r = await call(decipher, ctx(), DEC(id, 0x80), peer.getPublicKey());
    t.is(r.sw, 0x9000);
    t.is(r.data.length, 65);
    t.is(r.data[0], 0x04);
    const own = ownScalar(key.record.material);
    t.is(hex(r.data.subarray(1, 33)), hex(peer.computeSecret(ownPublic(key.publicKey))));
    t.is(hex(r.data), expectedPoint(curve, own, peer.getPrivateKey()));
  });
}

/** d from PKCS#8 for curves node cannot export as JWK (brainpool): the OCTET STRING after 02 01 01 04 20. */
function ownScalar(pkcs8: Uint8Array): Uint8Array {
  const at = Buffer.from(pkcs8).indexOf(Buffer.from('020101' + '0420', 'hex'));
  return pkcs8.slice(at + 5, at + 5 + 32);
}

/** The uncompressed point at the end of an SPKI (P-256 and brainpoolP256r1: 65 bytes). */
function ownPublic(pub: KeyObject): Buffer {
  const spki = pub.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 65);
}

test('80 ECDH also takes a bare x‖y; rejects a point off the curve (6A80) and a short point (6700)', async (t) => {
  const peer = createECDH('prime256v1');
  peer.generateKeys();
  const full = peer.getPublicKey();
  const bare = await call(decipher, ctx(), DEC(2, 0x80), full.subarray(1));
  const withTag = await call(decipher, ctx(), DEC(2, 0x80), full);
  t.is(bare.sw, 0x9000);
  t.is(hex(bare.data), hex(withTag.data));
  const off = Buffer.from(full);
  off[64] = (off[64] ?? 0) ^ 1;
  t.is((await call(decipher, ctx(), DEC(2, 0x80), off)).sw, 0x6a80);
  t.is((await call(decipher, ctx(), DEC(2, 0x80), full.subarray(0, 33))).sw, 0x6700);
});

test('status words: 6982 without PIN, 6A81 RSA id on an EC key, 6A86 unknown id, 6A82 no key', async (t) => {
  t.is((await call(decipher, makeContext({ userAuthenticated: false }), DEC(1, 0x21), new Uint8Array(256))).sw, 0x6982);
  t.is((await call(decipher, ctx(), DEC(2, 0x21), new Uint8Array(256))).sw, 0x6a81);
  t.is((await call(decipher, ctx(), DEC(1, 0x80), new Uint8Array(65))).sw, 0x6a81);
  t.is((await call(decipher, ctx(), DEC(1, 0x24), new Uint8Array(256))).sw, 0x6a86);
  t.is((await call(decipher, ctx(), DEC(7, 0x21), new Uint8Array(256))).sw, 0x6a82);
});
