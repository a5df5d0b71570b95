import test from 'ava';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TraceExhaustedError, TraceMismatchError, TraceNotConsumedError } from '../../src/trace/errors.ts';
import { parseTrace } from '../../src/trace/format.ts';
import { importLogUnredacted } from '../../src/trace/import/index.ts';
import { createReplayTransport } from '../../src/trace/replay.ts';
import { exchangesOf } from '../../src/trace/types.ts';
import { hex } from './tiny-card.ts';

const TRACE = [
  '# trace-format: 1', // 1
  '# atr: 3B 80 80 01 01', // 2
  '# protocol: T=1', // 3
  '', // 4
  '=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00', // 5
  '<= 62 03 85 01 01 90 00', // 6
  '=> 00 20 00 81 06 .. .. .. .. .. ..', // 7
  '<= 63 C2', // 8
  '# a signature of varying length', // 9
  '=> 80 68 01 73 * ', // 10
  '<= 30 * .. 90 00', // 11
  'reset 3B 80 80 01 02', // 12
  '=> 00 84 00 00 04', // 13
  '<= .. .. .. .. 90 00', // 14
].join('\n');

const bytes = async (p: Promise<Uint8Array>): Promise<string> =>
  Buffer.from(await p)
    .toString('hex')
    .toUpperCase();

test('serves the recorded responses in order; masks in commands match any byte; masks in responses are zero-filled', async (t) => {
  const r = createReplayTransport(TRACE);
  t.is(Buffer.from(r.atr).toString('hex'), '3b80800101');
  t.is(r.protocol, 'T=1');
  t.is(await bytes(r.transmit(hex('00A404000BE82B0601040181C31F020100'))), '620385010190' + '00');
  t.is(await bytes(r.transmit(hex('0020008106313233343536'))), '63C2');
  // SIGN 4E with a 32-byte hash: matched by "80 68 01 73 *"; the answer "30 * .. 90 00" becomes 30 00 90 00
  t.is(await bytes(r.transmit(hex(`80680173000020${'11'.repeat(32)}0200`))), '30009000');
  await r.reset();
  t.is(Buffer.from(r.atr).toString('hex'), '3b80800102');
  t.is(await bytes(r.transmit(hex('0084000004'))), '000000009000');
  t.is(r.remaining, 0);
  r.assertConsumed();
});

test('random fill: masked response bytes become random, the SW stays', async (t) => {
  const r = createReplayTransport(`=> 00 84 00 00 20\n<= ${'.. '.repeat(32)}90 00\n`, { fill: 'random' });
  const out = await r.transmit(hex('0084000020'));
  t.is(out.length, 34);
  t.deepEqual([...out.subarray(32)], [0x90, 0x00]);
  t.true(out.subarray(0, 32).some((b) => b !== 0));
});

test('strict: a different command throws TraceMismatchError with expected, actual and the line', async (t) => {
  const r = createReplayTransport(TRACE);
  await r.transmit(hex('00A404000BE82B0601040181C31F020100'));
  const e = await t.throwsAsync(r.transmit(hex('00200088083132333435363738')), { instanceOf: TraceMismatchError });
  t.is(e?.code, 'ERR_SCHSM_TRACE_MISMATCH');
  t.is(e?.expected, '00 20 00 81 06 .. .. .. .. .. ..');
  t.is(e?.actual, '00 20 00 88 08 31 32 33 34 35 36 37 38');
  t.is(e?.line, 7);
  t.is(e?.index, 1);
  t.regex(
    e?.message ?? '',
    /line 7: replay mismatch at record 2\n {2}expected: 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.\n {2}actual: {3}00 20 00 88 08/,
  );
  t.is(r.position, 1, 'a mismatch does not consume the record');
});

test('strict: a command where a reset was recorded, and a reset where a command was, are mismatches', async (t) => {
  const r = createReplayTransport('=> 00 A4 04 00\n<= 90 00\nreset\n=> 00 B0 00 00 00\n<= 90 00\n');
  const early = await t.throwsAsync(r.reset(), { instanceOf: TraceMismatchError });
  t.is(early?.expected, '00 A4 04 00');
  t.is(early?.actual, 'reset');
  t.is(early?.line, 1);
  await r.transmit(hex('00A40400'));
  const skipped = await t.throwsAsync(r.transmit(hex('00B0000000')), { instanceOf: TraceMismatchError });
  t.is(skipped?.expected, 'reset');
  t.is(skipped?.line, 3);
});

test('running out throws TraceExhaustedError; unused records fail assertConsumed', async (t) => {
  const r = createReplayTransport('=> 00 A4 04 00\n<= 90 00\n\n=> 00 B0 00 00 00\n<= 90 00\n');
  const notYet = t.throws(() => r.assertConsumed(), { instanceOf: TraceNotConsumedError });
  t.is(notYet?.remaining, 2);
  t.is(notYet?.line, 1);
  await r.transmit(hex('00A40400'));
  const half = t.throws(() => r.assertConsumed(), { instanceOf: TraceNotConsumedError });
  t.is(half?.line, 4);
  t.regex(half?.message ?? '', /1 recorded record\(s\) unused; next: 00 B0 00 00 00/);
  await r.transmit(hex('00B0000000'));
  r.assertConsumed();
  const e = await t.throwsAsync(r.transmit(hex('00C0000010')), { instanceOf: TraceExhaustedError });
  t.is(e?.code, 'ERR_SCHSM_TRACE_EXHAUSTED');
  t.is(e?.used, 2);
  t.is(e?.line, 4);
  t.regex(e?.message ?? '', /sent 00 C0 00 00 10/);
});

test('non-strict: mismatches are tolerated and collected, resets skipped', async (t) => {
  const r = createReplayTransport('reset\n=> 00 A4 04 00\n<= 6A 82\n=> 00 B0 00 00 00\n<= 90 00\n', { strict: false });
  t.is(await bytes(r.transmit(hex('00A40401'))), '6A82');
  await r.reset(); // nothing recorded here: ignored
  t.is(await bytes(r.transmit(hex('00B0000000'))), '9000');
  t.is(r.mismatches.length, 1);
  t.is(r.mismatches[0]?.line, 2);
  r.assertConsumed();
});

test('source may be a Trace, trace text or a file path (schsm trace or a foreign log)', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-replay-'));
  const file = path.join(dir, 'a.trace');
  writeFileSync(file, '=> 00 A4 04 00\n<= 90 00\n');
  const fromPath = createReplayTransport(file);
  t.is(fromPath.name, `replay:${file}`);
  t.is(await bytes(fromPath.transmit(hex('00A40400'))), '9000');
  const fromTrace = createReplayTransport(parseTrace('=> 00 A4 04 00\n<= 6A 82\n'), { name: 'mine' });
  t.is(fromTrace.name, 'mine');
  t.is(await bytes(fromTrace.transmit(hex('00A40400'))), '6A82');
});

test('a real OpenSC log replays: the PINs in it were masked on import, so any PIN matches', async (t) => {
  const log = '/work/shared/traces/opensc-vs-independent-card/05-initialize.opensc.log';
  const clear = exchangesOf(importLogUnredacted((await import('node:fs')).readFileSync(log, 'utf8')));
  const r = createReplayTransport(log);
  for (const e of clear) {
    const cmd = Uint8Array.from(e.command.bytes);
    if (cmd[1] === 0x50) cmd.fill(0x39, 11, 17); // another initial user PIN than the recorded one
    t.deepEqual([...(await r.transmit(cmd))], [...e.response.bytes]);
  }
  r.assertConsumed();
  t.is(clear.length, 4);
});
