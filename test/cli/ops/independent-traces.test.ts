// The recorded bytes of the independent SmartCard-HSM implementation (fixtures/traces/independent-card,
// from ../shared/traces/schsm-vs-independent-card) replayed STRICTLY through the real commands: the other
// oracle beside the test fixture of test/helpers/independent-card.ts.
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { runCliCaptured } from '../../helpers/cli.ts';

const DIR = fileURLToPath(new URL('../../../fixtures/traces/independent-card/', import.meta.url));
const replay = (trace: string, argv: readonly string[], env: Record<string, string> = {}) =>
  runCliCaptured(['trace', 'replay', path.join(DIR, trace), '--', ...argv], { env });

test('status on the recorded independent card: exit 0, serial ESPICOHSMTR, what could not be verified is listed', async (t) => {
  const r = await replay('status.trace', ['status', '--json']);
  t.is(r.code, EXIT.OK, r.stderr);
  const j = JSON.parse(r.stdout);
  t.like(j, {
    initialized: true,
    serial: 'ESPICOHSMTR',
    deviceChr: 'ESPICOHSMTR00001',
    appletType: 'SmartCard-HSM',
    version: { major: 6, minor: 6 },
    keyCount: 2,
    dkek: { total: 1, outstanding: 0, kcv: null, kcvHidden: true },
    userPin: { state: 'not-verified', retriesLeft: 3 },
    soPin: { state: 'not-verified', retriesLeft: 15 },
  });
  t.like(j.deviceCertificate, { layout: 'other', chr: 'ESPICOHSMTR00001', verified: false, rootKnown: false });
  t.deepEqual(
    j.deviceCertificate.selfSignatures.map((s: { what: string; verified: boolean }) => [s.what, s.verified]),
    [
      ['request ESPICOHSMTR00001: self-signature', true],
      ['request: outer signature by the same key', true],
      ['certificate ESPICOHSMTR00001: self-signature', true],
    ],
  );
  t.is(j.notVerified.length, 2);
  t.regex(r.stderr, /warning: the device identity is not verified/);
  t.regex(r.stderr, /replay: all 6 recorded record\(s\) used/);
  const text = await replay('status.trace', ['status']);
  t.regex(text.stdout, /^Serial number {8}: ESPICOHSMTR$/m);
  t.regex(text.stdout, /^DKEK key check value : not shown by the card/m);
  t.regex(text.stdout, /^Device certificate {3}: ESPICOHSMTR00001 \(an authenticated CV request and a self-signed certificate\)$/m);
});

test('keys list on the recorded independent card: keys 1 and 2, never the device key listed as C400', async (t) => {
  const r = await replay('keys-list.trace', ['keys', 'list', '--json']);
  t.is(r.code, EXIT.OK, r.stderr);
  t.deepEqual(
    JSON.parse(r.stdout).map((k: { ref: number; kind: string; label: string; id: string; size: number }) => [
      k.ref,
      k.kind,
      k.label,
      k.id,
      k.size,
    ]),
    [
      [1, 'rsa', 'rsa2048-10', '10', 2048],
      [2, 'ec', 'peer-ec', '02', 256],
    ],
  );
});

test('dkek status --pin-env on the recorded card: zeros before VERIFY, the share KCV after it', async (t) => {
  const r = await replay('dkek-status-login.trace', ['dkek', 'status', '--pin-env', 'PIN', '--json'], { PIN: '000000' });
  t.is(r.code, EXIT.OK, r.stderr);
  t.deepEqual(JSON.parse(r.stdout), {
    present: true,
    total: 1,
    outstanding: 0,
    complete: true,
    kcv: '6C609824B9CA28EB',
    kcvHidden: false,
    afterLogin: true,
  });
});
