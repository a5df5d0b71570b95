// The driver's secure-messaging codec (src/apdu/sm) and chip-authentication key schedule
// (src/card/secure-messaging/ca-keys.ts) against published vectors (ICAO Doc 9303 part 11, appendix
// G.1: the same TR-03110 KDF and token) and against a test-only implementation of TR-03110 part 3
// F.2/F.3 that uses node:crypto and the OpenSSL CLI for CMAC (test/helpers/sm-oracle.ts).
import test from 'ava';
import { encodeCommand } from '../../src/apdu/command.ts';
import { aesCmac } from '../../src/apdu/sm/crypto.ts';
import { SmSession } from '../../src/apdu/sm/codec.ts';
import { SecureMessagingError } from '../../src/apdu/sm/errors.ts';
import { authenticationToken, kdf } from '../../src/card/secure-messaging/ca-keys.ts';
import * as oracle from '../helpers/sm-oracle.ts';

const { bytes, hexOf } = oracle;

// ICAO Doc 9303-11 appendix G.1 (PACE ECDH generic mapping, brainpoolP256r1), as reproduced in
// independent implementations (JMRTD-style Java, Go, Swift, Dart test suites): shared secret → keys → tokens.
const G1 = {
  secret: bytes('28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925'),
  kEnc: 'F5F0E35C0D7161EE6724EE513A0D9A7F',
  kMac: 'FE251C7858B356B24514B3BD5F4297D1',
  paceOid: bytes('04007F00070202040202'), // id-PACE-ECDH-GM-AES-CBC-CMAC-128
  terminalPoint: bytes(
    '04 2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C 3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462',
  ),
  chipPoint: bytes(
    '04 9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB 7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094',
  ),
  tIc: '3ABB9674BCE93C08', // over the terminal's point
  tIfd: 'C2B0BD78D94BA866', // over the chip's point
};

test('KDF: ICAO 9303-11 G.1 keys from the shared secret (counter 1 = K_enc, 2 = K_mac, no nonce)', (t) => {
  t.is(hexOf(kdf(G1.secret, new Uint8Array(0), 1)), G1.kEnc);
  t.is(hexOf(kdf(G1.secret, new Uint8Array(0), 2)), G1.kMac);
});

test('authentication token: ICAO 9303-11 G.1 T_IC and T_IFD = CMAC(K_mac, 7F49{06 OID, 86 point})[0..8]', (t) => {
  t.is(hexOf(authenticationToken(bytes(G1.kMac), G1.paceOid, G1.terminalPoint)), G1.tIc);
  t.is(hexOf(authenticationToken(bytes(G1.kMac), G1.paceOid, G1.chipPoint)), G1.tIfd);
});

test('KDF with the chip-authentication nonce equals the test-only SHA-1 KDF', (t) => {
  const nonce = bytes('0102030405060708');
  for (const counter of [1, 2]) t.is(hexOf(kdf(G1.secret, nonce, counter)), hexOf(oracle.kdf(G1.secret, nonce, counter)));
});

test('AES-CMAC equals `openssl mac CMAC` at block boundaries (0, 1, 15, 16, 17, 32, 33 bytes)', (t) => {
  const key = bytes(G1.kMac);
  for (const n of [0, 1, 15, 16, 17, 32, 33]) {
    const m = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);
    t.is(hexOf(aesCmac(key, m)), hexOf(oracle.opensslCmac(key, m)), `${n} bytes`);
  }
});

const KEYS = { kEnc: bytes(G1.kEnc), kMac: bytes(G1.kMac) };

test('wrap: case 1, 2, 3 and 4 commands are the bytes TR-03110 F.2 gives (SSC 1, 3, 5, 7)', (t) => {
  const sm = new SmSession(KEYS);
  const pin = new TextEncoder().encode('648219');
  const cases = [
    { cmd: { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x81 }, want: () => oracle.protectCommand(KEYS, 1, [0x00, 0x20, 0x00, 0x81]) },
    {
      cmd: { cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 256 },
      want: () => oracle.protectCommand(KEYS, 3, [0x80, 0x58, 0, 0], undefined, 256),
    },
    {
      cmd: { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x81, data: pin },
      want: () => oracle.protectCommand(KEYS, 5, [0x00, 0x20, 0x00, 0x81], pin),
    },
    {
      cmd: { cla: 0x80, ins: 0x68, p1: 0x01, p2: 0x70, data: bytes('00112233445566778899AABBCCDDEEFF10'), ne: 256 },
      want: () => oracle.protectCommand(KEYS, 7, [0x80, 0x68, 0x01, 0x70], bytes('00112233445566778899AABBCCDDEEFF10'), 256),
    },
  ];
  let counter = 1;
  for (const c of cases) {
    t.is(hexOf(encodeCommand(sm.wrap(c.cmd))), hexOf(c.want()));
    sm.unwrap(decodeRes(oracle.protectResponse(KEYS, counter + 1, new Uint8Array(0), 0x9000)));
    counter += 2;
  }
});

