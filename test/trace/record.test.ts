import test from 'ava';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TraceFileExistsError } from '../../src/trace/errors.ts';
import { parseTrace } from '../../src/trace/format.ts';
import { recordTransport } from '../../src/trace/record.ts';
import { createReplayTransport } from '../../src/trace/replay.ts';
import { hex, tinyCard } from './tiny-card.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'schsm-record-'));
let n = 0;
const fresh = (): string => path.join(dir, `t${++n}.trace`);
const fixed = { timing: false, now: () => new Date('2026-11-22T06:44:10.000Z'), header: { schsm: 'test' } } as const;

const REDACTED_HEADER =
  '# redacted: PINs (VERIFY), old and new PINs (CHANGE REFERENCE DATA), SO-PIN and new PIN (RESET RETRY COUNTER), INITIALIZE DEVICE data (user PIN, SO-PIN), DKEK shares (IMPORT DKEK SHARE), session PINs (GENERATE SESSION PIN responses), decrypted data and ECDH shared secrets (DECIPHER responses), plaintext and derived data (CIPHER SYMMETRIC: encrypt input, decrypt/derive output), card random (GET CHALLENGE responses); each hidden byte is shown as ..';

test('records a session with secrets masked byte for byte (exact file text)', async (t) => {
  const file = fresh();
  const rec = await recordTransport(tinyCard(), { file, ...fixed });
  await rec.transmit(hex('00A404000BE82B0601040181C31F020100'));
  // VERIFY user PIN "648219" (ASCII 36 34 38 32 31 39)
  await rec.transmit(hex('0020008106 363438323139'));
  // INITIALIZE DEVICE: 80 options 0001, 81 user PIN, 82 SO-PIN 3537363231383830, 91 retry 3, 92 one share
  await rec.transmit(hex('805000001C 80020001 8106363438323139 82083537363231383830 910103 920101'));
  // IMPORT DKEK SHARE with the peer's share
  await rec.transmit(hex('8052000020 2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35 00'));
  // CHANGE REFERENCE DATA (old ‖ new) and RESET RETRY COUNTER (SO-PIN ‖ new PIN)
  await rec.transmit(hex('002400810C 363438323139 313233343536'));
  await rec.transmit(hex('002C00810E 3537363231383830 313233343536'));
  await rec.transmit(hex('0084000008'));
  rec.comment('now a reset');
  await rec.reset();
  await rec.close();
  t.is(
    readFileSync(file, 'utf8'),
    [
      '# schsm APDU trace',
      '# trace-format: 1',
      '# reader: tiny card',
      '# atr: 3B 80 80 01 01',
      '# protocol: T=1',
      '# schsm: test',
      '# date: 2026-11-22T06:44:10.000Z',
      REDACTED_HEADER,
      '',
      '=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00',
      '<= 90 00',
      '=> 00 20 00 81 06 .. .. .. .. .. ..  # redacted: PIN (VERIFY)',
      '<= 90 00',
      '=> 80 50 00 00 1C .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. ..  # redacted: user PIN and SO-PIN (INITIALIZE DEVICE data)',
      '<= 90 00',
      `=> 80 52 00 00 20 ${'.. '.repeat(32)}00  # redacted: DKEK share (IMPORT DKEK SHARE)`,
      '<= 01 00 6C 60 98 24 B9 CA 28 EB 90 00',
      `=> 00 24 00 81 0C ${'.. '.repeat(11)}..  # redacted: old and new PIN (CHANGE REFERENCE DATA)`,
      '<= 90 00',
      `=> 00 2C 00 81 0E ${'.. '.repeat(13)}..  # redacted: SO-PIN and new PIN (RESET RETRY COUNTER)`,
      '<= 90 00',
      '=> 00 84 00 00 08  # redacted: card random (GET CHALLENGE)',
      '<= .. .. .. .. .. .. .. .. 90 00',
      '',
      '# now a reset',
      'reset 3B 80 80 01 02',
      '',
    ].join('\n'),
  );
  t.is(rec.recorded, 7);
});

