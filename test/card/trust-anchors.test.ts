/**
 * The built-in CardContact roots and the chain of a REAL Nitrokey HSM 2 (fixtures/cvc/README.md):
 * device DENK040414400000 ← DICA DEDINK0400001 ← root DESRCACC100001, whose DICA and device keys carry
 * only 06 + 86 and inherit brainpoolP256r1 from the root (§10).
 */
import test from 'ava';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../../src/apdu/hex.ts';
import { curveByName } from '../../src/card/curves.ts';
import { parseCvc, parseCvcChain } from '../../src/card/cvc.ts';
import { ecPointOf } from '../../src/card/cvc-key.ts';
import { KNOWN_ROOTS, rootFromCertificate, signerOf, signerUnder, verifyCvc, verifyDeviceChain } from '../../src/card/cvc-verify.ts';
import { CvcError } from '../../src/card/host-errors.ts';
import { CARDCONTACT_PRODUCTION_ROOT_CVC, CARDCONTACT_TEST_ROOT_CVC } from '../../src/card/trust-anchors.ts';
import { simRootCertificate, SmartCardHsmSimulator } from '../../src/sim/index.ts';

const NITROKEY_2F02 = fromHex(readFileSync(new URL('../../fixtures/cvc/nitrokey-hsm2-ef2f02.hex', import.meta.url), 'utf8').trim());
const REAL_SUMMARY = 'DENK040414400000 ← DEDINK0400001 ← DESRCACC100001 (CardContact production root): verified';
/** The production root's public point (its 7F49 tag 86), as printed in smartcardhsm.js. */
const PROD_ROOT_Q =
  '046D025A8026CDBA245F10DF1B72E9880FFF746DAB40A43A3D5C6BEBF27707C30F6DEA72430EE3287B0665C1EAA6EAA4FA26C46303001983F82BD1AA31E03DA062';
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const fromLatin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

test('both CardContact roots are self-issued and their self-signatures verify (the bytes are intact)', (t) => {
  for (const [hex, chr, kind] of [
    [CARDCONTACT_PRODUCTION_ROOT_CVC, 'DESRCACC100001', 'production'],
    [CARDCONTACT_TEST_ROOT_CVC, 'UTSRCACC100001', 'test'],
  ] as const) {
    const cert = parseCvc(fromHex(hex));
    t.is(cert.body.chr, chr);
    t.is(cert.body.car, chr);
    t.is(
      cert.body.publicKey.kind === 'ec' ? cert.body.publicKey.curve?.name : undefined,
      'brainpoolP256r1',
      'explicit domain parameters 81..87',
    );
    t.deepEqual(cert.body.effectiveDate, new Date(Date.UTC(2012, 10, 9)));
    t.deepEqual(cert.body.expirationDate, new Date(Date.UTC(2032, 10, 8)));
    const signer = signerOf(cert.body.publicKey);
    t.true(verifyCvc(cert, signer), `${chr} self-signature`);
    const known = KNOWN_ROOTS.find((r) => r.chr === chr);
    t.is(known?.kind, kind);
    t.true(known?.key.equals(signer.key));
  }
  const prod = parseCvc(fromHex(CARDCONTACT_PRODUCTION_ROOT_CVC));
  t.false(
    verifyCvc(prod, signerOf(parseCvc(fromHex(CARDCONTACT_TEST_ROOT_CVC)).body.publicKey)),
    'the test root key does not verify the production root',
  );
  t.is(toHex(ecPointOf(signerOf(prod.body.publicKey).key)), PROD_ROOT_Q);
});

test('KNOWN_ROOTS: production, TEST (labelled as not production) and the simulator root', (t) => {
  t.deepEqual(
    KNOWN_ROOTS.map((r) => [r.chr, r.kind]),
    [
      ['DESRCACC100001', 'production'],
      ['UTSRCACC100001', 'test'],
      ['UTSRCASIM00001', 'simulator'],
    ],
  );
  t.regex(KNOWN_ROOTS[1]?.label ?? '', /TEST root, not a production device/);
});

