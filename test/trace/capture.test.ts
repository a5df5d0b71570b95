// `schsm trace capture`: the raw libpcscspy protocol (pcsc-lite src/spy/libpcscspy.c: "THREAD@" lines,
// ">|sec|usec|name" on entry, parameters, "<|sec|usec|name|text|0xRV" on return) turned into a live,
// redacted trace. The spy lines below are written by hand in that layout; a program run under the
// capture writes them into its $HOME/pcsc-spy exactly where the spy library would.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LiveTrace } from '../../src/trace/capture/live-trace.ts';
import { SpyParser } from '../../src/trace/capture/spy-protocol.ts';
import { detectLogFormat, exchangesOf, importLog, parseTrace } from '../../src/trace/index.ts';
import { formatPattern } from '../../src/trace/pattern.ts';
import { runCliCaptured } from '../helpers/cli.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** schsm from source as a process of its own (what bin/schsm.js does with the bundle). */
const MAIN = `const { runCli } = await import('./src/cli/main.ts');
const { defaultContext } = await import('./src/cli/default-context.ts');
process.exitCode = await runCli(process.argv.slice(1), defaultContext());`;

/** One spy call: entry, parameter lines, return (test-only writer of the documented layout). */
function call(thread: string, name: string, at: number, params: readonly string[], rv = 0, text = 'Command successful.'): string[] {
  const sec = 1_700_000_000 + Math.floor(at / 1e6);
  const usec = at % 1e6;
  const hex = `0x${rv.toString(16).toUpperCase().padStart(8, '0')}`;
  return [`>|${sec}|${usec}|${name}`, ...params, `<|${sec}|${usec + 1500}|${name}|${text}|${hex}`].map((l) => `${thread}@${l}`);
}
const len = (hex: string): string => `0x${(hex === '' ? 0 : hex.split(' ').length).toString(16).toUpperCase().padStart(8, '0')}`;
const buf = (hex: string): string[] => [len(hex), hex === '' ? '' : `${hex} `];
// pcsc-lite 1.9.9 (Debian 12): hCard, pioSendPci (dwProtocol, cbPciLength), command, pioRecvPci, response
const transmit = (thread: string, at: number, cmd: string, resp: string, rv = 0): string[] =>
  call(
    thread,
    'SCardTransmit',
    at,
    ['0x0000ABCD', '0x00000002', '0x00000008', ...buf(cmd), '0x00000002', '0x00000008', ...buf(resp)],
    rv,
    rv === 0 ? 'Command successful.' : 'Card was removed.',
  );
// the layout without the SCARD_IO_REQUEST lines (hCard, command, response)
const transmitShort = (thread: string, at: number, cmd: string, resp: string): string[] =>
  call(thread, 'SCardTransmit', at, ['0x0000ABCD', ...buf(cmd), ...buf(resp)]);

const A = '7F6F0D02B840';
const B = '7F6F0C81A6C0';
const READER = 'Virtual PCD 00 00';
const ATR = '3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA';
const SELECT = '00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00';
// VERIFY user PIN "648219" (ISO 7816-4 §11.5.6: 00 20 00 81 Lc PIN)
const VERIFY = '00 20 00 81 06 36 34 38 32 31 39';

/** A session: connect, SELECT, VERIFY, a failed transmit, a reset, a second thread's GET CHALLENGE. */
function session(): string[] {
  return [
    ...call(A, 'SCardEstablishContext', 0, ['0x00000002', '0x535C2932']),
    ...call(A, 'SCardGetStatusChange', 10, [
      '0x535C2932',
      '0x00000000',
      '0x00000001',
      ...[READER, '0x00000000', '0x00000000', ...buf('')],
      ...[READER, '0x00000000', '0x00000022', ...buf(ATR)],
    ]),
    ...call(A, 'SCardConnect', 20, [
      '0x535C2932',
      READER,
      '0x00000002',
      '0x00000003',
      '0x00000000',
      '0x00000000',
      '0x0000ABCD',
      '0x00000002',
    ]),
    ...transmit(A, 30, SELECT, '62 03 82 01 00 90 00'),
    ...transmit(A, 40, VERIFY, '90 00'),
    ...transmit(A, 50, '00 20 00 81 06 31 32 33 34 35 36', '', 0x80100069),
    ...call(A, 'SCardReconnect', 60, ['0x0000ABCD', '0x00000002', '0x00000003', '0x00000001', '0x00000002']),
    ...transmitShort(A, 70, SELECT, '90 00'),
    ...transmit(B, 80, '00 84 00 00 08', '01 02 03 04 05 06 07 08 90 00'),
  ];
}

