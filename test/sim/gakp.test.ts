import test from 'ava';
import { decodeTlv, type Tlv } from '../../src/apdu/tlv.ts';
import { simRootCertificate } from '../../src/sim/index.ts';
import { hex } from '../helpers/apdu.ts';
import { GAKP_EC_P256_TEXT, GAKP_RSA_2048_TEXT } from '../helpers/vectors.ts';
import { ascii, child, cvcs, ecPublicKey, opensslCurve, rsaPublicKey, verifyEcdsa, whole } from './cvc-check.ts';
import { initializedCard, type TestCard } from './sim-card.ts';
import { verify } from 'node:crypto';

// GENERATE ASYMMETRIC KEY PAIR (§3.11, §10) with the exact request bodies of §11.2: the answer is
// an authenticated CV request whose inner signature verifies with the new key and whose outer
// signature verifies with the device key published in EF 2F02.

const CHR = '44454E4B303130353730323030303031'; // "DENK010570200001"
const RSA_2048 = GAKP_RSA_2048_TEXT;
const P256 = GAKP_EC_P256_TEXT;

const h = (s: string): string => s.replace(/\s/g, '');
/** `00 46 id 00 | 00 Lc(2) | data | Le 0000` — case 4E as OpenSC sends it. */
function gakp(id: number, body: string, p2 = '00'): string {
  const b = h(body);
  return `0046${id.toString(16).padStart(2, '0')}${p2}00${(b.length / 2).toString(16).padStart(4, '0')}${b}0000`;
}

async function readyCard(): Promise<TestCard> {
  return initializedCard({ share: true, verified: true });
}

/** Device CHR and public key from EF 2F02 (first CVC), and the outer signature check. */
function checkOuter(
  t: { true: (v: boolean, m?: string) => void; is: (a: unknown, b: unknown, m?: string) => void },
  card: TestCard,
  request: Uint8Array,
  req: Tlv,
): void {
  const devCvc = cvcs(card.sim.state.files.get(0x2f02)!)[0]!;
  const body = child(devCvc, 0x7f4e);
  const devChr = ascii(child(body, 0x5f20).value);
  const devKey = ecPublicKey('brainpoolP256r1', child(child(body, 0x7f49), 0x86).value);
  const inner = child(req, 0x7f21);
  const outerCar = child(req, 0x42);
  t.is(ascii(outerCar.value), devChr, 'outer CAR = device CHR');
  t.is(devChr, `${card.sim.state.serial}00000`);
  const signed = Buffer.concat([whole(request, inner), whole(request, outerCar)]);
  t.true(verifyEcdsa(devKey, signed, child(req, 0x5f37).value), 'outer signature by PrK.DevAut over 7F21 ‖ 42');
}

test('RSA-2048 (§11.2 body): 67 request parses, inner PKCS#1 v1.5 SHA-256 signature verifies, outer too', async (t) => {
  const card = await readyCard();
  const a = await card.send(gakp(1, RSA_2048));
  t.is(a.sw, '9000');
  const req = decodeTlv(a.bytes);
  t.is(req.tag, 0x67);
  const inner = child(req, 0x7f21);
  const body = child(inner, 0x7f4e);
  t.deepEqual(child(body, 0x5f29).value, hex('00'));
  t.is(ascii(child(body, 0x42).value), 'UTCA00001');
  t.is(ascii(child(body, 0x5f20).value), 'DENK010570200001');
  const key = child(body, 0x7f49);
  t.deepEqual(child(key, 0x06).value, hex('04007F00070202020102'));
  const n = child(key, 0x81).value;
  t.is(n.length, 256);
  t.true(((n[0] ?? 0) & 0x80) !== 0, '2048-bit modulus');
  t.deepEqual(child(key, 0x82).value, hex('010001'));
  t.true(verify('sha256', whole(a.bytes, body), rsaPublicKey(n, child(key, 0x82).value), child(inner, 0x5f37).value), 'inner signature');
  checkOuter(t, card, a.bytes, req);
  t.deepEqual(card.sim.state.files.get(0xce01), a.bytes, 'the card keeps the request in CE01');
  t.is(card.sim.state.keys.get(1)?.kind, 'rsa');
  t.is(card.sim.state.keys.get(1)?.bits, 2048);
});

test('EC P-256 (§11.2 body): 7F49 returns the domain parameters and 86 Q; inner ECDSA r‖s verifies, outer too', async (t) => {
  const card = await readyCard();
  const a = await card.send(gakp(2, P256));
  t.is(a.sw, '9000');
  const req = decodeTlv(a.bytes);
  const inner = child(req, 0x7f21);
  const body = child(inner, 0x7f4e);
  const key = child(body, 0x7f49);
  const sent = decodeTlv(hex(h(P256).slice(h(P256).indexOf('7F4981DA'), h(P256).indexOf('5F2010'))));
  for (const tag of [0x06, 0x81, 0x82, 0x83, 0x84, 0x85, 0x87])
    t.deepEqual(child(key, tag).value, child(sent, tag).value, `tag ${tag.toString(16)} as sent`);
  const q = child(key, 0x86).value;
  t.is(q.length, 65);
  t.is(q[0], 0x04);
  const sig = child(inner, 0x5f37).value;
  t.is(sig.length, 64, 'plain r‖s');
  t.true(verifyEcdsa(ecPublicKey('prime256v1', q), whole(a.bytes, body), sig), 'inner signature by the new key');
  checkOuter(t, card, a.bytes, req);
  t.like(card.sim.state.keys.get(2), { kind: 'ec', bits: 256, curve: 'prime256v1' });
});