test('the real Nitrokey HSM 2 EF 2F02: bytes, keys without domain parameters, tag 65 in the DICA', (t) => {
  t.is(createHash('sha256').update(NITROKEY_2F02).digest('hex'), '1b7763b72b871f37a4cc43808b72d65a915a488420fa18c0137f8389260d9aa4');
  const [device, dica] = parseCvcChain(NITROKEY_2F02);
  t.is(device?.body.chr, 'DENK040414400000');
  t.is(device?.body.car, 'DEDINK0400001');
  t.is(dica?.body.chr, 'DEDINK0400001');
  t.is(dica?.body.car, 'DESRCACC100001');
  t.deepEqual(dica?.body.expirationDate, new Date(Date.UTC(2032, 9, 29)));
  t.true(toHex(dica?.body.bytes ?? new Uint8Array()).endsWith('5F24060302010002096500'), 'empty extensions 65 00 after the dates');
  for (const c of [device, dica]) {
    const pk = c?.body.publicKey;
    t.is(pk?.kind, 'ec');
    if (pk?.kind !== 'ec') continue;
    t.is(pk.curve, undefined, `${c?.body.chr}: only 06 + 86`);
    t.is(pk.point?.length, 65);
    t.is(signerUnder(pk, undefined), undefined, 'no curve to inherit, no key');
    t.throws(() => signerOf(pk), { instanceOf: CvcError, message: /no issuer curve to inherit/ });
  }
});

test('the real Nitrokey chain verifies device ← DEDINK0400001 ← DESRCACC100001 (CardContact production root)', (t) => {
  const v = verifyDeviceChain(NITROKEY_2F02);
  t.is(v.device.body.chr, 'DENK040414400000');
  t.is(v.device.body.chr.slice(0, -5), 'DENK0404144', 'serial = CHR minus the 5-digit sequence');
  t.is(v.dica?.body.chr, 'DEDINK0400001');
  t.is(v.rootChr, 'DESRCACC100001');
  t.true(v.rootKnown);
  t.is(v.root?.kind, 'production');
  t.true(v.deviceVerified);
  t.true(v.dicaVerified);
  t.true(v.verified);
  t.is(v.summary, REAL_SUMMARY);
  // The device key inherits brainpoolP256r1 root → DICA → device.
  t.is(v.deviceKey?.curve?.name, 'brainpoolP256r1');
  const point = v.device.body.publicKey.kind === 'ec' ? v.device.body.publicKey.point : undefined;
  t.deepEqual(v.deviceKey === undefined ? undefined : ecPointOf(v.deviceKey.key), point);
});

test('one flipped bit in the device signature: the device certificate does not verify', (t) => {
  const ef = NITROKEY_2F02.slice();
  const deviceLength = parseCvcChain(ef)[0]?.bytes.length ?? 0;
  t.is(deviceLength, 0xe4 + 4);
  ef[deviceLength - 1] = (ef[deviceLength - 1] ?? 0) ^ 0x01; // last byte of the device's 5F37 (s)
  const v = verifyDeviceChain(ef);
  t.false(v.deviceVerified);
  t.true(v.dicaVerified, 'the DICA is untouched');
  t.false(v.verified);
  t.is(
    v.summary,
    'DENK040414400000 ← DEDINK0400001 ← DESRCACC100001 (CardContact production root): device certificate does NOT verify with the key of DICA DEDINK0400001',
  );
});

test('one flipped bit in the DICA signature: the DICA does not verify with the root', (t) => {
  const ef = NITROKEY_2F02.slice();
  ef[ef.length - 1] = (ef[ef.length - 1] ?? 0) ^ 0x01;
  const v = verifyDeviceChain(ef);
  t.true(v.deviceVerified);
  t.false(v.dicaVerified);
  t.false(v.verified);
  t.regex(v.summary, /: DICA certificate does NOT verify with the key of root DESRCACC100001$/);
});

