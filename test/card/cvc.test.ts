import test from 'ava';
import { createECDH, createHash, verify } from 'node:crypto';
import { hex } from '../helpers/apdu.ts';
import { parseAuthenticatedRequest, parseCvc, parseCvcChain, parseCvcDate } from '../../src/card/cvc.ts';
import { rsaModulusOf } from '../../src/card/cvc-key.ts';
import { KNOWN_ROOTS, signerOf, verifyAuthenticatedRequest, verifyCvc, verifyDeviceChain } from '../../src/card/cvc-verify.ts';
import { CvcError } from '../../src/card/host-errors.ts';
import { EF_2F02, EF_CE01, EF_CE02, SIGN_EC_RESPONSE, SIGN_RSA_RESPONSE, SIGNED_TEXT } from './peer-trace-data.ts';
import { SIM_PKI, simDicaCertificate, simRootCertificate, SmartCardHsmSimulator } from '../../src/sim/index.ts';

const text = new TextEncoder().encode(SIGNED_TEXT);
const withoutSw = (h: string): Uint8Array => hex(h.slice(0, -4));

test('EC request from the peer trace (CE02): CAR, CHR, curve identified by p, point', (t) => {
  const req = parseAuthenticatedRequest(hex(EF_CE02));
  const body = req.request.body;
  t.is(body.car, 'UTCA00001');
  t.is(body.chr, 'ESPICOHSMTR00001');
  t.is(req.outerCar, 'ESPICOHSMTR00001');
  t.is(body.publicKey.kind, 'ec');
  if (body.publicKey.kind !== 'ec') return;
  t.is(body.publicKey.curve?.name, 'prime256v1');
  t.is(body.publicKey.point?.length, 65);
  t.is(req.outerSignature?.length, 64);
});

test('the public keys decoded from the peer requests verify the signatures the peer card made', (t) => {
  const rsa = signerOf(parseAuthenticatedRequest(hex(EF_CE01)).request.body.publicKey);
  t.is(rsaModulusOf(rsa.key).length, 256);
  // 18-sign: OpenSC padded SHA-256 DigestInfo of the text itself and used RSA raw: a PKCS#1 v1.5 signature.
  t.true(verify('sha256', text, rsa.key, withoutSw(SIGN_RSA_RESPONSE)));
  const ec = signerOf(parseAuthenticatedRequest(hex(EF_CE02)).request.body.publicKey);
  t.true(verify('sha256', text, ec.key, withoutSw(SIGN_EC_RESPONSE)), 'ECDSA-SHA256 DER signature of 19-sign');
  t.false(verify('sha256', Buffer.from('other'), ec.key, withoutSw(SIGN_EC_RESPONSE)));
});

test('inner and outer signatures of the peer requests verify (outer with the device key of EF 2F02)', (t) => {
  const [device] = parseCvcChain(hex(EF_2F02));
  t.truthy(device);
  if (device === undefined) return;
  t.is(device.body.chr, 'ESPICOHSMTR00001');
  t.deepEqual(device.body.effectiveDate, new Date(Date.UTC(2023, 2, 21)));
  const deviceSigner = signerOf(device.body.publicKey);
  t.is(deviceSigner.curve?.name, 'secp256k1');
  for (const ef of [EF_CE01, EF_CE02]) {
    const v = verifyAuthenticatedRequest(parseAuthenticatedRequest(hex(ef)), deviceSigner);
    t.deepEqual(v, { inner: true, outer: true });
  }
});

test('a changed CHR byte in the signed body breaks the inner and outer signatures', (t) => {
  const bytes = hex(EF_CE02);
  // 67 82 01E6 | 7F21 82 018C | 7F4E 82 0144 <324 bytes>: the body's last byte (offset 9 + 5 + 323) is the CHR's last digit.
  t.is(bytes[337], 0x31);
  bytes[337] = 0x32;
  const req = parseAuthenticatedRequest(bytes);
  t.is(req.request.body.chr, 'ESPICOHSMTR00002');
  const [device] = parseCvcChain(hex(EF_2F02));
  t.deepEqual(verifyAuthenticatedRequest(req, signerOf(device!.body.publicKey)), { inner: false, outer: false });
});

