// Issue 10 item 0: every command works on a card with the known differences of the independent
// SmartCard-HSM implementation (../shared/traces/README.md). Each difference is switched on ALONE in
// the test fixture test/helpers/independent-card.ts (the simulator itself stays CardContact's card),
// then all together, and the real commands run against it: status, dkek status, keys generate/list/
// sign/wrap, ECDH, clone in both directions, backup verify. Expected values come from the traces'
// README (peer share KCV 6C609824B9CA28EB), from node:crypto, and from the fixture's own settings.
import test, { type ExecutionContext } from 'ava';
import { createECDH, createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ecdh } from '../../../src/card/commands/decipher.ts';
import { SmartCardHsm } from '../../../src/card/sc-hsm.ts';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { cardTransport, createSimulatorTransport, type SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { ALL_BEHAVIOURS, IndependentCard, type IndependentBehaviours, independentSimulator } from '../../helpers/independent-card.ts';
import { newSim, PEER_SHARE, runWith, setupCard, SO_PIN, tempDir, USER_PIN } from './helpers.ts';

const env = { P: USER_PIN, PW: PEER_SHARE.password, SO: SO_PIN };

interface Case {
  readonly name: string;
  readonly behaviours: IndependentBehaviours;
  /** The independent card's identity: serial ESPICOHSMTR, secp256k1 device key, EF 2F02 = 67 ‖ 7F21. */
  readonly identity: boolean;
}

const CASES: readonly Case[] = [
  { name: 'KCV hidden until VERIFY', behaviours: { hiddenKcv: 'until-login' }, identity: false },
  { name: 'SELECT P2=0C refused', behaviours: { noSelect0C: true }, identity: false },
  { name: 'ECDH answers 04‖X', behaviours: { ecdhXOnly: true }, identity: false },
  { name: 'device key listed as key 0 (C400)', behaviours: { deviceKeyPrkd: true }, identity: false },
  { name: 'other identity strings in SELECT (type FF, 6.6, tag 84)', behaviours: { selectAnswer: true }, identity: false },
  { name: 'EF 2F02 = 67 request ‖ 7F21, serial ESPICOHSMTR, secp256k1 device key', behaviours: {}, identity: true },
  { name: 'all of them (the recorded card)', behaviours: ALL_BEHAVIOURS, identity: true },
];

/** A card with the case's behaviours, initialised like the traces' card (SO-PIN, PIN, the peer DKEK share). */
async function independent(c: Case): Promise<IndependentCard> {
  const inner = c.identity ? independentSimulator() : newSim();
  await setupCard(inner, { dkek: true });
  return new IndependentCard(inner, c.behaviours);
}

/** "reader A" = the independent card, "reader B" = a plain simulated CardContact card. */
function readers(a: IndependentCard, b: SmartCardHsmSimulator) {
  return (argv: readonly string[], cwd?: string) =>
    runWith(argv, {
      env,
      ...(cwd === undefined ? {} : { cwd }),
      open: async (src) => (src.reader === 'reader B' ? createSimulatorTransport({ simulator: b }) : cardTransport(a, 'independent')),
    });
}

const hidden = (c: Case): boolean => c.behaviours.hiddenKcv !== undefined;

async function checkStatus(t: ExecutionContext, c: Case, run: ReturnType<typeof readers>): Promise<void> {
  const s = await run(['status', '--json']);
  t.is(s.code, EXIT.OK, s.stderr);
  const j = JSON.parse(s.stdout);
  t.is(j.serial, c.identity ? 'ESPICOHSMTR' : j.deviceChr.slice(0, -5));
  t.like(j.dkek, { total: 1, outstanding: 0, kcv: hidden(c) ? null : PEER_SHARE.kcv, kcvHidden: hidden(c) });
  t.is(j.keyCount, 1, 'the one key generated; key 0 is never counted');
  t.is(j.deviceCertificate.layout, c.identity ? 'other' : 'device-and-issuer');
  if (c.identity) t.true(j.deviceCertificate.selfSignatures.every((x: { verified: boolean }) => x.verified));
  const expected = [...(hidden(c) ? ['DKEK key check value'] : []), ...(c.identity ? ['device identity'] : [])];
  t.deepEqual(
    j.notVerified.map((n: string) => n.slice(0, n.indexOf(':'))),
    expected,
  );
  t.is(/warning: the device identity is not verified/.test(s.stderr), c.identity);
}

async function checkDkekStatus(t: ExecutionContext, c: Case, run: ReturnType<typeof readers>): Promise<void> {
  const plain = await run(['dkek', 'status']);
  t.is(plain.code, EXIT.OK, plain.stderr);
  t.regex(
    plain.stdout,
    hidden(c) ? /DKEK key check value : not shown by the card/ : new RegExp(`DKEK key check value : ${PEER_SHARE.kcv}`),
  );
  const login = await run(['dkek', 'status', '--pin-env', 'P', '--json']);
  t.is(login.code, EXIT.OK, login.stderr);
  t.like(JSON.parse(login.stdout), { kcv: PEER_SHARE.kcv, kcvHidden: false, afterLogin: hidden(c) });
}

/** keys generate / list / sign / wrap on the independent card; returns the wrapped-key file path. */
async function checkKeys(t: ExecutionContext, run: ReturnType<typeof readers>, dir: string): Promise<string> {
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--label', 'on-a', '--pin-env', 'P'])).code, EXIT.OK);
  const list = JSON.parse((await run(['keys', 'list', '--json'])).stdout);
  t.deepEqual(
    list.map((k: { ref: number; label: string }) => [k.ref, k.label]),
    [[1, 'on-a']],
  );
  writeFileSync(path.join(dir, 'm'), 'independent');
  const sign = await run(['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', 'm', '--out', 'm.sig', '--pin-env', 'P'], dir);
  t.is(sign.code, EXIT.OK, sign.stderr);
  const pub = createPublicKey(list[0].publicKeyPem);
  t.true(verify('sha256', readFileSync(path.join(dir, 'm')), { key: pub, dsaEncoding: 'der' }, readFileSync(path.join(dir, 'm.sig'))));
  const wrap = await run(['keys', 'wrap', '--ref', '1', 'a1.wrapped', '--pin-env', 'P', '--json'], dir);
  t.is(wrap.code, EXIT.OK, wrap.stderr);
  t.is(JSON.parse(wrap.stdout).kcv, PEER_SHARE.kcv, "the blob's first 8 bytes: the KCV the card hid");
  return path.join(dir, 'a1.wrapped');
}

async function checkClone(
  t: ExecutionContext,
  c: Case,
  a: IndependentCard,
  run: ReturnType<typeof readers>,
  b: SmartCardHsmSimulator,
): Promise<void> {
  const origin = hidden(c) ? ' (source: shown after the user PIN was verified; target: shown by the card)' : '';
  const ab = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(ab.code, EXIT.OK, ab.stderr);
  t.is(ab.stdout.split('\n')[0], `DKEK KCV ${PEER_SHARE.kcv} on both devices${origin}`);
  t.regex(ab.stdout, /key 1: EC prime256v1 "on-a" — copied: ECDSA-SHA256 signature over a random challenge: verified; public key equal/);
  t.true(b.state.keys.has(1));
  const gen = await runWith(['keys', 'generate', '--type', 'ec:secp384r1', '--label', 'on-b', '--pin-env', 'P'], {
    env,
    open: async () => createSimulatorTransport({ simulator: b }),
  });
  t.is(gen.code, EXIT.OK);
  const dry = await run(['clone', '--from', 'reader B', '--to', 'reader A', '--dry-run', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(dry.code, EXIT.OK, dry.stderr);
  t.regex(dry.stdout, /key 2: EC secp384r1 "on-b" — would be copied/);
  const ba = await run(['clone', '--from', 'reader B', '--to', 'reader A', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(ba.code, EXIT.OK, ba.stderr);
  t.regex(ba.stdout, /key 1: EC prime256v1 "on-a" — present/);
  t.regex(ba.stdout, /key 2: EC secp384r1 "on-b" — copied: ECDSA-SHA256 signature over a random challenge: verified; public key equal/);
  t.true(a.inner.state.keys.has(2));
}

/** ECDH with the library's ecdh(): the shared x-coordinate, whatever length of answer the card gives. */
async function checkEcdh(t: ExecutionContext, a: IndependentCard): Promise<void> {
  const card = await SmartCardHsm.open(cardTransport(a));
  await card.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: new TextEncoder().encode(USER_PIN) });
  const peer = createECDH('prime256v1');
  peer.generateKeys();
  const shared = await ecdh(card, 1, new Uint8Array(peer.getPublicKey()));
  const jwk = createPublicKey(
    JSON.parse((await runWith(['keys', 'list', '--json'], { open: async () => cardTransport(a) })).stdout)[0].publicKeyPem,
  ).export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
  t.deepEqual(Buffer.from(shared), peer.computeSecret(point));
  await card.close();
}

for (const c of CASES) {
  test(`independent card — ${c.name}: status, dkek status, keys, ECDH, clone both ways`, async (t) => {
    const a = await independent(c);
    const b = newSim();
    await setupCard(b, { dkek: true });
    const run = readers(a, b);
    await checkDkekStatus(t, c, run);
    await checkKeys(t, run, tempDir());
    await checkStatus(t, c, run);
    await checkEcdh(t, a);
    await checkClone(t, c, a, run, b);
    t.is(a.seen.select0C, 0, 'no command sent SELECT with P2=0C');
    t.is(a.seen.ecdhTruncated, c.behaviours.ecdhXOnly === true ? 1 : 0);
    t.is(a.seen.hiddenKcv > 0, hidden(c), 'the fixture did hide the KCV');
  });
}

test('a card that never shows its KCV: dkek status says so even after login; clone takes the source KCV from the blobs and refuses such a target; backup verify of its blob', async (t) => {
  const a = await independent({ name: 'always', behaviours: { ...ALL_BEHAVIOURS, hiddenKcv: 'always' }, identity: true });
  const b = newSim();
  await setupCard(b, { dkek: true });
  const run = readers(a, b);
  const dir = tempDir();
  const dk = await run(['dkek', 'status', '--pin-env', 'P', '--json']);
  t.is(dk.code, EXIT.OK);
  t.like(JSON.parse(dk.stdout), { kcv: null, kcvHidden: true, afterLogin: true });
  t.regex(dk.stderr, /hides the KCV even after the user PIN was verified; a wrapped key shows it/);
  const file = await checkKeys(t, run, dir);
  const ab = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(ab.code, EXIT.OK, ab.stderr);
  t.is(
    ab.stdout.split('\n')[0],
    `DKEK KCV ${PEER_SHARE.kcv} on both devices (source: read from the wrapped keys; target: shown by the card)`,
  );
  const dryAb = await run(['clone', '--from', 'reader A', '--to', 'reader B', '--dry-run', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(dryAb.code, EXIT.OK, dryAb.stderr);
  t.is(dryAb.stdout.split('\n')[0], 'DKEK KCV not compared (a device does not show it, not even after login; nothing to copy)');
  t.regex(dryAb.stdout, /key 1: EC prime256v1 "on-a" — already on the target/);
  await runWith(['keys', 'generate', '--type', 'ec:prime256v1', '--ref', '2', '--pin-env', 'P'], {
    env,
    open: async () => createSimulatorTransport({ simulator: b }),
  });
  const ba = await run(['clone', '--from', 'reader B', '--to', 'reader A', '--pin-env', 'P', '--to-pin-env', 'P']);
  t.is(ba.code, EXIT.REFUSED);
  t.regex(ba.stderr, /the target device does not show its DKEK key check value, not even after the user PIN was verified/);
  t.false(a.inner.state.keys.has(2), 'nothing imported');
  const bv = await runWith(['backup', 'verify', file, '--share', PEER_SHARE.file, '--password-env', 'PW', '--json'], { env });
  t.is(bv.code, EXIT.OK, bv.stderr);
  t.like(JSON.parse(bv.stdout), { blobKcv: PEER_SHARE.kcv, kcvMatches: true, macValid: true, verified: true });
});

test('hidden KCV, different DKEKs: clone (also --dry-run) and keys unwrap refuse right after login, before anything is imported', async (t) => {
  const a = await independent({ name: 'hidden', behaviours: { hiddenKcv: 'until-login' }, identity: false });
  const b = newSim();
  await setupCard(b);
  t.is(
    (
      await runWith(['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P', '--dkek-shares', '0'], {
        env,
        open: async () => createSimulatorTransport({ simulator: b }),
      })
    ).code,
    EXIT.OK,
  );
  const run = readers(a, b);
  const dir = tempDir();
  t.is((await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'])).code, EXIT.OK);
  for (const argv of [
    ['clone', '--from', 'reader A', '--to', 'reader B', '--pin-env', 'P', '--to-pin-env', 'P'],
    ['clone', '--from', 'reader A', '--to', 'reader B', '--dry-run', '--pin-env', 'P', '--to-pin-env', 'P'],
  ]) {
    const r = await run(argv);
    t.is(r.code, EXIT.REFUSED, argv.join(' '));
    t.regex(r.stderr, new RegExp(`the DKEKs differ: source KCV ${PEER_SHARE.kcv}, target KCV [0-9A-F]{16}`));
    t.false(b.state.keys.has(1));
  }
  // a blob of B's (random) DKEK does not go onto A: compared right after VERIFY, before UNWRAP
  t.is(
    (
      await runWith(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'P'], {
        env,
        open: async () => createSimulatorTransport({ simulator: b }),
      })
    ).code,
    EXIT.OK,
  );
  const w = await run(['keys', 'wrap', '--reader', 'reader B', '--ref', '1', 'b.wrapped', '--pin-env', 'P'], dir);
  t.is(w.code, EXIT.OK, w.stderr);
  const apdus: Uint8Array[] = [];
  const u = await runWith(['keys', 'unwrap', 'b.wrapped', '--ref', '9', '--pin-env', 'P'], {
    env,
    cwd: dir,
    open: async () => {
      const tr = cardTransport(a);
      return {
        ...tr,
        name: tr.name,
        atr: tr.atr,
        transmit: async (cmd: Uint8Array) => {
          apdus.push(cmd);
          return tr.transmit(cmd);
        },
        close: () => tr.close(),
        reset: () => tr.reset(),
        exclusive: tr.exclusive,
      };
    },
  });
  t.is(u.code, EXIT.FAILED);
  t.regex(u.stderr, new RegExp(`wrapped under DKEK with KCV [0-9A-F]{16}, but the supplied DKEK has KCV ${PEER_SHARE.kcv}`));
  t.false(
    apdus.some((c) => c[1] === 0x74),
    'no UNWRAP KEY was sent',
  );
  t.false(a.inner.state.keys.has(9));
});

test('uninitialised: the independent card answers the DKEK query 6B00, CardContact 6D00 — status and dkek status report "none" (exit 0)', async (t) => {
  for (const card of [new IndependentCard(newSim(), ALL_BEHAVIOURS), newSim()]) {
    const open = async () => cardTransport(card);
    const s = await runWith(['status'], { open });
    t.is(s.code, EXIT.OK, s.stderr);
    t.regex(s.stdout, /SmartCard-HSM has never been initialized/);
    const d = await runWith(['dkek', 'status', '--json'], { open });
    t.is(d.code, EXIT.OK, d.stderr);
    t.like(JSON.parse(d.stdout), { present: false, kcv: null });
  }
});

test('the fixture really refuses SELECT with P2=0C (6A86), which no schsm command sends', async (t) => {
  const card = new IndependentCard(newSim(), { noSelect0C: true });
  const r = await runWith(['apdu', '00A4040C0BE82B0601040181C31F0201'], { open: async () => cardTransport(card) });
  t.is(r.code, EXIT.FAILED);
  t.regex(r.stdout, /6A86/);
  t.is(card.seen.select0C, 1);
});