for (const [curve, bits] of [
  ['secp384r1', 384],
  ['secp521r1', 521],
  ['brainpoolP256r1', 256],
  ['brainpoolP384r1', 384],
  ['brainpoolP512r1', 512],
  ['secp256k1', 256],
] as const) {
  test(`EC ${curve}: curve recognised from p, Q on it (inner signature verifies), bits ${bits}`, async (t) => {
    const c = opensslCurve(curve);
    const len = (n: number): string => (n < 0x80 ? '' : n < 0x100 ? '81' : '82') + n.toString(16).padStart(n < 0x100 ? 2 : 4, '0');
    const tl = (tag: string, v: Uint8Array): string => `${tag}${len(v.length)}${Buffer.from(v).toString('hex')}`;
    const tmpl = `060A04007F00070202020203${tl('81', c.p)}${tl('82', c.a)}${tl('83', c.b)}${tl('84', c.g)}${tl('85', c.n)}${tl('87', c.h)}`;
    const body = `5F290100 4209555443413030303031 ${tl('7F49', hex(tmpl))} 5F2010${CHR}`;
    const card = await readyCard();
    const a = await card.send(gakp(3, body));
    t.is(a.sw, '9000');
    const req = decodeTlv(a.bytes);
    const cvBody = child(child(req, 0x7f21), 0x7f4e);
    const q = child(child(cvBody, 0x7f49), 0x86).value;
    t.true(verifyEcdsa(ecPublicKey(curve, q), whole(a.bytes, cvBody), child(child(req, 0x7f21), 0x5f37).value));
    t.like(card.sim.state.keys.get(3), { kind: 'ec', bits, curve });
  });
}

test('EF 2F02 chain: device CVC signed by UTDICASIM00001, DICA signed by the root UTSRCASIM00001', async (t) => {
  {
    const card = await readyCard();
    const content = card.sim.state.files.get(0x2f02)!;
    const [device, dica] = cvcs(content);
    const root = decodeTlv(simRootCertificate());
    const keyOf = (cvc: Tlv) => ecPublicKey('brainpoolP256r1', child(child(child(cvc, 0x7f4e), 0x7f49), 0x86).value);
    const chr = (cvc: Tlv) => ascii(child(child(cvc, 0x7f4e), 0x5f20).value);
    const car = (cvc: Tlv) => ascii(child(child(cvc, 0x7f4e), 0x42).value);
    t.is(chr(root), 'UTSRCASIM00001');
    t.is(car(root), 'UTSRCASIM00001');
    t.is(chr(dica!), 'UTDICASIM00001');
    t.is(car(dica!), 'UTSRCASIM00001');
    t.is(car(device!), 'UTDICASIM00001');
    t.regex(chr(device!), /^UTSM\d{7}00000$/);
    const signedBy = (cvc: Tlv, src: Uint8Array, issuer: Tlv) =>
      verifyEcdsa(keyOf(issuer), whole(src, child(cvc, 0x7f4e)), child(cvc, 0x5f37).value);
    t.true(signedBy(root, simRootCertificate(), root), 'root self-signed');
    t.true(signedBy(dica!, content, root), 'DICA by root');
    t.true(signedBy(device!, content, dica!), 'device by DICA');
    t.deepEqual(child(child(child(device!, 0x7f4e), 0x7f4c), 0x53).value, hex('00'), 'device role');
    t.deepEqual(child(child(device!, 0x7f4e), 0x5f25).value.length, 6, 'effective date YYMMDD');
  }
});

test('without Le (case 3, sc-hsm-embedded) the request is stored in CE<id> and not returned', async (t) => {
  const card = await readyCard();
  const b = h(RSA_2048).replace('02020800', '02020400');
  const a = await card.send(`00460400 ${(b.length / 2).toString(16)} ${b}`);
  t.deepEqual([a.data, a.sw], ['', '9000']);
  t.is(card.sim.state.files.get(0xce04)?.[0], 0x67);
});

test('tags 90/91/92 become the key use counter, algorithm list and domain', async (t) => {
  const card = await readyCard();
  const a = await card.send(gakp(5, `${P256} 9004 0000000A 9102 7073 920100`));
  t.is(a.sw, '9000');
  t.like(card.sim.state.keys.get(5), { useCounter: 10, algorithms: hex('7073'), domain: 0 });
});

test('GAKP refusals: no PIN 6982, DKEK outstanding 6985, key 0 6A86, unknown P2 key 6A88, domain 1 6A88, bad curve/size 6A80', async (t) => {
  const pending = await initializedCard({ verified: true });
  t.is((await pending.send(gakp(1, RSA_2048))).sw, '6985');
  const card = await initializedCard({ share: true });
  t.is((await card.send(gakp(1, RSA_2048))).sw, '6982');
  await card.ok('0020008106363438323139');
  t.is((await card.send(gakp(0, RSA_2048))).sw, '6A86');
  t.is((await card.send(gakp(1, RSA_2048, '07'))).sw, '6A88');
  t.is((await card.send(gakp(1, `${RSA_2048} 920101`))).sw, '6A88');
  t.is((await card.send(gakp(1, RSA_2048.replace('02020800', '020203E8')))).sw, '6A80', '1000 bits');
  t.is((await card.send(gakp(1, P256.replace('8120 FFFFFFFF00000001', '8120 FFFFFFFF00000002')))).sw, '6A80', 'unknown p');
  t.is((await card.send(gakp(1, P256.replace('870101', '870102')))).sw, '6A80', 'cofactor does not match');
  t.is((await card.send(gakp(1, P256.replace('060A04007F00070202020203', '060A04007F00070202020209')))).sw, '6A80', 'unknown OID');
  t.is((await card.send(gakp(1, '5F290100'))).sw, '6A80', 'no 7F49');
  t.is(card.sim.state.keys.size, 0);
});
