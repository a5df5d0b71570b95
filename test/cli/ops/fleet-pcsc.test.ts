/**
 * `schsm fleet status` through the REAL PC/SC stack, with a "remote host": two simulated devices in
 * the main pcscd's vpcd readers, a third in a second pcscd in a private mount namespace
 * (test/helpers/private-pcscd.ts), reached with --socket through a worker process. The pool is
 * consistent; after a key is deleted on the remote device (also through its socket, by `keys
 * delete`: other commands use the socket transport too) it is not, and the remote device is named.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openDefaultTransport } from '../../../src/cli/default-context.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { requirePrivatePcscd, withPrivatePcscd } from '../../helpers/private-pcscd.ts';
import { requirePcscd, withVirtualCards } from '../../helpers/vpcd.ts';
import { PEER_SHARE, runWith, tempDir } from './helpers.ts';
import { aesKcv, consistentPool, env, fingerprintOf } from './fleet-pool.ts';

interface JsonDevice {
  readonly host: string;
  readonly reader: string;
  readonly differs: boolean;
  readonly dkek: readonly { readonly kcv: string | null }[];
  readonly keys: readonly { readonly label: string; readonly publicKeyFingerprint: string | null }[];
}

test.serial('fleet status: local vpcd readers and a private pcscd behind --socket; consistent, then device 3 differs', async (t) => {
  if (!(await requirePcscd(t)) || !requirePrivatePcscd(t)) return;
  const sims = await consistentPool();
  const fp = await fingerprintOf(sims.A, 1);
  await withVirtualCards([sims.A, sims.B], ([ra, rb]) =>
    withPrivatePcscd(sims.C, async (remote) => {
      const run = (argv: string[]) => runWith(argv, { env, open: openDefaultTransport });
      const r = await run(['fleet', 'status', '--socket', `${remote.socket}=rack-b`, '--json']);
      t.is(r.code, EXIT.OK, `${r.stdout}\n${r.stderr}`);
      const doc = JSON.parse(r.stdout) as { consistent: boolean; devices: JsonDevice[] };
      t.true(doc.consistent);
      t.deepEqual(
        doc.devices.map((d) => [d.host, d.reader]),
        [
          ['local', ra.readerName],
          ['local', rb.readerName],
          ['rack-b', remote.readerName],
        ],
      );
      for (const d of doc.devices) {
        t.is(d.dkek[0]?.kcv, PEER_SHARE.kcv);
        t.is(d.keys.find((k) => k.label === 'ec:prime256v1')?.publicKeyFingerprint, fp);
      }

      // with a PIN, the local cards found (not named) are not logged in to: refused, nothing spent
      const remoteLogin = await run(['fleet', 'status', '--pin-env', 'P', '--no-local', '--socket', remote.socket, '--json']);
      t.is(remoteLogin.code, EXIT.OK, remoteLogin.stderr);
      const aesKey = [...sims.C.state.keys.values()].find((k) => k.kind === 'aes');
      const aesJson = (
        JSON.parse(remoteLogin.stdout) as { devices: { keys: { label: string; aesCheckValue: unknown }[] }[] }
      ).devices[0]?.keys.find((k) => k.label === 'aes:128');
      t.deepEqual(aesJson?.aesCheckValue, {
        value: aesKey === undefined ? 'no AES key' : aesKcv(aesKey.material),
        method: 'aes-cbc-zero-block',
      });
      const refused = await run(['fleet', 'status', '--pin-env', 'P']);
      t.is(refused.code, EXIT.REFUSED);
      t.regex(refused.stderr, /2 cards are present .* schsm tries a PIN only on devices you name/);
      t.regex(refused.stderr, new RegExp(`--reader ${ra.index} --reader ${rb.index}`));
      for (const s of [sims.A, sims.B, sims.C]) t.is(s.state.userPin?.retries, 3, 'no PIN try lost');

      // the remote device loses key 1, deleted through its socket by an ordinary command
      const viaSocket = await runWith(['keys', 'delete', '--ref', '1', '--yes', '--pin-env', 'P'], {
        env,
        open: (src) => openDefaultTransport({ ...src, reader: remote.readerName, pcscSocket: remote.socket }),
      });
      t.is(viaSocket.code, EXIT.OK, viaSocket.stderr);
      t.false(sims.C.state.keys.has(1), 'deleted on the remote card');
      t.true(sims.A.state.keys.has(1), 'not on the local ones');

      const after = await run(['fleet', 'status', '--socket', `${remote.socket}=rack-b`]);
      t.is(after.code, EXIT.FAILED, after.stdout);
      t.regex(after.stdout, new RegExp(`^Device 3: UTSM\\d+ \\(rack-b: ${remote.readerName}\\) {2}<- differs$`, 'm'));
      t.regex(after.stdout, /^NOT consistent: device 3 differs from the others$/m);

      const remoteOnly = await run(['fleet', 'status', '--no-local', '--socket', remote.socket, '--json']);
      t.is(remoteOnly.code, EXIT.OK, remoteOnly.stderr);
      t.deepEqual(
        (JSON.parse(remoteOnly.stdout) as { devices: JsonDevice[] }).devices.map((d) => d.host),
        [remote.socket],
      );
    }),
  );
});

test('fleet status --socket: a path that is no socket is refused before any worker starts (exit 3)', async (t) => {
  const r = await runWith(['fleet', 'status', '--no-local', '--socket', '/nonexistent/pcscd.comm'], { open: openDefaultTransport });
  t.is(r.code, EXIT.NO_CARD);
  t.regex(r.stderr, /no pcscd socket at \/nonexistent\/pcscd\.comm \(missing\)/);
});

test('fleet status --socket: a host whose pcscd does not answer is reported and fails the check (exit 1)', async (t) => {
  // a socket file nobody listens on (bound, never listened: connecting is refused), as a dead SSH forward leaves
  const dead = path.join(tempDir(), 'dead.comm');
  execFileSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', dead]);
  const r = await runWith(['fleet', 'status', '--no-local', '--socket', `${dead}=rack-c`, '--json'], { open: openDefaultTransport });
  t.is(r.code, EXIT.FAILED, r.stderr);
  const doc = JSON.parse(r.stdout) as { consistent: boolean; devices: unknown[]; unreadable: { host: string; error: string }[] };
  t.false(doc.consistent);
  t.deepEqual(doc.devices, []);
  t.is(doc.unreadable[0]?.host, 'rack-c');
  t.regex(doc.unreadable[0]?.error ?? '', /^could not list the readers: /);
});
