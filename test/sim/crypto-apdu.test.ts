import test from 'ava';
import { createPublicKey, verify } from 'node:crypto';
import { decodeTlv, findTlv } from '../../src/apdu/tlv.ts';
import { SmartCardHsmSimulator, createSimulatorTransport } from '../../src/sim/index.ts';
import { GAKP_EC_P256_TEXT } from '../helpers/vectors.ts';
import { hex, unhex } from './crypto-fixtures.ts';

// The crypto half inside the whole simulator, driven with raw APDUs (hex literals from §11 and the
// peer traces) through createSimulatorTransport: initialize with one DKEK share, import the peer's
// share (KCV 6C609824B9CA28EB), generate an EC key, sign, wrap, unwrap, sign with the copy.

const SELECT = '00A404000BE82B0601040181C31F020100';
// §11.1: sc-hsm-tool --initialize --so-pin 3537363231383830 --pin 648219 --dkek-shares 1
const INITIALIZE = '805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101';
const SHARE = '2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35';
const VERIFY = '0020008106363438323139';
// §11.2: GAKP for secp256r1, CHR DENK010570200001, case 4E (Lc 000100, Le 0000).
const GAKP_EC = `00460100000100 ${GAKP_EC_P256_TEXT} 0000`;
const MSG = new TextEncoder().encode('The quick brown fox jumps over the lazy dog - pico-hsm peer test\n');

async function session() {
  const sim = new SmartCardHsmSimulator();
  const transport = await createSimulatorTransport({ simulator: sim });
  const send = async (apdu: string | Uint8Array) => {
    const r = await transport.transmit(typeof apdu === 'string' ? unhex(apdu) : apdu);
    return { data: r.subarray(0, r.length - 2), sw: hex(r.subarray(r.length - 2)) };
  };
  return { sim, send };
}

/** 80 68/62/… in case 4E with Le 0200 as OpenSC sends it. */
function ext(header: string, data: Uint8Array, le = '0200'): Uint8Array {
  return unhex(`${header}00${data.length.toString(16).padStart(4, '0')}${hex(data)}${le}`);
}

function ecPublicKeyFromRequest(request: Uint8Array) {
  const point = findTlv([decodeTlv(request)], 0x67, 0x7f21, 0x7f4e, 0x7f49, 0x86)?.value;
  if (point === undefined) throw new Error('no 86 in the GAKP response');
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(point.subarray(1, 33)), y: b64(point.subarray(33)) }, format: 'jwk' });
}

test('initialize → DKEK share → GAKP → SIGN 73 → WRAP (KCV 6C60…) → UNWRAP → SIGN with the copy', async (t) => {
  const { send } = await session();
  t.is((await send(SELECT)).sw, '9000');
  t.is((await send(INITIALIZE)).sw, '9000');
  const imported = await send(`8052000020${SHARE}00`);
  t.is(imported.sw, '9000');
  t.is(hex(imported.data), '01006c609824b9ca28eb', 'total 1, outstanding 0, KCV of the peer share');
  t.is((await send(ext('80680173', MSG))).sw, '6982', 'SIGN before VERIFY');
  t.is((await send(VERIFY)).sw, '9000');
  const gakp = await send(GAKP_EC);
  t.is(gakp.sw, '9000');
  const pub = ecPublicKeyFromRequest(gakp.data);

  const sig = await send(ext('80680173', MSG));
  t.is(sig.sw, '9000');
  t.is(sig.data[0], 0x30);
  t.true(verify('sha256', MSG, pub, sig.data));

  const wrapped = await send('80720192000000');
  t.is(wrapped.sw, '9000');
  t.is(hex(wrapped.data.subarray(0, 9)), '6c609824b9ca28eb0c', 'KCV of the DKEK, type 12');

  t.is((await send(unhex(`8074029300${wrapped.data.length.toString(16).padStart(4, '0')}${hex(wrapped.data)}`))).sw, '9000');
  const sig2 = await send(ext('80680273', MSG));
  t.is(sig2.sw, '9000');
  t.true(verify('sha256', MSG, pub, sig2.data));

  const ecdsaRaw = await send(ext('80680270', unhex(`${'00'.repeat(31)}01`)));
  t.is(ecdsaRaw.sw, '9000');
});

test('OpenSC unwrap form: blob written to EF 2F10 with UPDATE BINARY chunks, then 80 74 id 93 without data', async (t) => {
  const { send } = await session();
  await send(SELECT);
  await send(INITIALIZE);
  await send(`8052000020${SHARE}00`);
  await send(VERIFY);
  t.is((await send(GAKP_EC)).sw, '9000');
  const blob = (await send('80720192000000')).data;
  // 00 D7 2F 10 Lc 54 02 <offset> 53 <len> <chunk>, 100-byte chunks
  for (let off = 0; off < blob.length; off += 100) {
    const chunk = blob.subarray(off, off + 100);
    const body = `5402${off.toString(16).padStart(4, '0')}53${chunk.length.toString(16).padStart(2, '0')}${hex(chunk)}`;
    t.is((await send(`00D72F10${(body.length / 2).toString(16).padStart(2, '0')}${body}`)).sw, '9000');
  }
  t.is((await send('80740393')).sw, '9000');
  t.is((await send(ext('80680373', MSG))).sw, '9000');
  t.is((await send('80740393')).sw, '6a89', 'key 3 exists now');
});

test('the allowed-algorithm list of GAKP tag 91 and the use counter of tag 90 reach SIGN', async (t) => {
  const { send } = await session();
  await send(SELECT);
  await send(INITIALIZE);
  await send(`8052000020${SHARE}00`);
  await send(VERIFY);
  // Same request + 90 04 00000001 + 91 01 73: 256 + 6 + 3 = 265 bytes = 0x0109.
  const gakp = GAKP_EC.replace(/\s+/g, '')
    .replace(/^00460100000100/, '00460100000109')
    .replace(/0000$/, '900400000001 910173 0000'.replace(/\s+/g, ''));
  t.is((await send(gakp)).sw, '9000');
  t.is((await send(ext('80680170', new Uint8Array(32)))).sw, '6a81');
  t.is((await send(ext('80680173', MSG))).sw, '9000');
  t.is((await send(ext('80680173', MSG))).sw, '6984');
});
