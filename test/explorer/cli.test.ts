// `schsm explore` through runCli: card choice (--sim, --reader, fallback to the simulator when PC/SC
// has no card, said on stderr), the default simulator card in $XDG_STATE_HOME/schsm/sim.json (0600,
// kept between runs, initialised once), --ephemeral, --script / stdin, --keep-going, -v, --record.
import test from 'ava';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CardSource } from '../../src/cli/context.ts';
import { openDefaultTransport, wantsSimulator } from '../../src/cli/default-context.ts';
import { PcscError } from '../../src/transport/pcsc-errors.ts';
import { runCliCaptured, type CliResult } from '../helpers/cli.ts';
import { tempDir } from './helpers.ts';

/** runCli with the simulator for simulator sources and a PC/SC that has no card (or `pcsc`). */
function schsm(
  argv: readonly string[],
  o: { stdin?: string; env?: Record<string, string>; cwd?: string; pcsc?: (s: CardSource) => Promise<never> } = {},
): Promise<CliResult> {
  return runCliCaptured(argv, {
    stdin: o.stdin ?? '',
    env: o.env ?? {},
    cwd: o.cwd ?? tempDir(),
    open: async (source) => {
      if (wantsSimulator(source)) return openDefaultTransport(source);
      if (o.pcsc !== undefined) return o.pcsc(source);
      throw new PcscError('no card in any of 2 reader(s) (Virtual PCD 00 00, Virtual PCD 00 01)', 0x8010000c, {
        code: 'ERR_SCHSM_PCSC_NO_CARD',
      });
    },
  });
}

test('no card on PC/SC: falls back to the simulator, says so, and keeps its card in the state directory', async (t) => {
  const state = tempDir();
  const env = { XDG_STATE_HOME: state };
  const first = await schsm(['explore'], { env, stdin: 'verify user 648219\nkeys generate ec:prime256v1 --label kept\n' });
  t.is(first.code, 0, first.stderr);
  t.regex(
    first.stderr,
    /^no card found \(no card in any of 2 reader\(s\) \(Virtual PCD 00 00, Virtual PCD 00 01\)\); using the built-in SmartCard-HSM simulator \(state in .*\/schsm\/sim\.json\) — pass --reader to choose a reader$/m,
  );
  t.regex(first.stderr, /a new simulated card was initialised with the sc-hsm-tool documentation's example PINs/);
  t.false(first.stderr.includes('648219') || first.stderr.includes('3537363231383830'), 'the PINs themselves are never printed');
  const file = path.join(state, 'schsm', 'sim.json');
  t.is(statSync(file).mode & 0o777, 0o600);
  t.is(statSync(path.dirname(file)).mode & 0o777, 0o700);
  t.deepEqual(Object.keys(first.sources[0] ?? { none: 1 }), ['onChoice'], 'PC/SC was tried first, without a reader');
  t.is(first.sources[1]?.simState, file);
  const second = await schsm(['explore', '--sim'], { env, stdin: 'keys list\n' });
  t.is(second.code, 0, second.stderr);
  t.regex(second.stdout, /^ +1 +EC prime256v1 +kept/m, 'the key survived the restart');
  t.notRegex(second.stderr, /initialised/, 'an existing card is never re-initialised');
});

test('--sim-state FILE and --ephemeral choose other simulator cards; --ephemeral is a fresh, uninitialised one', async (t) => {
  const dir = tempDir();
  const own = path.join(dir, 'own.json');
  const a = await schsm(['explore', '--sim-state', own], { env: { XDG_STATE_HOME: dir }, stdin: 'status\n' });
  t.is(a.code, 0, a.stderr);
  t.true(existsSync(own));
  t.regex(a.stdout, /initialised: +no/);
  t.false(existsSync(path.join(dir, 'schsm', 'sim.json')));
  const b = await schsm(['explore', '--ephemeral'], { env: { XDG_STATE_HOME: dir }, stdin: 'status\n' });
  t.regex(b.stdout, /initialised: +no/);
  t.is(b.sources[0]?.simState, undefined);
  t.false(existsSync(path.join(dir, 'schsm', 'sim.json')));
});

test('--reader R never falls back: the PC/SC error is the answer (exit 3)', async (t) => {
  const r = await schsm(['explore', '--reader', 'Nope'], { env: { XDG_STATE_HOME: tempDir() } });
  t.is(r.code, 3);
  t.regex(r.stderr, /error: no card in any of 2 reader/);
  t.deepEqual(r.sources, [{ reader: 'Nope' }]);
});

test('another PC/SC failure than "no card" is not hidden by the fallback', async (t) => {
  const r = await schsm(['explore'], {
    env: { XDG_STATE_HOME: tempDir() },
    pcsc: async () => {
      throw new Error('binding exploded');
    },
  });
  t.is(r.code, 70);
  t.regex(r.stderr, /binding exploded/);
});

test('--script FILE and stdin scripts; a failing line exits 1; --keep-going runs on', async (t) => {
  const dir = tempDir();
  const env = { XDG_STATE_HOME: dir };
  writeFileSync(path.join(dir, 'ok.txt'), '# check the card\npin_info\necho done\n');
  const ok = await schsm(['explore', '--sim', '--script', 'ok.txt'], { env, cwd: dir });
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /user PIN \(0x81, CHV129\): logged out, 3 tries left\ndone\n$/);
  const fail = await schsm(['explore', '--sim'], { env, stdin: 'echo a\ncat 9999\necho b\n' });
  t.is(fail.code, 1);
  t.regex(fail.stderr, /error: <stdin>:2: /);
  t.notRegex(fail.stdout, /^b$/m);
  const go = await schsm(['explore', '--sim', '--keep-going'], { env, stdin: 'echo a\ncat 9999\necho b\n' });
  t.is(go.code, 1);
  t.regex(go.stdout, /^b$/m);
});

test('-v shows every APDU annotated (PIN masked); --record writes a 0600 trace from the first SELECT', async (t) => {
  const dir = tempDir();
  const r = await schsm(['explore', '--sim', '-v', '--record', 's.trace'], {
    env: { XDG_STATE_HOME: dir },
    cwd: dir,
    stdin: 'verify user 648219\n',
  });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /^=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00$/m);
  t.regex(r.stderr, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.$/m);
  t.false(r.stderr.includes('36 34 38 32 31 39'));
  const trace = readFileSync(path.join(dir, 's.trace'), 'utf8');
  t.is(statSync(path.join(dir, 's.trace')).mode & 0o777, 0o600);
  t.regex(trace, /^=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00$/m);
  t.regex(trace, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\./m);
  t.false(trace.includes('36 34 38 32 31 39'));
  const again = await schsm(['explore', '--sim', '--record', 's.trace'], { env: { XDG_STATE_HOME: dir }, cwd: dir, stdin: 'pin_info\n' });
  t.is(again.code, 4, 'an existing trace is not overwritten without --force');
});

test('explore is registered with its options and examples', async (t) => {
  const r = await schsm(['explore', '--help']);
  t.is(r.code, 0);
  for (const o of ['--script', '--keep-going', '--ephemeral', '--history', '--reader', '--sim', '--record', '--verbose'])
    t.true(r.stdout.includes(o), o);
  const bad = await schsm(['explore', '--bogus']);
  t.is(bad.code, 2);
});
