// Issue 9 finding 3: a secret APDU typed by the user (VERIFY, CHANGE REFERENCE DATA, RESET RETRY
// COUNTER, INITIALIZE DEVICE, IMPORT DKEK SHARE) is masked by its instruction — the whole data field,
// whatever Lc says — in every output: `schsm apdu --json` results[].input, `schsm run` (echo lines and
// --json), error lines that repeat the input, parse errors, the malformed-APDU warning, --record
// traces, the -vv traffic log and the explorer. On 13b3bf7 the PIN was in results[].input, in
// `run --json`, in error lines and in the malformed-APDU warning, and a too-small Lc left the rest of
// the PIN visible in traces and -vv.
import test from 'ava';
import { createDebug } from '../../src/transport/debug-log.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { runCliCaptured, type CliResult } from '../helpers/cli.ts';
import { encodingsIn, secretEncodings } from '../helpers/secrets.ts';
import { explore, tempDir } from '../explorer/helpers.ts';
import { createSimulatorTransport as simTransport } from '../../src/sim/index.ts';

const PIN = 'Kx9Vq2Lm7Tz4';
const WRONG = 'Qw3Er5Ty7Ui9';
const hexOf = (s: string): string => Buffer.from(s, 'ascii').toString('hex').toUpperCase();
/** SELECT the SmartCard-HSM applet (§3.1), before any other APDU. */
const SELECT = '00A4040C0BE82B0601040181C31F0201';
const FORMS = [...secretEncodings(Buffer.from(PIN)), ...secretEncodings(Buffer.from(WRONG))];

async function stateFile(): Promise<{ dir: string; file: string }> {
  const dir = tempDir('schsm-secret-apdu-');
  const file = path.join(dir, 'card.json');
  const card = await SmartCardHsm.open(await createSimulatorTransport({ stateFile: file }));
  await initializeDevice(card, { confirm: true, soPin: 'C3A59E17D84B206F', userPin: PIN, retryCounter: 5 });
  await card.close();
  return { dir, file };
}

/** `schsm <argv> --sim-state FILE -vv`, the debug log captured too (serial tests: debug is global). */
async function schsm(dir: string, file: string, argv: readonly string[]): Promise<CliResult & { log: string }> {
  const lines: string[] = [];
  const original = createDebug.log;
  createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
  try {
    const r = await runCliCaptured([...argv, '--sim-state', file, '-vv'], { open: openDefaultTransport, cwd: dir });
    return { ...r, log: lines.join('\n') };
  } finally {
    createDebug.log = original;
    createDebug.disable();
  }
}

/** Every text a run left: stdout, stderr, debug log, and the trace files named. */
function everything(dir: string, r: CliResult & { log: string }, traces: readonly string[]): Record<string, string> {
  const out: Record<string, string> = { stdout: r.stdout, stderr: r.stderr, log: r.log };
  for (const t of traces) out[t] = readFileSync(path.join(dir, t), 'utf8');
  return out;
}

function noLeaks(t: import('ava').ExecutionContext, texts: Record<string, string>): void {
  for (const [where, text] of Object.entries(texts)) t.deepEqual(encodingsIn(text, FORMS), [], `secret in ${where}`);
}

