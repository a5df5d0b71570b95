import test from 'ava';
import { diffTraces, renderDiff } from '../../src/trace/diff.ts';
import { parseTrace } from '../../src/trace/format.ts';
import { loadTraceFile } from '../../src/trace/load.ts';

const SELECT = '=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00\n<= 62 03 85 01 01 90 00\n';
const trace = (body: string) => parseTrace(body);

test('identical sessions match (timing and masks do not count)', (t) => {
  const a = trace(`${SELECT}=> 00 20 00 81 06 .. .. .. .. .. ..\n<= 90 00 @3.000ms\n`);
  const b = trace(`# other header\n\n${SELECT}=> 00 20 00 81 06 31 32 33 34 35 36\n<= 90 00 @9.000ms\n`);
  const d = diffTraces(a, b);
  t.true(d.equal);
  t.is(d.aligned, 2);
  t.is(renderDiff(d), 'traces match: 2 record(s) each, masks respected, timing ignored\n');
});

test('a status word that differs is the first divergence, with both lines', (t) => {
  const a = trace(`${SELECT}=> 00 20 00 81 06 .. .. .. .. .. ..\n<= 90 00\n`);
  const b = trace(`\n${SELECT}=> 00 20 00 81 06 .. .. .. .. .. ..\n<= 63 C2\n`);
  const d = diffTraces(a, b);
  t.false(d.equal);
  t.deepEqual(d.first, {
    kind: 'sw',
    a: { index: 1, line: 3, command: '00 20 00 81 06 .. .. .. .. .. ..', response: '90 00' },
    b: { index: 1, line: 4, command: '00 20 00 81 06 .. .. .. .. .. ..', response: '63 C2' },
    detail: 'status word 9000 ≠ 63C2',
  });
});

test('an extra exchange is reported once and the rest still lines up', (t) => {
  const a = trace(`${SELECT}=> 80 58 00 00 00 00 00\n<= CC 01 90 00\n=> 00 84 00 00 08\n<= .. .. .. .. .. .. .. .. 90 00\n`);
  const b = trace(
    `${SELECT}=> 00 20 00 81\n<= 63 C3\n=> 80 58 00 00 00 00 00\n<= CC 01 90 00\n=> 00 84 00 00 08\n<= 01 02 03 04 05 06 07 08 90 00\n`,
  );
  const d = diffTraces(a, b);
  t.is(d.differences.length, 1);
  t.like(d.first, { kind: 'only-b', a: undefined, b: { index: 1, line: 3, command: '00 20 00 81', response: '63 C3' } });
  t.is(d.aligned, 3);
});

test('a changed command and changed response data are told apart', (t) => {
  const a = trace(`${SELECT}=> 00 B1 00 00 04 54 02 00 00 00\n<= 30 03 02 01 05 90 00\n=> 00 A4 00 00 02 2F 02 00\n<= 90 00\n`);
  const b = trace(`${SELECT}=> 00 B1 00 00 04 54 02 00 00 00\n<= 30 03 02 01 07 90 00\n=> 00 A4 00 00 02 2F 03 00\n<= 90 00\n`);
  const d = diffTraces(a, b);
  t.deepEqual(
    d.differences.map((e) => [e.kind, e.detail]),
    [
      ['response', 'response data differs at byte 4: 05 ≠ 07'],
      ['command', 'different command'],
    ],
  );
});

test('real sessions: an uninitialised and an initialised card (OpenSC log against pcsc-spy log)', (t) => {
  const dir = '/work/shared/traces/opensc-vs-independent-card/';
  const d = diffTraces(loadTraceFile(`${dir}04-status-uninitialized.opensc.log`), loadTraceFile(`${dir}06-status-after-init.spy.log`));
  t.deepEqual(
    d.differences.map((e) => [e.kind, e.detail, e.a?.line, e.b?.line]),
    [
      ['response', 'response data differs at byte 32: 00 ≠ 01', 385, 178], // SELECT FCP tag 85: options 0000 → 0001
      ['sw', 'status word 6A88 ≠ 63CF', 426, 201], // SO-PIN status: not initialised → 15 tries
      ['only-b', 'only in B', undefined, 221], // user PIN status query, only once initialised
      ['sw', 'status word 6B00 ≠ 9000', 452, 241], // DKEK status
    ],
  );
  const same = diffTraces(loadTraceFile(`${dir}19-sign-ecdsa-sha256.opensc.log`), loadTraceFile(`${dir}19-sign-ecdsa-sha256.spy.log`));
  t.true(same.equal);
});

test('the readable report names the first divergence and both sides', (t) => {
  const d = diffTraces(trace('=> 00 A4 04 00\n<= 90 00\n'), trace('=> 00 A4 04 00\n<= 6A 82\n'));
  t.is(
    renderDiff(d, 'good.trace', 'bad.trace'),
    [
      'traces differ: 1 difference(s); 1 record(s) aligned (A has 1, B has 1)',
      '',
      'first divergence: sw — status word 9000 ≠ 6A82',
      '  A good.trace:1 (record 1)',
      '      => 00 A4 04 00',
      '      <= 90 00',
      '  B bad.trace:1 (record 1)',
      '      => 00 A4 04 00',
      '      <= 6A 82',
      '',
    ].join('\n'),
  );
});
