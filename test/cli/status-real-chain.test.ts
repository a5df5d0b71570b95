/**
 * `schsm status` on the chain of a REAL Nitrokey HSM 2 (fixtures/cvc/README.md): the simulator serves
 * that EF 2F02, so the whole path — READ BINARY, serial from the CHR, chain verification to the
 * built-in CardContact production root, the status lines and the exit code — is exercised.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { fromHex } from '../../src/apdu/hex.ts';
import { KNOWN_ROOTS, rootFromCertificate, verifyDeviceChain } from '../../src/card/cvc-verify.ts';
import { chainVerdict } from '../../src/cli/commands/status/run.ts';
import { EXIT } from '../../src/cli/exit-codes.ts';
import { simRootCertificate } from '../../src/sim/index.ts';
import { newSim, runOn } from './ops/helpers.ts';

const NITROKEY_2F02 = fromHex(readFileSync(new URL('../../fixtures/cvc/nitrokey-hsm2-ef2f02.hex', import.meta.url), 'utf8').trim());
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const fromLatin1 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function simWith2f02(ef: Uint8Array): ReturnType<typeof newSim> {
  const sim = newSim();
  sim.state.files.set(0x2f02, ef);
  return sim;
}

test('status of a card with the real Nitrokey EF 2F02: serial, device, chain verified to the CardContact production root', async (t) => {
  const r = await runOn(simWith2f02(NITROKEY_2F02), ['status']);
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stdout, /^Serial number {8}: DENK0404144$/m);
  t.regex(r.stdout, /^Device certificate {3}: DENK040414400000 \(issued by DEDINK0400001\)$/m);
  t.true(
    r.stdout
      .split('\n')
      .includes('Certificate chain    : DENK040414400000 ← DEDINK0400001 ← DESRCACC100001 (CardContact production root): verified'),
    r.stdout,
  );
  t.is(r.stderr, '');
});

test('status --json of the real chain: root kind production, every link verified', async (t) => {
  const r = await runOn(simWith2f02(NITROKEY_2F02), ['status', '--json']);
  t.is(r.code, EXIT.OK, r.stderr);
  const d = JSON.parse(r.stdout).deviceCertificate;
  t.like(d, {
    chr: 'DENK040414400000',
    dica: 'DEDINK0400001',
    root: 'DESRCACC100001',
    rootKind: 'production',
    rootKnown: true,
    deviceVerified: true,
    dicaVerified: true,
    verified: true,
  });
});

test('status fails when the DICA signature does not verify with the known root', async (t) => {
  const ef = NITROKEY_2F02.slice();
  ef[ef.length - 1] = (ef[ef.length - 1] ?? 0) ^ 0x01;
  const r = await runOn(simWith2f02(ef), ['status']);
  t.is(r.code, EXIT.FAILED);
  t.regex(r.stdout, /^Certificate chain {4}: .*DICA certificate does NOT verify with the key of root DESRCACC100001$/m);
  t.regex(r.stderr, /error: the DICA certificate does not verify with root DESRCACC100001: this may not be a genuine device/);
});

test('status with an unknown root: says unknown and NOT verified, without failing', async (t) => {
  const r = await runOn(simWith2f02(fromLatin1(latin1(NITROKEY_2F02).replace('DESRCACC100001', 'DESRCAZZ100001'))), ['status']);
  t.is(r.code, EXIT.OK, r.stderr);
  t.regex(r.stdout, /^Certificate chain {4}: DENK040414400000 ← DEDINK0400001 ← DESRCAZZ100001 \(unknown root\): NOT verified/m);
  t.notRegex(r.stdout, /\): verified$/m);
});

test('a chain verified to a TEST root: status warns that the device is not a production device', (t) => {
  const ef = newSim().state.files.get(0x2f02);
  if (ef === undefined) return t.fail('no 2F02');
  const asTest = rootFromCertificate(simRootCertificate(), 'test', KNOWN_ROOTS.find((r) => r.kind === 'test')?.label ?? '');
  const verdict = chainVerdict(verifyDeviceChain(ef, [asTest]));
  t.is(verdict.error, undefined);
  t.is(verdict.warning, "the device chains to CardContact's TEST root UTSRCASIM00001: it is not a production SmartCard-HSM");
  t.deepEqual(chainVerdict(verifyDeviceChain(NITROKEY_2F02)), {}, 'nothing to add for the production root');
});