function capture(lines: readonly string[]): { file: string; shown: string; trace: LiveTrace } {
  let file = '';
  let shown = '';
  const trace = new LiveTrace({ write: (t) => void (file += t), show: (t) => void (shown += t), now: () => new Date(0) });
  const parser = new SpyParser();
  for (const l of lines) for (const e of parser.line(l)) trace.event(e);
  trace.finish(['capture ended: test exited with code 0']);
  return { file, shown, trace };
}

test('spy lines become a redacted trace: exchanges, reader and ATR, reset, failed transmit, threads', (t) => {
  const { file, shown } = capture(session());
  const trace = parseTrace(file);
  const pairs = exchangesOf(trace).map((e) => [formatPattern(e.command), formatPattern(e.response)]);
  t.deepEqual(pairs, [
    [SELECT, '62 03 82 01 00 90 00'],
    ['00 20 00 81 06 .. .. .. .. .. ..', '90 00'],
    [SELECT, '90 00'],
    ['00 84 00 00 08', '.. .. .. .. .. .. .. .. 90 00'],
  ]);
  t.is(trace.metadata['captured-from'], "pcsc-lite's spy library (libpcscspy)");
  t.regex(trace.metadata.redacted ?? '', /PINs \(VERIFY\)/);
  t.regex(file, new RegExp(`# reader ${READER}, ATR ${ATR}\n=> ${SELECT}`));
  t.regex(file, /# SCardTransmit failed \(Card was removed\. \[0x80100069\]\): 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.\n/);
  t.regex(file, /\nreset 3B FE 18 .* 07 FA {2}# by SCardReconnect on Virtual PCD 00 00\n/);
  t.regex(file, new RegExp(`# client thread ${B}\n=> 00 84 00 00 08`));
  t.regex(file, /<= 62 03 82 01 00 90 00 @1\.500ms\n/, 'timing from the spy entry and return times');
  t.regex(file, /# capture ended: test exited with code 0\n$/);
  for (const text of [file, shown]) {
    t.false(text.includes('36 34 38 32 31 39'), 'the PIN never appears');
    t.false(text.includes('31 32 33 34 35 36'), 'nor the PIN of the failed VERIFY');
    t.false(text.includes('01 02 03 04 05 06 07 08'), 'nor card random');
  }
  t.regex(
    shown,
    /#2 {2}line \d+ {2}1\.500 ms\n=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.\n {3}# redacted: PIN \(VERIFY\)\n {3}VERIFY/,
  );
  // the line numbers shown are those of the written file
  const verifyLine = Number(/#2 {2}line (\d+)/.exec(shown)?.[1]);
  t.is(file.split('\n')[verifyLine - 1], '=> 00 20 00 81 06 .. .. .. .. .. ..  # redacted: PIN (VERIFY)');
});

test('spy lines that do not fit are left out, never copied (a stray line may hold a PIN)', (t) => {
  const lines = [`${A}@00 20 00 81 06 36 34 38 32 31 39 `, 'no thread id 36 34 38', ...transmit(A, 10, '00 A4 00 0C 02 3F 00', '90 00')];
  // a transmit whose length line disagrees with its bytes
  lines.push(...call(A, 'SCardTransmit', 20, ['0x0000ABCD', '0x00000004', '00 20 00 81 06 36 34 38 32 31 39 ', ...buf('90 00')]));
  // a transmit of neither layout
  lines.push(...call(A, 'SCardTransmit', 30, ['0x0000ABCD', '0x00000002', ...buf('00 20 00 81 06 36 34 38 32 31 39'), ...buf('90 00')]));
  const { file, trace } = capture(lines);
  t.is(trace.summary.garbledLines, 4);
  t.is(exchangesOf(parseTrace(file)).length, 1);
  t.false(file.includes('36 34 38'));
  t.regex(file, /# spy log: a parameter line of thread 7F6F0D02B840 outside any call \(left out\)/);
});

test('trace import reads a saved raw spy log (cat ~/pcsc-spy > file): the same exchanges, masked, source lines kept', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-capture-test-'));
  const lines = session();
  const file = path.join(dir, 'raw.log');
  writeFileSync(file, `${lines.join('\n')}\n`);
  t.is(detectLogFormat(readFileSync(file, 'utf8')), 'spy-raw');
  const r = await runCliCaptured(['trace', 'import', file]);
  t.is(r.code, 0, r.stderr);
  const trace = parseTrace(r.stdout);
  t.deepEqual(
    exchangesOf(trace).map((e) => [formatPattern(e.command), formatPattern(e.response)]),
    [
      [SELECT, '62 03 82 01 00 90 00'],
      ['00 20 00 81 06 .. .. .. .. .. ..', '90 00'],
      [SELECT, '90 00'],
      ['00 84 00 00 08', '.. .. .. .. .. .. .. .. 90 00'],
    ],
  );
  t.like(trace.metadata, { 'imported-from': 'raw pcsc-lite spy log (libpcscspy)', reader: READER, atr: ATR });
  t.regex(r.stdout, /\nreset\n/);
  t.regex(r.stdout, /# SCardTransmit returning at line \d+ failed: Card was removed\. \[0x80100069\]\n/);
  t.false(r.stdout.includes('36 34 38 32 31 39'));
  t.false(r.stdout.includes('31 32 33 34 35 36'), 'the failed VERIFY is a comment without its bytes');
  // line numbers: the return line of the VERIFY's SCardTransmit
  const verifyReturn = lines.findIndex((l) => l.startsWith(`${A}@<|1700000000|1540|SCardTransmit`)) + 1;
  t.is(exchangesOf(importLog(readFileSync(file, 'utf8')))[1]?.line, verifyReturn);
});

/** A spy stream in a file and a shell command that writes it where the spy library would. */
function fakeSpy(lines: readonly string[], exit: number): { input: string; argv: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'schsm-capture-test-'));
  const input = path.join(dir, 'spy.txt');
  writeFileSync(input, `${lines.join('\n')}\n`);
  return { input, argv: ['sh', '-c', `cat "${input}" > "$HOME/pcsc-spy"; echo "home $HOME $(stat -c %a "$HOME")"; exit ${exit}`] };
}

test('schsm trace capture: the trace file as it happens, the exit code passed through, the private FIFO directory removed', async (t) => {
  // with a line longer than any spy buffer (64 KiB as "HH "): dropped, counted, memory bounded
  const { input, argv } = fakeSpy([...session(), `${A}@${'00 '.repeat(70_000)}`], 3);
  const out = path.join(path.dirname(input), 'session.trace');
  const r = await runCliCaptured(['trace', 'capture', '-o', out, '--', ...argv], { env: { ...process.env } as Record<string, string> });
  t.is(r.code, 3, r.stderr);
  const home = /^home (\S+) (\d+)$/m.exec(r.stdout);
  t.is(home?.[2], '700', 'the directory holding the FIFO is private');
  t.false(existsSync(home?.[1] ?? '/'), 'and removed afterwards');
  t.is(statSync(out).mode & 0o777, 0o600);
  const text = readFileSync(out, 'utf8');
  t.is(exchangesOf(parseTrace(text)).length, 4);
  t.regex(text, /# program: sh\n/);
  t.regex(text, /# 1 spy line\(s\) longer than a 64 KiB buffer left out\n# capture ended: sh exited with code 3\n$/);
  t.false(text.includes('36 34 38 32 31 39'));
  t.false(r.stderr.includes('36 34 38 32 31 39'));
  t.regex(r.stderr, /=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.\n {3}# redacted: PIN \(VERIFY\)\n {3}VERIFY/);
  t.regex(r.stderr, /capture: 4 exchange\(s\) from sh written to .*session\.trace; sh exited with 3\n/);

  const again = await runCliCaptured(['trace', 'capture', '-o', out, '--', 'true'], { env: { ...process.env } as Record<string, string> });
  t.is(again.code, 4, 'an existing trace is not overwritten without --force');
  t.regex(again.stderr, /session\.trace/);

  const json = await runCliCaptured(['trace', 'capture', '--json', '--no-show', '-o', out, '--force', '--', ...argv], {
    env: { ...process.env } as Record<string, string>,
  });
  t.is(json.code, 3);
  t.like(JSON.parse(json.stdout), { program: 'sh', exitCode: 3, exchanges: 4, resets: 1, failedTransmits: 1, readers: [READER] });
  t.regex(json.stderr, /^home /m, "with --json the application's stdout goes to stderr");
  t.notRegex(json.stderr, /VERIFY/, '--no-show: no live view');
});

test('schsm trace capture --no-redact: secrets in clear only when asked, and the header and a warning say so', async (t) => {
  const { input, argv } = fakeSpy(session(), 0);
  const out = path.join(path.dirname(input), 'clear.trace');
  const r = await runCliCaptured(['trace', 'capture', '--no-redact', '--no-show', '-o', out, '--', ...argv], {
    env: { ...process.env } as Record<string, string>,
  });
  t.is(r.code, 0, r.stderr);
  const text = readFileSync(out, 'utf8');
  t.regex(text, /^=> 00 20 00 81 06 36 34 38 32 31 39\n/m);
  t.regex(text, /# redacted: NOTHING - this file contains PINs/);
  t.regex(r.stderr, /warning: redaction is off/);
  t.is(statSync(out).mode & 0o777, 0o600);
});

test("schsm trace capture: the application finds the user's HOME entries (a browser's NSS database), which survive the clean-up", async (t) => {
  const home = mkdtempSync(path.join(tmpdir(), 'schsm-capture-home-'));
  mkdirSync(path.join(home, '.pki', 'nssdb'), { recursive: true });
  writeFileSync(path.join(home, '.pki', 'nssdb', 'pkcs11.txt'), 'library=opensc-pkcs11.so\n');
  const r = await runCliCaptured(
    [
      'trace',
      'capture',
      '--no-show',
      '--',
      'sh',
      '-c',
      'cat "$HOME/.pki/nssdb/pkcs11.txt"; echo new > "$HOME/.pki/nssdb/written"; echo left > "$HOME/top"',
    ],
    { env: { ...process.env, HOME: home } as Record<string, string> },
  );
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'library=opensc-pkcs11.so\n');
  t.is(readFileSync(path.join(home, '.pki', 'nssdb', 'pkcs11.txt'), 'utf8'), 'library=opensc-pkcs11.so\n', 'the linked entry is kept');
  t.is(readFileSync(path.join(home, '.pki', 'nssdb', 'written'), 'utf8'), 'new\n', 'writes inside a linked entry land in the real HOME');
  t.false(existsSync(path.join(home, 'top')), 'a new entry at the top of HOME stays in the private directory (documented)');
});

test('schsm trace capture: usage errors', async (t) => {
  const none = await runCliCaptured(['trace', 'capture']);
  t.is(none.code, 2);
  t.regex(none.stderr, /name the application to capture after --/);
  const missing = await runCliCaptured(['trace', 'capture', '--', 'schsm-no-such-program'], {
    env: { ...process.env } as Record<string, string>,
  });
  t.is(missing.code, 2);
  t.regex(missing.stderr, /cannot run schsm-no-such-program: no such program/);
  const lib = await runCliCaptured(['trace', 'capture', '--spy-library', '/nonexistent/libpcscspy.so.0', '--', 'true']);
  t.is(lib.code, 2);
  t.regex(lib.stderr, /no such file: \/nonexistent\/libpcscspy\.so\.0 \(--spy-library\)/);
});

test('schsm trace capture: SIGINT and SIGTERM sent to schsm reach the application', async (t) => {
  t.timeout(60_000);
  for (const [signal, code] of [
    ['SIGINT', 42],
    ['SIGTERM', 43],
  ] as const) {
    const script = `trap 'exit ${code}' ${signal.slice(3)}; echo ready; i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; exit 9`;
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', MAIN, 'trace', 'capture', '--', 'sh', '-c', script],
      {
        cwd: ROOT,
      },
    );
    let stdout = '';
    let sent = false;
    child.stdout?.on('data', (d: Buffer) => {
      stdout += String(d);
      if (!sent && stdout.includes('ready')) sent = child.kill(signal);
    });
    const exit = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    t.is(exit, code, `${signal}: the application's trap ran and its exit code came back`);
  }
});

test('schsm trace capture killed mid-run: the trace written so far holds the exchanges, masked', async (t) => {
  t.timeout(60_000);
  const { input } = fakeSpy(session().slice(0, session().indexOf(`${A}@>|1700000000|50|SCardTransmit`)), 0);
  const out = path.join(path.dirname(input), 'cut.trace');
  const script = `cat "${input}" > "$HOME/pcsc-spy"; echo "pid $$ home $HOME"; exec sleep 30`;
  const child = execFile(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', MAIN, 'trace', 'capture', '-o', out, '--', 'sh', '-c', script],
    {
      cwd: ROOT,
    },
  );
  const [shPid, spyHome] = await new Promise<[number, string]>((resolve) => {
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => {
      stdout += String(d);
      const m = /pid (\d+) home (\S+)\n/.exec(stdout);
      if (m !== null) resolve([Number(m[1]), m[2] as string]);
    });
  });
  // the VERIFY reaches the file once the spy lines are read: wait for it, then kill schsm outright
  for (let i = 0; i < 100 && !(existsSync(out) && readFileSync(out, 'utf8').includes('00 20 00 81')); i++)
    await new Promise((r) => setTimeout(r, 100));
  const closed = new Promise((r) => child.on('close', r));
  child.kill('SIGKILL');
  process.kill(shPid, 'SIGKILL'); // the application (it holds the output pipe open)
  await closed;
  t.true(existsSync(spyHome), 'a killed schsm cannot remove its private directory (links and an empty FIFO only)');
  rmSync(spyHome, { recursive: true, force: true });
  const text = readFileSync(out, 'utf8');
  t.deepEqual(
    exchangesOf(parseTrace(text)).map((e) => formatPattern(e.command)),
    [SELECT, '00 20 00 81 06 .. .. .. .. .. ..'],
  );
  t.false(text.includes('36 34 38 32 31 39'));
  t.notRegex(text, /capture ended/, 'schsm did not get to finish the file');
});