test('the simulator PKI: root self-signature, DICA under root, and KNOWN_ROOTS matches the simulator root', (t) => {
  const root = parseCvc(simRootCertificate());
  const dica = parseCvc(simDicaCertificate());
  const rootSigner = signerOf(root.body.publicKey);
  t.true(verifyCvc(root, rootSigner));
  t.true(verifyCvc(dica, rootSigner));
  const known = KNOWN_ROOTS.find((r) => r.chr === root.body.chr);
  t.truthy(known);
  t.true(known?.key.equals(rootSigner.key));
});

test('the simulator PKI certificates (constants in src/sim/device-identity.ts) say what SIM_PKI says', (t) => {
  // public point 04‖x‖y of each scalar, from OpenSSL's ECDH (not the simulator's key code)
  const pointOf = (d: string): string => {
    const ecdh = createECDH('brainpoolP256r1');
    ecdh.setPrivateKey(Buffer.from(d, 'hex'));
    return ecdh.getPublicKey('hex', 'uncompressed');
  };
  const expect = [
    { cert: parseCvc(simRootCertificate()), car: SIM_PKI.SRCA.CHR, chr: SIM_PKI.SRCA.CHR, role: 'c0', point: pointOf(SIM_PKI.SRCA.D) },
    { cert: parseCvc(simDicaCertificate()), car: SIM_PKI.SRCA.CHR, chr: SIM_PKI.DICA.CHR, role: '80', point: pointOf(SIM_PKI.DICA.D) },
  ];
  for (const { cert, car, chr, role, point } of expect) {
    const b = cert.body;
    t.is(b.car, car);
    t.is(b.chr, chr);
    t.is(Buffer.from(b.chat?.role ?? []).toString('hex'), role);
    t.deepEqual(b.effectiveDate, SIM_PKI.ROOT_EFFECTIVE);
    t.deepEqual(b.expirationDate, SIM_PKI.ROOT_EXPIRY);
    t.is(b.publicKey.kind, 'ec');
    if (b.publicKey.kind === 'ec') t.is(Buffer.from(b.publicKey.point ?? []).toString('hex'), point);
  }
});

test('verifyDeviceChain on a simulated card: device ← DICA ← known root', (t) => {
  const sim = new SmartCardHsmSimulator();
  const ef = sim.state.files.get(0x2f02);
  t.truthy(ef);
  if (ef === undefined) return;
  const v = verifyDeviceChain(ef);
  t.true(v.deviceVerified);
  t.true(v.rootKnown);
  t.true(v.dicaVerified);
  t.true(v.verified);
  t.is(v.root?.kind, 'simulator');
  t.is(v.summary, `${v.device.body.chr} ← UTDICASIM00001 ← UTSRCASIM00001 (schsm simulator root, simulated device): verified`);
});

test('verifyDeviceChain with an unknown root says so (and still checks the device against the DICA)', (t) => {
  const ef = new SmartCardHsmSimulator().state.files.get(0x2f02);
  if (ef === undefined) return t.fail('no 2F02');
  const [device, dica] = parseCvcChain(ef);
  // Rename the DICA's issuer (its CAR) to a root nobody knows; same length, so the TLV stays valid.
  const renamed = Buffer.from(dica!.bytes).toString('latin1').replace('UTSRCASIM00001', 'UTSRCAXYZ00001');
  const v = verifyDeviceChain(new Uint8Array([...device!.bytes, ...Buffer.from(renamed, 'latin1')]));
  t.true(v.deviceVerified);
  t.false(v.rootKnown);
  t.is(v.dicaVerified, undefined);
  t.false(v.verified);
  t.is(
    v.summary,
    `${device!.body.chr} ← UTDICASIM00001 ← UTSRCAXYZ00001 (unknown root): NOT verified to a known root (the device certificate verifies with the DICA key)`,
  );
  const alone = verifyDeviceChain(device!.bytes);
  t.regex(alone.summary, /no DICA certificate/);
});

test('dates are six unpacked BCD digits', (t) => {
  t.deepEqual(parseCvcDate(hex('020600010001')), new Date(Date.UTC(2026, 0, 1)));
  t.throws(() => parseCvcDate(hex('0206000100')), { instanceOf: CvcError });
});

test('request hash sanity: the digest OpenSC put in the RSA DigestInfo is SHA-256 of the text', (t) => {
  t.is(createHash('sha256').update(text).digest('hex').toUpperCase(), '2B34C95A99805E06734CCB69931A97EE9A25C66F2217D2C7D066C78D8794E97C');
});
