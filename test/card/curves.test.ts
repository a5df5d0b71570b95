// The curve table against OpenSSL's explicit-parameter export of each named curve (SEC 2 / RFC 5639).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { CURVES, curveByName, curveByPrime } from '../../src/card/curves.ts';
import { curveOfKey, ecPointOf } from '../../src/card/cvc-key.ts';

/** Minimal DER walker, test-only (independent of src/apdu/tlv.ts). */
function der(b: Uint8Array, i = 0): { tag: number; v: Uint8Array; next: number } {
  let len = b[i + 1]!;
  let h = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let k = 0; k < n; k++) len = len * 256 + b[i + 2 + k]!;
    h = 2 + n;
  }
  return { tag: b[i]!, v: b.subarray(i + h, i + h + len), next: i + h + len };
}
function children(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < b.length; ) {
    const t = der(b, i);
    out.push(t.v);
    i = t.next;
  }
  return out;
}
const unsigned = (x: Uint8Array): string => Buffer.from(x.subarray(x.findIndex((v) => v !== 0))).toString('hex');

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
}

for (const curve of CURVES) {
  test(`${curve.name}: p, a, b, G, n, h equal openssl ecparam -param_enc explicit`, (t) => {
    if (!opensslAvailable()) {
      if (process.env.CI !== undefined) return t.fail('openssl is required in CI');
      t.log('SKIPPED: openssl not found');
      console.warn(`SKIPPED curve check ${curve.name}: openssl not found`);
      return t.pass();
    }
    const out = new Uint8Array(execFileSync('openssl', ['ecparam', '-name', curve.name, '-param_enc', 'explicit', '-outform', 'DER']));
    const [, fieldId, curveSeq, base, order, cofactor] = children(der(out).v);
    const [, p] = children(fieldId!);
    const [a, b] = children(curveSeq!);
    t.is(unsigned(curve.p), unsigned(p!), 'p');
    t.is(Buffer.from(curve.a).toString('hex'), Buffer.from(a!).toString('hex'), 'a (full field length)');
    t.is(Buffer.from(curve.b).toString('hex'), Buffer.from(b!).toString('hex'), 'b (full field length)');
    t.is(Buffer.from(curve.g).toString('hex'), Buffer.from(base!).toString('hex'), 'G uncompressed');
    t.is(unsigned(curve.n), unsigned(order!), 'n');
    t.is(unsigned(curve.h), unsigned(cofactor ?? Uint8Array.of(1)), 'h');
    t.is(curve.p.length, curve.fieldBytes);
  });
}

test('curves are found by alias and by prime; node keys map back to the table', (t) => {
  t.is(curveByName('P-256')?.name, 'prime256v1');
  t.is(curveByName('secp256r1')?.name, 'prime256v1');
  t.is(curveByName('p-521')?.fieldBytes, 66);
  for (const c of CURVES) {
    t.is(curveByPrime(c.p)?.name, c.name);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: c.name });
    t.is(curveOfKey(publicKey).name, c.name);
    const point = ecPointOf(publicKey);
    t.is(point.length, 1 + 2 * c.fieldBytes);
    t.is(point[0], 0x04);
  }
});
