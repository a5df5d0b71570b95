import test from 'ava';
import { decodeTlv, decodeTlvs } from '../../src/apdu/tlv.ts';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { hex } from '../helpers/apdu.ts';
import { GAKP_EC_P256_TEXT, GAKP_RSA_2048_TEXT } from '../helpers/vectors.ts';
import { child, cvcs, opensslCurve, whole } from './cvc-check.ts';
import { SELECT_APPLET, SO_PIN, testCard, type TestCard, VERIFY_PIN } from './sim-card.ts';

// Public key authentication on the simulator with raw APDUs (§3.20): INITIALIZE tag 93, the
// registration OpenSC's sc_hsm_register_public_key sends (MSE SET DST, PSO VERIFY CERTIFICATE, MANAGE
// PKA), EXTERNAL AUTHENTICATE over SHA-256(device CHR ‖ challenge), and what the card refuses before
// enough keys have authenticated. The custodians' keys come from other simulated cards (GAKP with the
// §11.2 request bodies), so every byte registered is what a real device exports.

const h = (s: string): string => s.replace(/\s/g, '');
const lc = (body: string): string => (h(body).length / 2).toString(16).padStart(2, '0');
const asciiHex = (s: string): string => Buffer.from(s, 'latin1').toString('hex');

/** sc-hsm-tool --initialize --so-pin 3537363231383830 --pin 648219 --public-key-auth N --required-pub-keys M */
function initPka(total: number, required: number): string {
  const body = `8002 0001 8106 363438323139 8208 ${SO_PIN} 910103 9302 ${total.toString(16).padStart(2, '0')}${required.toString(16).padStart(2, '0')}`;
  return `80500000 ${lc(body)} ${h(body)}`;
}

/** `00 22 81 B6|A4 Lc 83 L <chr>` */
const mse = (crt: 'B6' | 'A4', chr: string): string =>
  `002281${crt} ${lc(`83 00 ${asciiHex(chr)}`)} 83${chr.length.toString(16).padStart(2, '0')}${asciiHex(chr)}`;

/** `00 2A 00 BE Lc <content of 7F21>` (extended Lc when long) */
function pso(content: Uint8Array): string {
  const c = Buffer.from(content).toString('hex');
  return content.length > 255 ? `002A00BE 00${content.length.toString(16).padStart(4, '0')}${c}` : `002A00BE ${lc(c)}${c}`;
}

/** `80 54 00 00 Lc <content of 67> 04` as OpenSC sends it (Le = 4). */
function register(content: Uint8Array): string {
  const c = Buffer.from(content).toString('hex');
  return content.length > 255 ? `80540000 00${content.length.toString(16).padStart(4, '0')}${c}0004` : `80540000 ${lc(c)}${c}04`;
}

/** A custodian's device: initialised, a P-256 key generated with the §11.2 body (CHR changed to `chr`). */
async function custodian(
  chr: string,
  body = GAKP_EC_P256_TEXT,
): Promise<{ card: TestCard; request: Uint8Array; device: Uint8Array; dica: Uint8Array }> {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(`80500000 1C 8002 0001 8106 363438323139 8208 ${SO_PIN} 910103 920100`);
  await card.ok(VERIFY_PIN);
  const b = h(body).toLowerCase().replace(asciiHex('DENK010570200001'), asciiHex(chr));
  const r = await card.ok(`00460100 00${(b.length / 2).toString(16).padStart(4, '0')}${b} 0000`);
  const [device, dica] = cvcs(card.sim.state.files.get(0x2f02)!).map((t) => whole(card.sim.state.files.get(0x2f02)!, t));
  return { card, request: r.bytes, device: device!, dica: dica! };
}

const content = (tlv: Uint8Array): Uint8Array => decodeTlv(tlv).value;
const chrOf = (cvc: Uint8Array): string => Buffer.from(child(child(decodeTlv(cvc), 0x7f4e), 0x5f20).value).toString('latin1');

/** What OpenSC sends to register `c`'s key: DICA, device (each MSE + PSO), MSE with the outer CAR, MANAGE PKA. */
async function registerAll(hsm: TestCard, c: Awaited<ReturnType<typeof custodian>>): Promise<string> {
  const dicaChr = chrOf(c.dica);
  if ((await hsm.send(mse('B6', dicaChr))).sw === '6A88') {
    await hsm.ok(mse('B6', 'UTSRCASIM00001'));
    await hsm.ok(pso(content(c.dica)));
  }
  await hsm.ok(mse('B6', dicaChr));
  await hsm.ok(pso(content(c.device)));
  await hsm.ok(mse('B6', chrOf(c.device)));
  const r = await hsm.send(register(content(c.request)));
  return `${r.data}/${r.sw}`;
}

async function pkaHsm(total: number, required: number): Promise<TestCard> {
  const hsm = testCard();
  await hsm.ok(SELECT_APPLET);
  await hsm.ok(initPka(total, required));
  return hsm;
}

