import test from 'ava';
import { createHash } from 'node:crypto';
import { evpBytesToKey, evpBytesToKeySync, FormatInputError, OperationAbortedError } from '../../../src/card/formats/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));

/** Test-only reference: EVP_BytesToKey(aes-256-cbc, md5) with a plain node:crypto loop. */
function referenceEvp(pw: Uint8Array, salt: Uint8Array, count: number): { key: string; iv: string } {
  const out: Buffer[] = [];
  let prev = Buffer.alloc(0);
  for (let chain = 0; chain < 3; chain++) {
    let d = createHash('md5').update(prev).update(pw).update(salt).digest();
    for (let i = 1; i < count; i++) d = createHash('md5').update(d).digest();
    out.push(d);
    prev = d;
  }
  return { key: Buffer.concat(out.slice(0, 2)).toString('hex'), iv: out[2]?.toString('hex') ?? '' };
}

// Oracle: `openssl enc -aes-256-cbc -md md5 -S <salt> -pass pass:<pw> -P` (OpenSSL 3.0, count = 1).
test('count 1 equals openssl enc -P (ASCII password)', (t) => {
  const k = evpBytesToKeySync('Peer-DKEK-Pass-1', bytes('0102030405060708'), 1);
  t.is(hex(k.key), '4cdd89b9f25816914d6934e1ad87bb6ba4dee9af4a4b4e28587f01a8f46f7f3a');
  t.is(hex(k.iv), 'd4ffe43c98d74081de177e2b9151f28c');
});

test('count 1 equals openssl enc -P (UTF-8 password "pässwörd")', (t) => {
  const k = evpBytesToKeySync('pässwörd', bytes('a0a1a2a3a4a5a6a7'), 1);
  t.is(hex(k.key), 'f59bee8e9bc52a9c24c97611c4a0b1a63a1601530e9190874a10fd28b3035c40');
  t.is(hex(k.iv), '30531fc4b98df26f305e1056a90f48c5');
});

test('counts 2, 1000 and 70 000 equal a node:crypto loop; sync and async agree', async (t) => {
  const pw = bytes('00ff7f8001020304');
  const salt = bytes('0940669 97b6d822f'.replace(' ', ''));
  for (const count of [2, 1000, 70_000]) {
    const expected = referenceEvp(pw, salt, count);
    const sync = evpBytesToKeySync(pw, salt, count);
    const async = await evpBytesToKey(pw, salt, count);
    t.deepEqual({ key: hex(sync.key), iv: hex(sync.iv) }, expected, `sync, count ${count}`);
    t.deepEqual({ key: hex(async.key), iv: hex(async.iv) }, expected, `async, count ${count}`);
  }
});

test('async derivation reports increasing progress ending at 1 and lets timers run', async (t) => {
  const seen: number[] = [];
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  await evpBytesToKey('pw', new Uint8Array(8), 300_000, { onProgress: (f) => seen.push(f) });
  clearInterval(timer);
  t.true(seen.length >= 3 * 4, `${seen.length} progress calls`);
  t.true(seen.every((f, i) => f > 0 && f <= 1 && (i === 0 || f >= (seen[i - 1] ?? 0))));
  t.is(seen.at(-1), 1);
  t.is(seen.filter((f) => f === 1).length, 1, 'completion is reported once');
  t.true(ticks > 0, 'the event loop ran during the derivation');
});

test('an aborted derivation throws OperationAbortedError', async (t) => {
  const ac = new AbortController();
  const p = evpBytesToKey('pw', new Uint8Array(8), 10_000_000, {
    signal: ac.signal,
    onProgress: (f) => {
      if (f > 0.01) ac.abort();
    },
  });
  const err = await t.throwsAsync(p, { instanceOf: OperationAbortedError });
  t.is(err?.code, 'ERR_SCHSM_ABORTED');
});

test('salt must be 8 bytes and the count positive', (t) => {
  t.throws(() => evpBytesToKeySync('pw', new Uint8Array(7), 1), { instanceOf: FormatInputError });
  t.throws(() => evpBytesToKeySync('pw', new Uint8Array(8), 0), { instanceOf: FormatInputError });
});

test('count 1 has no slices: progress reports 1 once', async (t) => {
  const seen: number[] = [];
  await evpBytesToKey('pw', new Uint8Array(8), 1, { onProgress: (f) => seen.push(f) });
  t.deepEqual(seen, [1]);
});