test('the same root CHR with another valid point (G instead of Q) does not verify: the key matters, not the name', (t) => {
  const g = toHex(curveByName('brainpoolP256r1')?.g ?? new Uint8Array());
  t.is(CARDCONTACT_PRODUCTION_ROOT_CVC.split(`8641${PROD_ROOT_Q}`).length, 2, 'Q occurs once, as tag 86');
  const forged = rootFromCertificate(
    fromHex(CARDCONTACT_PRODUCTION_ROOT_CVC.replace(`8641${PROD_ROOT_Q}`, `8641${g}`)),
    'production',
    'forged',
  );
  t.is(forged.chr, 'DESRCACC100001');
  t.false(verifyCvc(parseCvc(forged.certificate ?? new Uint8Array()), forged), 'its self-signature fails');
  const v = verifyDeviceChain(NITROKEY_2F02, [forged]);
  t.is(v.root, forged, "the caller's root is searched first");
  t.true(v.deviceVerified, 'same curve, so the DICA key is still built');
  t.false(v.dicaVerified);
  t.false(v.verified);
  t.notRegex(v.summary, /: verified$/);
});

test('an unknown root is reported unknown, not verified (the DICA key cannot even be built without its curve)', (t) => {
  const renamed = fromLatin1(latin1(NITROKEY_2F02).replace('DESRCACC100001', 'DESRCAZZ100001'));
  const v = verifyDeviceChain(renamed);
  t.is(v.rootChr, 'DESRCAZZ100001');
  t.false(v.rootKnown);
  t.is(v.root, undefined);
  t.is(v.deviceVerified, undefined);
  t.is(v.dicaVerified, undefined);
  t.false(v.verified);
  t.is(v.deviceKey, undefined);
  t.is(
    v.summary,
    'DENK040414400000 ← DEDINK0400001 ← DESRCAZZ100001 (unknown root): NOT verified: the DICA key inherits its domain parameters from an unknown root',
  );
});

test('a DICA naming the CardContact TEST root is labelled as such (and does not verify: it was signed by the production root)', (t) => {
  const renamed = fromLatin1(latin1(NITROKEY_2F02).replace('DESRCACC100001', 'UTSRCACC100001'));
  const v = verifyDeviceChain(renamed);
  t.is(v.root?.kind, 'test');
  t.true(v.deviceVerified, 'brainpoolP256r1 inherited from the test root');
  t.false(v.dicaVerified);
  t.is(
    v.summary,
    'DENK040414400000 ← DEDINK0400001 ← UTSRCACC100001 (CardContact TEST root, not a production device): DICA certificate does NOT verify with the key of root UTSRCACC100001',
  );
});

test('a fully verified chain to a test-kind root says "not a production device" in its summary', (t) => {
  // No DICA under UTSRCACC100001 is at hand: the simulator's own root, re-labelled as a test root, stands in.
  const testRoot = KNOWN_ROOTS.find((r) => r.kind === 'test');
  const simAsTest = rootFromCertificate(simRootCertificate(), 'test', testRoot?.label ?? '');
  const ef = new SmartCardHsmSimulator().state.files.get(0x2f02);
  if (ef === undefined) return t.fail('no 2F02');
  const v = verifyDeviceChain(ef, [simAsTest]);
  t.true(v.verified);
  t.regex(v.summary, / ← UTSRCASIM00001 \(CardContact TEST root, not a production device\): verified$/);
});

test('explicit domain parameters must all match the curve their prime names', (t) => {
  const hex = CARDCONTACT_PRODUCTION_ROOT_CVC;
  const a = '82207D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9';
  t.is(hex.split(a).length, 2);
  const badA = hex.replace(a, `${a.slice(0, -2)}D8`);
  t.throws(() => parseCvc(fromHex(badA)), {
    instanceOf: CvcError,
    message: /domain parameter a \(tag 82\) does not match brainpoolP256r1/,
  });
  t.notThrows(() => parseCvc(simRootCertificate()), 'the simulator root (explicit parameters) still parses');
});