/** r‖s of ECDSA-SHA256 by the custodian's card over `data` (SIGN algorithm 73, DER → r‖s). */
async function custodianSign(c: TestCard, data: Uint8Array): Promise<string> {
  const der = decodeTlv(
    (await c.ok(`80680173 00${data.length.toString(16).padStart(4, '0')}${Buffer.from(data).toString('hex')} 0000`)).bytes,
  );
  return decodeTlvs(der.value)
    .map((i) =>
      Buffer.from(i.value)
        .toString('hex')
        .replace(/^(00)+(?=..)/, '')
        .padStart(64, '0'),
    )
    .join('');
}

async function authenticate(hsm: TestCard, c: TestCard, chr: string): Promise<string> {
  await hsm.ok(mse('A4', chr));
  const challenge = (await hsm.ok('0084000008')).bytes;
  const signed = Buffer.concat([Buffer.from(`${hsm.sim.state.serial}00000`, 'latin1'), challenge]);
  const sig = await custodianSign(c, signed);
  return (await hsm.send(`00820000 40${sig}`)).sw;
}

test('INITIALIZE 93 (sc-hsm-tool --public-key-auth 3 --required-pub-keys 2): status 03 03 02 00 for Le 00 and Le 04', async (t) => {
  const hsm = await pkaHsm(3, 2);
  t.deepEqual(await hsm.send('8054000000'), { data: '03030200', sw: '9000', bytes: hex('03030200') });
  t.is((await hsm.send('8054000004')).data, '03030200', 'OpenSC asks with Le 04');
});

test('INITIALIZE 93 out of range → 6A80; MANAGE PKA on a device without 93 → 6D00 (sc-hsm-tool: not initialised for PKA)', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  t.is((await card.send(initPka(2, 3))).sw, '6A80', 'required > total');
  t.is((await card.send(initPka(91, 1))).sw, '6A80', 'more than 90');
  t.is((await card.send(initPka(2, 0))).sw, '6A80', 'none required');
  await card.ok(`80500000 19 8002 0001 8106 363438323139 8208 ${SO_PIN} 910103`);
  t.is((await card.send('8054000000')).sw, '6D00');
  t.is((await card.send('8054010000')).sw, '6A86', 'P1 01 (replace) is not simulated');
});

test('register as OpenSC does, no PIN: unknown CHR 6A88, root known, DICA then device verified, status after each key', async (t) => {
  const hsm = await pkaHsm(2, 2);
  const a = await custodian('UTCUST0000100001');
  t.is((await hsm.send(mse('B6', chrOf(a.device)))).sw, '6A88', 'the device is unknown before its certificate');
  t.is((await hsm.send(mse('B6', 'UTSRCASIM00001'))).sw, '9000', 'the root is built in');
  t.is(await registerAll(hsm, a), '02010200/9000');
  const b = await custodian('UTCUST0000200001');
  t.is(await registerAll(hsm, b), '02000200/9000');
  t.is(hsm.sim.state.pka?.keys.length, 2);
});

test('registration refusals: full 6A84, bad outer signature 6985, same CHR 6985, RSA key 6A80, wrong issuer 6985', async (t) => {
  const hsm = await pkaHsm(3, 1);
  const a = await custodian('UTCUST0000100001');
  const tampered = Uint8Array.from(a.request);
  tampered[tampered.length - 1]! ^= 0x01; // last byte of the outer signature
  await hsm.ok(mse('B6', 'UTSRCASIM00001'));
  await hsm.ok(pso(content(a.dica)));
  await hsm.ok(mse('B6', chrOf(a.dica)));
  t.is(
    (await hsm.send(pso(content(a.device).map((v, i, all) => (i === all.length - 1 ? v ^ 1 : v))))).sw,
    '6985',
    'device certificate with a bad signature',
  );
  await hsm.ok(pso(content(a.device)));
  await hsm.ok(mse('B6', chrOf(a.device)));
  t.is((await hsm.send(register(content(tampered)))).sw, '6985', 'outer signature does not verify');
  t.is((await hsm.send(register(content(a.request)))).data, '03020100');
  t.is((await hsm.send(register(content(a.request)))).sw, '6985', 'a key with this CHR is registered');
  const rsa = await custodian('UTCUST0000300001', GAKP_RSA_2048_TEXT);
  t.is(await registerAll(hsm, rsa), '/6A80', 'only EC keys can authenticate');
  const hsm2 = await pkaHsm(1, 1);
  await hsm2.ok(mse('B6', 'UTSRCASIM00001'));
  t.is((await hsm2.send(pso(content(a.device)))).sw, '6985', 'the device certificate is not issued by the root');
  t.is(await registerAll(hsm2, a), '01000100/9000');
  t.is(await registerAll(hsm2, await custodian('UTCUST0000400001')), '/6A84', 'every key is registered');
});

