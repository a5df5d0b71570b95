// Issue 10 item 4: init --transport-pin, key use refused until `pin change`, status and pin status show it.
// What the card answers is CardContact's (option 0x0002: VERIFY 81 → 6984 with or without data, §3.6, §3.9).
import test from 'ava';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { assertNoSecrets, newSim, runOn, SO_PIN, USER_PIN } from './helpers.ts';

const TRANSPORT = '482910';
const env = { SO: SO_PIN, T: TRANSPORT, P: USER_PIN };
const pinTries = (apdus: readonly Uint8Array[]): number => apdus.filter((a) => a[1] === 0x20 && a.length > 4).length;

test('init --transport-pin: the PIN given is a transport PIN; status, pin status (and --json) say so', async (t) => {
  const sim = newSim();
  const apdus: Uint8Array[] = [];
  const init = await runOn(
    sim,
    ['init', '--yes', '--transport-pin', '--so-pin-env', 'SO', '--pin-env', 'T', '--dkek-shares', '0', '--json'],
    {
      env,
      apdus,
    },
  );
  t.is(init.code, EXIT.OK, init.stderr);
  t.like(JSON.parse(init.stdout), { initialized: true, transportPin: true, userPin: 'transport-pin' });
  // INITIALIZE DEVICE 80 50 00 00 | 80 02 0003: RESET RETRY COUNTER enabled + transport PIN (§3.9)
  const initialize = apdus.find((a) => a[0] === 0x80 && a[1] === 0x50);
  t.deepEqual([...(initialize ?? new Uint8Array(0)).subarray(5, 9)], [0x80, 0x02, 0x00, 0x03]);
  t.is(sim.state.transportPin, true);

  const text = await runOn(sim, ['status']);
  t.regex(text.stdout, /^ {2}Transport PIN mode$/m);
  t.regex(text.stdout, /^User PIN tries left {2}: transport PIN set, change it before first use$/m);
  t.like(JSON.parse((await runOn(sim, ['status', '--json'])).stdout), { userPin: { state: 'transport-pin' }, options: { value: 3 } });
  t.is((await runOn(sim, ['pin', 'status'])).stdout, 'User PIN             : transport PIN (must be changed before first use)\n');
  t.deepEqual(JSON.parse((await runOn(sim, ['pin', 'status', '--json'])).stdout), {
    pin: 'user-pin',
    state: 'transport-pin',
    retriesLeft: null,
  });
  assertNoSecrets(t, init, [TRANSPORT, SO_PIN]);
});

test('key use is refused (exit 1, no PIN sent) until pin change replaces the transport PIN; then it works', async (t) => {
  const sim = newSim();
  t.is(
    (await runOn(sim, ['init', '--yes', '--transport-pin', '--so-pin-env', 'SO', '--pin-env', 'T', '--dkek-shares', '0'], { env })).code,
    EXIT.OK,
  );
  const apdus: Uint8Array[] = [];
  const refused = await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'T'], { env, apdus });
  t.is(refused.code, EXIT.FAILED);
  t.regex(refused.stderr, /the user PIN is still the transport PIN/);
  t.regex(refused.stderr, /schsm pin change/);
  t.is(pinTries(apdus), 0);
  t.is(sim.state.keys.size, 0);
  t.is((await runOn(sim, ['pin', 'verify', '--pin-env', 'T'], { env })).code, EXIT.FAILED);
  t.is(sim.state.userPin?.retries, 3, 'no try spent');

  const change = await runOn(sim, ['pin', 'change', '--pin-env', 'T', '--new-pin-env', 'P', '--allow-last-try', '--json'], { env });
  t.is(change.code, EXIT.OK, change.stderr);
  t.like(JSON.parse(change.stdout), { changed: 'user-pin' });
  t.is(sim.state.transportPin, false);
  const gen = await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], { env });
  t.is(gen.code, EXIT.OK, gen.stderr);
  t.is((await runOn(sim, ['pin', 'status'])).stdout, 'User PIN             : 3 tries left\n');
  assertNoSecrets(t, change, [TRANSPORT, USER_PIN]);
});

test('init --transport-pin --label is a usage error before the card is touched (the label needs a login)', async (t) => {
  const sim = newSim();
  const apdus: Uint8Array[] = [];
  const r = await runOn(sim, ['init', '--yes', '--transport-pin', '--label', 'x', '--so-pin-env', 'SO', '--pin-env', 'T'], { env, apdus });
  t.is(r.code, EXIT.USAGE);
  t.regex(r.stderr, /--label cannot be combined with --transport-pin/);
  t.is(apdus.length, 0);
});