function decodeRes(r: Uint8Array): { data: Uint8Array; sw: number } {
  return { data: r.subarray(0, r.length - 2), sw: ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0) };
}

test('unwrap: data and SW of a protected response; the card answering in plain or a wrong MAC is an error', (t) => {
  const sm = new SmSession(KEYS);
  sm.wrap({ cla: 0x80, ins: 0x58, p1: 0, p2: 0, ne: 256 });
  const res = sm.unwrap(decodeRes(oracle.protectResponse(KEYS, 2, bytes('CC002F02'), 0x9000)));
  t.is(hexOf(res.data), 'CC002F02');
  t.is(res.sw, 0x9000);

  sm.wrap({ cla: 0x00, ins: 0x84, p1: 0, p2: 0, ne: 8 });
  const tampered = oracle.protectResponse(KEYS, 4, bytes('0102030405060708'), 0x9000);
  tampered[tampered.length - 3] = (tampered[tampered.length - 3] ?? 0) ^ 0x01; // last MAC byte
  const macError = t.throws(() => sm.unwrap(decodeRes(tampered)), { instanceOf: SecureMessagingError });
  t.regex(macError.message, /MAC of the response is wrong/);

  const plain = new SmSession(KEYS);
  plain.wrap({ cla: 0x00, ins: 0x20, p1: 0, p2: 0x81 });
  const ended = t.throws(() => plain.unwrap({ data: new Uint8Array(0), sw: 0x6988 }), { instanceOf: SecureMessagingError });
  t.is(ended.sw, 0x6988);
  t.is(ended.code, 'ERR_SCHSM_SECURE_MESSAGING');
});

test('a response protected under the wrong SSC (replayed from an earlier exchange) fails the MAC check', (t) => {
  const sm = new SmSession(KEYS);
  sm.wrap({ cla: 0x00, ins: 0x20, p1: 0, p2: 0x81 });
  const first = oracle.protectResponse(KEYS, 2, new Uint8Array(0), 0x9000);
  sm.unwrap(decodeRes(first));
  sm.wrap({ cla: 0x00, ins: 0x20, p1: 0, p2: 0x81 });
  t.throws(() => sm.unwrap(decodeRes(first)), { instanceOf: SecureMessagingError, message: /MAC/ });
});

test('odd INS: the data goes in DO85 without padding indicator; long data makes an extended APDU with Le 0000', (t) => {
  const sm = new SmSession(KEYS);
  const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const w = sm.wrap({ cla: 0x00, ins: 0xd7, p1: 0xce, p2: 0x01, data });
  const apdu = encodeCommand(w);
  // CLA INS P1 P2 | 00 Lc(2) | 85 82 0130 <304-byte cryptogram> 8E 08 <MAC> | Le 0000
  t.is(hexOf(apdu.subarray(0, 4)), '0CD7CE01');
  t.is(apdu[4], 0x00);
  t.is(hexOf(apdu.subarray(7, 11)), '85820130');
  t.is(hexOf(oracle.decrypt(KEYS.kEnc, 1, apdu.subarray(11, 11 + 304))), hexOf(data));
  t.is(hexOf(apdu.subarray(apdu.length - 2)), '0000');
  const dos = apdu.subarray(7, apdu.length - 2 - 10);
  const mac = oracle.opensslCmac(KEYS.kMac, new Uint8Array([...oracle.ssc(1), ...oracle.pad(apdu.subarray(0, 4)), ...oracle.pad(dos)]));
  t.is(hexOf(apdu.subarray(apdu.length - 10, apdu.length - 2)), hexOf(mac.subarray(0, 8)));
});

test('an already protected command (CLA 0C) is refused instead of being protected twice', (t) => {
  t.throws(() => new SmSession(KEYS).wrap({ cla: 0x0c, ins: 0x20, p1: 0, p2: 0x81 }), { instanceOf: SecureMessagingError });
});