test('2 of 2: SIGN refused (6982) until both keys authenticated; one challenge per signature; wrong signature 6300', async (t) => {
  const hsm = await pkaHsm(2, 2);
  await hsm.ok(VERIFY_PIN); // PKA or PIN: a key of the HSM itself, generated with the PIN …
  await hsm.ok(`00460100 00${(h(GAKP_EC_P256_TEXT).length / 2).toString(16).padStart(4, '0')}${h(GAKP_EC_P256_TEXT)} 0000`);
  await hsm.ok(SELECT_APPLET); // … then logged out
  const a = await custodian('UTCUST0000100001');
  const b = await custodian('UTCUST0000200001');
  await registerAll(hsm, a);
  await registerAll(hsm, b);
  const sign = `80680173 05 0102030405 00`;
  t.is((await hsm.send(sign)).sw, '6982', 'nobody authenticated');
  t.is((await hsm.send(mse('A4', 'UTNOBODY00001'))).sw, '6A88', 'unknown key');
  await hsm.ok(mse('A4', 'UTCUST0000100001'));
  t.is((await hsm.send(`00820000 40${'00'.repeat(64)}`)).sw, '6985', 'no challenge yet');
  await hsm.ok('0084000008');
  t.is((await hsm.send(`00820000 40${'11'.repeat(64)}`)).sw, '6300', 'signature does not verify');
  t.is((await hsm.send(`00820000 40${'11'.repeat(64)}`)).sw, '6985', 'the challenge was used up');
  t.is(await authenticate(hsm, a.card, 'UTCUST0000100001'), '9000');
  t.is((await hsm.ok('8054000000')).data, '02000201');
  t.is((await hsm.send(sign)).sw, '6982', 'one of two is not enough');
  t.is((await hsm.send('00200081')).sw, '63C3', 'and the user is not logged in');
  t.is(await authenticate(hsm, b.card, 'UTCUST0000200001'), '9000');
  t.is((await hsm.ok('8054000000')).data, '02000202');
  t.is((await hsm.send('00200081')).sw, '9000', 'the quorum logs the user in');
  t.is((await hsm.send(sign)).sw, '9000');
  await hsm.ok(SELECT_APPLET);
  t.is((await hsm.ok('8054000000')).data, '02000200', 'SELECT ends the session');
  t.is((await hsm.send(sign)).sw, '6982');
});

test('a key signed for another device does not authenticate (the device CHR is in the signed data)', async (t) => {
  const hsm = await pkaHsm(1, 1);
  const a = await custodian('UTCUST0000100001');
  await registerAll(hsm, a);
  await hsm.ok(mse('A4', 'UTCUST0000100001'));
  const challenge = (await hsm.ok('0084000008')).bytes;
  const sig = await custodianSign(a.card, Buffer.concat([Buffer.from('UTSM999999900000', 'latin1'), challenge]));
  t.is((await hsm.send(`00820000 40${sig}`)).sw, '6300');
});

/** Test-only TLV (definite length up to 2 bytes). */
function tlv(tag: string, value: string): string {
  const n = value.length / 2;
  const len =
    n < 0x80
      ? n.toString(16).padStart(2, '0')
      : n < 0x100
        ? `81${n.toString(16).padStart(2, '0')}`
        : `82${n.toString(16).padStart(4, '0')}`;
  return `${tag}${len}${value}`;
}

/** GAKP body for an EC key on `curve` (the §11.2 layout with another curve's parameters). */
function gakpEc(curve: string): string {
  const c = opensslCurve(curve);
  const x = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const params = [
    tlv('06', '04007F00070202020203'),
    tlv('81', x(c.p)),
    tlv('82', x(c.a)),
    tlv('83', x(c.b)),
    tlv('84', x(c.g)),
    tlv('85', x(c.n)),
    tlv('87', x(c.h)),
  ];
  return `5F290100 ${tlv('42', asciiHex('UTCA00001'))} ${tlv('7F49', params.join(''))} ${tlv('5F20', asciiHex('DENK010570200001'))}`;
}

test('a 384-bit key registers but cannot authenticate (6A81); the registration survives toJSON/fromJSON', async (t) => {
  const hsm = await pkaHsm(2, 1);
  const p384 = await custodian('UTCUST0000500001', gakpEc('secp384r1'));
  t.is(await registerAll(hsm, p384), '02010100/9000');
  await hsm.ok(mse('A4', 'UTCUST0000500001'));
  await hsm.ok('0084000008');
  t.is((await hsm.send(`00820000 60${'11'.repeat(96)}`)).sw, '6A81');
  const restored = SmartCardHsmSimulator.fromJSON(JSON.parse(JSON.stringify(hsm.sim.toJSON())));
  t.deepEqual(restored.state.pka?.keys, hsm.sim.state.pka?.keys);
  t.deepEqual([restored.state.pka?.total, restored.state.pka?.required], [2, 1]);
});

test('a state file written before PKA existed (no "pka") still loads, without PKA', (t) => {
  const json = testCard().sim.toJSON() as unknown as Record<string, unknown>;
  delete json.pka;
  t.false('pka' in json);
  t.is(SmartCardHsmSimulator.fromJSON(json).state.pka, undefined);
});
