// Issue 9 finding 11: a reader that closes the pipe early (`schsm … | head -1`) used to crash schsm with
// an EPIPE stack trace and exit 1. Real pipes, the real executable: it must end quietly with exit 0.
import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildPackage } from '../helpers/package-build.ts';

interface Ended {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Run schsm with one of its output streams a pipe whose only reader is closed before schsm writes a
 * byte: every write to it fails with EPIPE, whatever the timing. The other stream is captured.
 */
function runWithClosedReader(dir: string, args: readonly string[], closed: 'stdout' | 'stderr'): Promise<Ended & { other: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/schsm.js', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const open = closed === 'stdout' ? child.stderr : child.stdout;
    (closed === 'stdout' ? child.stdout : child.stderr).destroy();
    let other = '';
    open.on('data', (d: Buffer) => (other += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stderr: closed === 'stderr' ? '' : other, other }));
  });
}

function bash(script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', script], { cwd, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code ?? 128), stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

test('schsm status --sim with stdout closed by its reader: exit 0, nothing on stderr', async (t) => {
  t.timeout(180_000);
  const dir = await buildPackage();
  const r = await runWithClosedReader(dir, ['status', '--sim'], 'stdout');
  t.is(r.signal, null);
  t.is(r.code, 0, r.other);
  t.is(r.other, '', 'no stack trace, no message');
});

test('an error message written to a closed stderr ends the process quietly (exit 0, no stack on stdout)', async (t) => {
  t.timeout(180_000);
  const dir = await buildPackage();
  // A usage error writes only to stderr; with stderr closed the process ends quietly (exit 0, as for stdout).
  const r = await runWithClosedReader(dir, ['apdu', '--sim', 'ZZ'], 'stderr');
  t.is(r.signal, null);
  t.is(r.code, 0);
  t.is(r.other, '', 'nothing on stdout');
});

test('schsm trace show BIG | head -1: exit 0 and an empty stderr (output larger than the pipe, so EPIPE is certain)', async (t) => {
  t.timeout(180_000);
  const dir = await buildPackage();
  const work = mkdtempSync(path.join(tmpdir(), 'schsm-pipe-'));
  // 20,000 exchanges annotate to several MB of text: far more than a pipe holds (64 KiB), so schsm is
  // still writing when head exits after its first line.
  writeFileSync(path.join(work, 'big.trace'), '=> 00 A4 04 00 02 3F 00\n<= 90 00\n'.repeat(20_000));
  const r = await bash(
    `node bin/schsm.js trace show ${JSON.stringify(path.join(work, 'big.trace'))} 2>${JSON.stringify(path.join(work, 'err'))} | head -1; ` +
      `echo "status=\${PIPESTATUS[0]}"; cat ${JSON.stringify(path.join(work, 'err'))}`,
    dir,
  );
  t.regex(r.stdout, /^#1 +line 1\n/);
  t.regex(r.stdout, /\nstatus=0\n$/, r.stdout.slice(-2000));
});

/** Run schsm with stdout read only after `delayMs`, so a large output fills the pipe first. */
function runSlowReader(
  dir: string,
  args: readonly string[],
  delayMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.pause();
    setTimeout(() => {
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stdout.resume();
    }, delayMs);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString(), stderr }));
  });
}

test('stdout a full pipe, blocking or not: the whole output arrives, in order (fd writes, EAGAIN handed to the stream)', async (t) => {
  t.timeout(300_000);
  const dir = await buildPackage();
  const work = mkdtempSync(path.join(tmpdir(), 'schsm-pipe-'));
  const big = path.join(work, 'big.trace');
  writeFileSync(big, '=> 00 A4 04 00 02 3F 00\n<= 90 00\n'.repeat(5_000));
  const plain = await runSlowReader(dir, ['bin/schsm.js', 'trace', 'show', big], 500);
  t.is(plain.code, 0, plain.stderr);
  t.true(plain.stdout.length > 500_000, `${plain.stdout.length} bytes: far more than a pipe holds`);
  t.regex(plain.stdout, /^#1 +line 1\n/);
  t.regex(plain.stdout, /#5000 +line 9999\n/);
  // making process.stdout first (as a terminal-less program might) sets the pipe non-blocking: writes
  // then meet EAGAIN when it is full, and the rest must go through the stream
  const nonBlocking = `data:text/javascript,${encodeURIComponent('process.stdout;')}`;
  const nb = await runSlowReader(dir, ['--import', nonBlocking, 'bin/schsm.js', 'trace', 'show', big], 500);
  t.is(nb.code, 0, nb.stderr);
  t.is(nb.stdout, plain.stdout, 'the same bytes');
});
