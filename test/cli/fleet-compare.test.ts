/**
 * The comparison behind `schsm fleet status` (src/card/fleet/compare.ts), on hand-made
 * snapshots: the majority decides who differs (with a tie, everyone holding a value does), an unknown
 * value (a hidden KCV, an AES check value not computed) is never a difference but is listed as not
 * verified, the key reference may differ, and firmware/PIN differences are reported without counting.
 */
import test from 'ava';
import { compareFleet, outliers } from '../../src/card/fleet/compare.ts';
import type { DeviceSnapshot, FleetKey } from '../../src/card/fleet/snapshot.ts';

const KCV = '6C609824B9CA28EB';
const FP = 'cf91448364b82a4d3d81caa958758cd4f4981467fd4aa427f4e59e2bafbd9548';

const ec = (ref: number, fp = FP): FleetKey => ({
  ref,
  match: 'id:f4f4',
  type: 'EC prime256v1',
  label: 'signer',
  id: 'f4f4',
  fingerprint: fp,
  aes: undefined,
});
const aes = (value: string | undefined): FleetKey => ({
  ref: 2,
  match: 'id:02',
  type: 'AES 128',
  label: 'master',
  id: '02',
  fingerprint: undefined,
  aes: value === undefined ? { kind: 'none', reason: 'not computed' } : { kind: 'value', method: 'aes-cbc-zero-block', value },
});

function device(serial: string, keys: FleetKey[], more: Partial<DeviceSnapshot> = {}): DeviceSnapshot {
  return {
    host: 'local',
    reader: `reader ${serial}`,
    serial,
    label: undefined,
    firmware: '3.5',
    initialized: true,
    userPin: { ref: 0x81, state: 'not-verified', retriesLeft: 3 },
    soPin: { ref: 0x88, state: 'not-verified', retriesLeft: 15 },
    domains: [{ domain: 0, total: 1, outstanding: 0, kcv: KCV, kcvHidden: false }],
    keys,
    ...more,
  };
}

test('outliers: strict majority, ties, unknown values', (t) => {
  t.deepEqual(outliers(['a', 'a', 'b']), [2]);
  t.deepEqual(outliers(['a', 'b']), [0, 1]);
  t.deepEqual(outliers(['a', undefined, 'a']), []);
  t.deepEqual(outliers(['a', 'a', 'b', 'b', 'c']), [0, 1, 2, 3, 4]);
  t.deepEqual(outliers([]), []);
});

test('compareFleet: the same keys at other references are consistent; firmware and PIN only noted', (t) => {
  const v = compareFleet([
    device('A', [ec(1), aes('0A1B2C')]),
    device('B', [aes('0A1B2C'), ec(5)], { firmware: '3.6' }),
    device('C', [ec(3), aes('0A1B2C')], { userPin: { ref: 0x81, state: 'blocked', retriesLeft: 0 } }),
  ]);
  t.true(v.consistent);
  t.deepEqual(v.differing, []);
  t.deepEqual(
    v.differences.map((d) => [d.aspect, d.counts, d.differing]),
    [
      ['firmware', false, [1]],
      ['user-pin', false, [2]],
    ],
  );
  t.deepEqual(v.notVerified, []);
});

test('compareFleet: another public key, another AES value, a missing key and another DKEK are counted', (t) => {
  const other = 'ab'.repeat(32);
  const v = compareFleet([
    device('A', [ec(1), aes('0A1B2C')]),
    device('B', [ec(1, other), aes('0A1B2C')]),
    device('C', [ec(1), aes('FFFFFF')], { domains: [{ domain: 0, total: 1, outstanding: 0, kcv: '0011223344556677', kcvHidden: false }] }),
    device('D', [aes('0A1B2C')]),
  ]);
  t.false(v.consistent);
  t.deepEqual(v.differing, [1, 2, 3]);
  const byWhat = Object.fromEntries(v.differences.map((d) => [d.what, d.differing]));
  t.deepEqual(byWhat, {
    'DKEK (key domain 0)': [2],
    'key ID 02 "master"': [2],
    'key ID f4f4 "signer"': [1, 3],
  });
});

test('compareFleet: a hidden KCV and an uncomputed AES value are not verified, not different', (t) => {
  const hidden = [{ domain: 0, total: 1, outstanding: 0, kcv: undefined, kcvHidden: true }];
  const v = compareFleet([device('A', [aes('0A1B2C')]), device('B', [aes(undefined)], { domains: hidden })]);
  t.true(v.consistent);
  t.is(v.notVerified.length, 2);
  t.regex(v.notVerified[0] ?? '', /^DKEK KCV of key domain 0 on device 2: the card hides it/);
  t.regex(v.notVerified[1] ?? '', /^key ID 02: its AES check value is not known on every device/);
});

test('compareFleet: no DKEK against an incomplete one against a complete one', (t) => {
  const v = compareFleet([
    device('A', []),
    device('B', [], { domains: undefined }),
    device('C', [], { domains: [{ domain: 0, total: 2, outstanding: 1, kcv: undefined, kcvHidden: false }] }),
  ]);
  t.deepEqual(v.differences[0]?.values, [KCV, 'none', 'incomplete (1 of 2 share(s) missing)']);
  t.deepEqual(v.differing, [0, 1, 2]);
});