test('the trace file is created with mode 0600 and written as the session runs', async (t) => {
  const file = fresh();
  const rec = await recordTransport(tinyCard(), { file, ...fixed });
  t.is(statSync(file).mode & 0o777, 0o600);
  await rec.transmit(hex('00A4040C02 2F02'));
  t.true(readFileSync(file, 'utf8').endsWith('=> 00 A4 04 0C 02 2F 02\n<= 90 00\n'), 'visible before close');
  await rec.close();
  await rec.close(); // idempotent
});

test('refuses to overwrite an existing file unless forced; forcing makes it 0600', async (t) => {
  const file = fresh();
  writeFileSync(file, 'precious\n', { mode: 0o644 });
  chmodSync(file, 0o644);
  const error = await t.throwsAsync(recordTransport(tinyCard(), { file }), { instanceOf: TraceFileExistsError });
  t.is(error?.code, 'ERR_SCHSM_EXISTS');
  t.regex(error?.hint ?? '', /--force/);
  t.is(readFileSync(file, 'utf8'), 'precious\n');
  const rec = await recordTransport(tinyCard(), { file, force: true, ...fixed });
  await rec.close();
  t.is(statSync(file).mode & 0o777, 0o600);
  t.true(readFileSync(file, 'utf8').startsWith('# schsm APDU trace\n'));
});

test('redact: false keeps secrets, says so in the header and warns', async (t) => {
  const file = fresh();
  const warnings: string[] = [];
  const rec = await recordTransport(tinyCard(), { file, redact: false, warn: (m) => warnings.push(m), ...fixed });
  await rec.transmit(hex('0020008106363438323139'));
  await rec.close();
  const text = readFileSync(file, 'utf8');
  t.true(text.includes('=> 00 20 00 81 06 36 34 38 32 31 39\n'));
  t.regex(parseTrace(text).metadata.redacted ?? '', /^NOTHING - this file contains PINs/);
  t.is(warnings.length, 1);
  t.regex(warnings[0] ?? '', /redaction is off/);
});

test('UNWRAP KEY blobs and their EF 2F10 staging writes are hidden only when asked', async (t) => {
  const blob = '00D72F10 09 5402 0000 5303 AABBCC';
  const unwrap = '80740593 03 AABBCC';
  for (const redactUnwrap of [false, true]) {
    const file = fresh();
    const rec = await recordTransport(tinyCard(), { file, redactUnwrap, ...fixed });
    await rec.transmit(hex(blob));
    await rec.transmit(hex(unwrap));
    await rec.close();
    const text = readFileSync(file, 'utf8');
    t.is(text.includes('=> 00 D7 2F 10 09 .. .. .. .. .. .. .. .. ..  # redacted: wrapped key blob (UPDATE BINARY EF 2F10)'), redactUnwrap);
    t.is(text.includes('=> 80 74 05 93 03 .. .. ..  # redacted: wrapped key blob (UNWRAP KEY)'), redactUnwrap);
    t.is(text.includes('AA BB CC'), !redactUnwrap);
  }
});

test('a failed exchange leaves a comment, the error goes to the caller, the file stays valid', async (t) => {
  const file = fresh();
  const rec = await recordTransport(tinyCard(), { file, ...fixed });
  await rec.transmit(hex('00A4040C022F02'));
  await t.throwsAsync(rec.transmit(hex('80EE000002 3132')), { message: /reader unplugged/ });
  await rec.close();
  const text = readFileSync(file, 'utf8');
  t.true(text.endsWith('# no response to 80 EE 00 00 02 31 32: tiny card: reader unplugged\n'));
  t.is(parseTrace(text).records.length, 1);
});

test('a recording replays: the masked PIN matches whatever PIN is sent', async (t) => {
  const file = fresh();
  const rec = await recordTransport(tinyCard(), { file });
  await rec.transmit(hex('0020008106363438323139'));
  await rec.transmit(hex('0084000008'));
  await rec.close();
  const replay = createReplayTransport(file);
  t.deepEqual([...(await replay.transmit(hex('0020008106313131313131')))], [0x90, 0x00]);
  t.deepEqual([...(await replay.transmit(hex('0084000008')))], [0, 0, 0, 0, 0, 0, 0, 0, 0x90, 0x00]);
  replay.assertConsumed();
  t.is(replay.atr.length, 5);
  t.regex(readFileSync(file, 'utf8'), /<= 90 00 @\d+\.\d{3}ms\n/);
});
