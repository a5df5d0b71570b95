// `schsm clone` copies CA certificates (CAxx + C8xx) and public data objects (CFxx + C9xx) with their
// descriptions, says it does not copy private data objects, and leaves what the target has alone.
// Expected bytes: the source card's own files (the copy must be byte for byte), the certificate OpenSSL made.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../../src/apdu/hex.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { createSimulatorTransport, type SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { opensslRootCa } from '../../helpers/openssl-keys.ts';
import { newSim, PEER_SHARE, runOn, runWith, setupCard, tempDir, USER_PIN } from './helpers.ts';

const env = { P: USER_PIN, PW: PEER_SHARE.password };

function twoReaders(a: SmartCardHsmSimulator, b: SmartCardHsmSimulator) {
  return (argv: string[]) =>
    runWith(argv, {
      env,
      open: async (src) =>
        createSimulatorTransport({ simulator: src.reader === 'reader A' ? a : src.reader === 'reader B' ? b : newSim() }),
    });
}

test('clone copies CA certificates and public data objects, reports private ones, then finds them present', async (t) => {
  const [a, b] = [newSim(), newSim()];
  await setupCard(a, { dkek: true });
  await setupCard(b, { dkek: true });
  const dir = tempDir();
  const f = (n: string): string => path.join(dir, n);
  opensslRootCa(dir, 'Clone Root');
  writeFileSync(f('pub.txt'), 'public config\n');
  writeFileSync(f('priv.txt'), 'secret config\n');
  const onA = (argv: string[]) => runOn(a, argv, { env, cwd: dir });
  t.is((await onA(['certs', 'import', 'ca.pem', '--label', 'Clone Root', '--id', '77', '--pin-env', 'P'])).code, EXIT.OK);
  t.is((await onA(['data', 'put', 'pub.txt', '--label', 'pub', '--no-private', '--oid', '1.2.3', '--pin-env', 'P'])).code, EXIT.OK);
  t.is((await onA(['data', 'put', 'priv.txt', '--label', 'priv', '--pin-env', 'P'])).code, EXIT.OK);
  const run = twoReaders(a, b);
  const dry = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--dry-run']);
  t.is(dry.code, EXIT.OK, dry.stderr);
  t.regex(dry.stdout, /CA certificate "Clone Root" \(CA00\) — would be copied/);
  t.false(b.state.files.has(0xca00), 'a dry run writes nothing');
  const r = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(r.code, EXIT.OK, `${r.stdout}${r.stderr}`);
  t.regex(r.stdout, /CA certificate "Clone Root" \(CA00\) — copied to CA00\n/);
  t.regex(r.stdout, /data object "pub" \(CF00\) — copied to CF00\n/);
  t.regex(r.stdout, /data object "priv" \(CD01\) — not copied: private: its content is read only after the user PIN/);
  for (const [from, to] of [
    [0xca00, 0xca00],
    [0xc800, 0xc800],
    [0xcf00, 0xcf00],
  ] as const)
    t.is(
      toHex(b.state.files.get(to) ?? new Uint8Array()),
      toHex(a.state.files.get(from) ?? new Uint8Array()),
      `${to.toString(16)} as on the source`,
    );
  t.false(b.state.files.has(0xcd01) || b.state.files.has(0xcd00), 'the private object stays on the source');
  const list = JSON.parse((await runOn(b, ['data', 'list', '--json'])).stdout) as { label: string; oid: string }[];
  t.deepEqual(
    list.map((o) => [o.label, o.oid]),
    [['pub', '1.2.3']],
  );
  const again = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P', '--json']);
  t.is(again.code, EXIT.OK, again.stderr);
  const objects = (JSON.parse(again.stdout) as { objects: { name: string; ok: boolean; result: string }[] }).objects;
  t.deepEqual(
    objects.map((o) => [o.name, o.result.startsWith('not copied') ? 'not copied' : o.result]),
    [
      ['"Clone Root" (CA00)', 'already on the target'],
      ['"pub" (CF00)', 'already on the target'],
      ['"priv" (CD01)', 'not copied'],
    ],
  );
});