test.serial('schsm apdu --json: results[].input, exchanges, trace and -vv log show the VERIFY data as ..', async (t) => {
  const { dir, file } = await stateFile();
  const r = await schsm(dir, file, ['apdu', SELECT, `002000810C${hexOf(PIN)}`, '--json', '--record', path.join(dir, 'a.trace')]);
  t.is(r.code, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { results: Array<{ input: string }>; exchanges: Array<{ command: string }> };
  t.is(json.results[1]?.input, `002000810C${'..'.repeat(12)}`);
  t.true(json.exchanges.some((e) => e.command === `002000810C${'..'.repeat(12)}`));
  t.regex(r.log, /SEND 002000810C\.{24}/, 'the -vv log ran and masked');
  noLeaks(t, everything(dir, r, ['a.trace']));
});

test.serial(
  'malformed secret APDUs (Lc too small, no Lc): the warning, output, trace and log hide everything after the header',
  async (t) => {
    const { dir, file } = await stateFile();
    const r = await schsm(dir, file, [
      'apdu',
      SELECT,
      `0020008102${hexOf(PIN)}=XXXX`,
      `00200081${hexOf(PIN)}=XXXX`,
      '--record',
      path.join(dir, 'm.trace'),
    ]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, /warning: 00 20 00 81( \.\.){13} is not a well-formed ISO 7816-4 APDU/);
    t.regex(r.stderr, /warning: 00 20 00 81( \.\.){12} is not a well-formed/);
    t.regex(readFileSync(path.join(dir, 'm.trace'), 'utf8'), /^=> 00 20 00 81( \.\.){13} {2}# redacted: PIN \(VERIFY\); malformed APDU/m);
    noLeaks(t, everything(dir, r, ['m.trace']));
  },
);

test.serial('an unmet expectation and a parse error never repeat the PIN', async (t) => {
  const { dir, file } = await stateFile();
  const unmet = await schsm(dir, file, ['apdu', SELECT, `002000810C${hexOf(WRONG)}=9000`]);
  t.is(unmet.code, 1);
  t.regex(unmet.stderr, new RegExp(`error: 002000810C${'\\.\\.'.repeat(12)}=9000: expected SW 9000, got 63C4`));
  noLeaks(t, everything(dir, unmet, []));
  const bad = await schsm(dir, file, ['apdu', `002000810C${hexOf(PIN)}ZZ`]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /not hex: unexpected character \(…\) in \(…\) \(the APDU is not repeated: it may carry a PIN, SO-PIN or key share\)/);
  const typo = await schsm(dir, file, ['apdu', `00 2O 00 81 0C ${hexOf(PIN)}`]);
  t.is(typo.code, 2, 'a typo before the INS: nothing tells it is no VERIFY');
  noLeaks(t, { ...everything(dir, bad, []), ...everything(dir, typo, []) });
});

test.serial(
  'schsm run: the echo lines, --json results and the trace mask the VERIFY; INITIALIZE DEVICE data is hidden whole',
  async (t) => {
    const { dir, file } = await stateFile();
    writeFileSync(path.join(dir, 'v.apdu'), `${SELECT}\n# log in\n00 20 00 81 0C ${hexOf(PIN)}\n`);
    const plain = await schsm(dir, file, ['run', 'v.apdu', '--record', path.join(dir, 'r1.trace')]);
    t.is(plain.code, 0, plain.stderr);
    t.regex(plain.stdout, new RegExp(`^# v\\.apdu:3 {2}002000810C${'\\.\\.'.repeat(12)}$`, 'm'));
    const json = await schsm(dir, file, ['run', 'v.apdu', '--json', '--record', path.join(dir, 'r2.trace')]);
    t.is(json.code, 0, json.stderr);
    t.is((JSON.parse(json.stdout) as { results: Array<{ input: string }> }).results[1]?.input, `002000810C${'..'.repeat(12)}`);
    noLeaks(t, { ...everything(dir, plain, ['r1.trace']), ...everything(dir, json, ['r2.trace']) });
    // INITIALIZE DEVICE (re-initialise with the SO-PIN): tags 80 options, 81 user PIN, 82 SO-PIN, all hidden
    const init = `80 50 00 00 1C 80 02 00 01 81 0C ${hexOf(PIN)} 82 08 C3 A5 9E 17 D8 4B 20 6F`;
    writeFileSync(path.join(dir, 'i.apdu'), `${SELECT}\n${init}\n`);
    const i = await schsm(dir, file, ['run', 'i.apdu', '--yes', '--record', path.join(dir, 'i.trace')]);
    t.is(i.code, 0, i.stderr);
    t.regex(readFileSync(path.join(dir, 'i.trace'), 'utf8'), /^=> 80 50 00 00 1C( \.\.){28} {2}# redacted/m);
    noLeaks(t, everything(dir, i, ['i.trace']));
    t.deepEqual(encodingsIn(readFileSync(path.join(dir, 'i.trace'), 'utf8'), secretEncodings(Buffer.from('C3A59E17D84B206F', 'hex'))), []);
  },
);

test.serial('explorer apdu: the echo, the -v display and the trace hide a malformed VERIFY', async (t) => {
  const sim = await (async () => {
    const { SmartCardHsmSimulator } = await import('../../src/sim/index.ts');
    const s = new SmartCardHsmSimulator();
    const card = await SmartCardHsm.open(await simTransport({ simulator: s }));
    await initializeDevice(card, { confirm: true, soPin: 'C3A59E17D84B206F', userPin: PIN, retryCounter: 5 });
    await card.close();
    return s;
  })();
  const spaced = hexOf(PIN).replace(/(..)(?!$)/g, '$1 ');
  const r = await explore(sim, [`apdu 00 20 00 81 02 ${spaced}=XXXX`], {
    debugLevel: 1,
    record: { file: 'e.trace', force: false, redact: true },
  });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^Sending: 00 20 00 81( \.\.){13}$/m);
  noLeaks(t, { stdout: r.stdout, stderr: r.stderr, trace: readFileSync(path.join(r.cwd, 'e.trace'), 'utf8') });
});
