import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  decryptDkekShare,
  decryptDkekShareSync,
  encryptDkekShareSync,
  FileFormatError,
  FormatInputError,
  parseDkekShareFile,
  WrongPasswordError,
} from '../../../src/card/formats/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const PEER_FILE = '/work/shared/traces/opensc-vs-independent-card/07-dkek-share-1.pbe';
const SHARE = bytes('2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35');

/** openssl, when installed: outside CI a missing binary skips loudly, in CI it fails. */
function openssl(t: { log: (...m: string[]) => void }, args: string[], input?: Uint8Array): Buffer | undefined {
  try {
    return execFileSync('openssl', args, {
      input: input === undefined ? undefined : Buffer.from(input),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || process.env.CI !== undefined) throw err;
    const note = 'SKIPPED openssl cross-check: openssl is not installed';
    t.log(note);
    console.warn(note);
    return undefined;
  }
}

test('the real sc-hsm-tool peer file decrypts to its share (full 10 000 000-round derivation)', async (t) => {
  const file = new Uint8Array(readFileSync(PEER_FILE));
  t.is(hex(await decryptDkekShare(file, 'Peer-DKEK-Pass-1')), hex(SHARE));
});

test('wrong key (the peer file at count 1) is reported as a wrong password', (t) => {
  const file = new Uint8Array(readFileSync(PEER_FILE));
  const err = t.throws(() => decryptDkekShareSync(file, 'Peer-DKEK-Pass-1', { iterations: 1 }), { instanceOf: WrongPasswordError });
  t.is(err?.code, 'ERR_SCHSM_WRONG_PASSWORD');
  t.regex(err?.message ?? '', /wrong password or not a DKEK share file/);
});

test('a written file has the §8.2 layout: Salted__ ‖ salt ‖ 48 bytes', (t) => {
  const salt = bytes('0102030405060708');
  const file = encryptDkekShareSync(SHARE, 'pw-123456', { salt, iterations: 1 });
  t.is(file.length, 64);
  t.is(hex(file.subarray(0, 16)), '53616c7465645f5f0102030405060708');
  t.is(hex(decryptDkekShareSync(file, 'pw-123456', { iterations: 1 })), hex(SHARE));
});

test('openssl enc -d decrypts a file written at count 1, and we read what openssl enc writes', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-pbe-'));
  try {
    const ours = path.join(dir, 'ours.pbe');
    writeFileSync(ours, encryptDkekShareSync(SHARE, 'Bench-Pass-1', { iterations: 1 }));
    const plain = openssl(t, ['enc', '-d', '-aes-256-cbc', '-md', 'md5', '-pass', 'pass:Bench-Pass-1', '-in', ours]);
    if (plain === undefined) return t.pass();
    t.is(plain.toString('hex'), hex(SHARE));
    const theirs = openssl(t, ['enc', '-e', '-aes-256-cbc', '-md', 'md5', '-pass', 'pass:Bench-Pass-1'], SHARE);
    t.is(theirs?.length, 64);
    t.is(hex(decryptDkekShareSync(new Uint8Array(theirs ?? []), 'Bench-Pass-1', { iterations: 1 })), hex(SHARE));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('extra bytes after 64 are ignored like sc-hsm-tool does, and counted', (t) => {
  const file = encryptDkekShareSync(SHARE, 'pw-123456', { iterations: 1 });
  const longer = new Uint8Array(70);
  longer.set(file, 0);
  longer.set([0x0a, 1, 2, 3, 4, 5], 64);
  t.is(parseDkekShareFile(longer).extraBytes, 6);
  t.is(hex(decryptDkekShareSync(longer, 'pw-123456', { iterations: 1 })), hex(SHARE));
});

test('short files, wrong magic and base64 printouts are format errors with hints', (t) => {
  const file = encryptDkekShareSync(SHARE, 'pw-123456', { iterations: 1 });
  const short = t.throws(() => parseDkekShareFile(file.subarray(0, 63)), { instanceOf: FileFormatError });
  t.is(short?.code, 'ERR_SCHSM_FILE_FORMAT');
  const bad = file.slice();
  bad[0] = 0x54;
  t.throws(() => parseDkekShareFile(bad), { instanceOf: FileFormatError, message: /Salted__/ });
  const b64 = new TextEncoder().encode(Buffer.from(file).toString('base64'));
  const err = t.throws(() => parseDkekShareFile(b64), { instanceOf: FileFormatError });
  t.regex(err?.hint ?? '', /openssl base64 -d/);
});

test('a share must be 32 bytes', (t) => {
  t.throws(() => encryptDkekShareSync(new Uint8Array(31), 'pw', { iterations: 1 }), { instanceOf: FormatInputError });
});
