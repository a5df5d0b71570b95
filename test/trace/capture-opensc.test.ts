// `schsm trace capture` of OpenSC's own tools against the simulator behind the real pcscd (vpcd), never
// skipped in CI: the captured trace must hold the same exchanges as OpenSC's debug log of the same run
// (debug = 9 in a confined opensc.conf) and as the card saw them (vpcd), with PINs and SO-PINs masked in
// the file and on the terminal, and the tool's exit code passed through.
import test from 'ava';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { exchangeRecord, exchangesOf, importLog, makeTrace, parseTrace, redactTrace, type Trace } from '../../src/trace/index.ts';
import { concretePattern, formatPattern } from '../../src/trace/pattern.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { encodingsIn, secretEncodings } from '../helpers/secrets.ts';
import { openscOnly } from '../helpers/opensc-conf.ts';
import { requirePcscd, runTool, withVirtualCard, type VirtualReader } from '../helpers/vpcd.ts';

const PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const SO_PIN = '3537363231383830';
const USER_PIN = '648219';
// as they travel in INITIALIZE DEVICE and VERIFY (SO-PIN: 8 bytes from its hex; user PIN: ASCII)
const SO_PIN_BYTES = '35 37 36 32 31 38 38 30';
const USER_PIN_BYTES = '36 34 38 32 31 39';

// every encoding of both (ASCII, hex in all spacings, base64, decimal bytes)
const SECRET_FORMS = [...secretEncodings(new TextEncoder().encode(USER_PIN)), ...secretEncodings(Buffer.from(SO_PIN, 'hex'))];

const pairs = (trace: Trace): string[] => exchangesOf(trace).map((e) => `${formatPattern(e.command)} | ${formatPattern(e.response)}`);

/** What the card received and answered since event `from`, redacted as a trace is. */
function cardSide(reader: VirtualReader, from: number): string[] {
  const records = reader.events
    .slice(from)
    .flatMap((e) =>
      e.kind === 'apdu' ? [exchangeRecord({ command: concretePattern(e.command), response: concretePattern(e.response) })] : [],
    );
  return pairs(redactTrace(makeTrace({ records })));
}

test.serial(
  "capture of sc-hsm-tool and pkcs11-tool: the exchanges of OpenSC's debug log and of the card, PINs masked, exit codes passed through",
  async (t) => {
    t.timeout(600_000);
    if (!(await requirePcscd(t))) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'schsm-capture-opensc-'));
    await withVirtualCard(
      new SmartCardHsmSimulator(),
      async (reader) => {
        const confined = await openscOnly([reader.readerName]);
        const confText = readFileSync(confined.OPENSC_CONF as string, 'utf8');
        const slot = ['--module', PKCS11, '--slot-description', reader.readerName];

        /** Run `argv` under capture with OpenSC logging every APDU to its own debug file. */
        const capture = async (name: string, argv: readonly string[]) => {
          const log = path.join(dir, `${name}.opensc.log`);
          const conf = path.join(dir, `${name}.opensc.conf`);
          writeFileSync(conf, confText.replace('app default {\n', `app default {\n  debug = 9;\n  debug_file = ${JSON.stringify(log)};\n`));
          const out = path.join(dir, `${name}.trace`);
          const from = reader.events.length;
          const r = await runCliCaptured(['trace', 'capture', '-o', out, '--', ...argv], {
            env: { ...confined, OPENSC_CONF: conf } as Record<string, string>,
          });
          t.log(`$ schsm trace capture -o ${name}.trace -- ${argv[0]} … [exit ${r.code}]`);
          const text = readFileSync(out, 'utf8');
          for (const secret of [USER_PIN, SO_PIN, USER_PIN_BYTES, SO_PIN_BYTES]) {
            t.false(text.includes(secret), `${name}: the trace file holds no PIN`);
            t.false(r.stderr.includes(secret), `${name}: the terminal shows no PIN`);
            t.false(r.stdout.includes(secret), `${name}: nor does stdout`);
          }
          t.deepEqual(encodingsIn(`${text}\n${r.stderr}\n${r.stdout}`, SECRET_FORMS), [], `${name}: in no encoding`);
          const captured = pairs(parseTrace(text, { file: out }));
          t.true(captured.length > 0, `${name}: exchanges captured`);
          t.deepEqual(
            captured,
            pairs(importLog(readFileSync(log, 'utf8'), { format: 'opensc', file: log })),
            `${name}: as OpenSC logged them`,
          );
          t.deepEqual(captured, cardSide(reader, from), `${name}: as the card saw them`);
          const diff = await runCliCaptured(['trace', 'diff', out, log]);
          t.is(diff.code, 0, `${name}: schsm trace diff of the capture and OpenSC's log finds no difference\n${diff.stdout}${diff.stderr}`);
          return { ...r, text };
        };

        const init = await capture('init', ['sc-hsm-tool', '-r', '0', '--initialize', '--so-pin', SO_PIN, '--pin', USER_PIN]);
        t.is(init.code, 0, init.stderr);
        t.regex(init.text, /^=> 80 50 00 00 [0-9A-F]{2}( \.\.)+ {2}# redacted: user PIN and SO-PIN \(INITIALIZE DEVICE data\)\n<= 90 00/m);
        t.regex(init.stderr, /INITIALIZE DEVICE/, 'annotated live on the terminal');

        // a wrong PIN: pkcs11-tool fails, and schsm exits with the very code it exits with on its own
        const direct = await runTool('pkcs11-tool', [...slot, '--login', '--pin', '000000', '-O'], 120_000, confined);
        t.not(direct.code, 0);
        const wrong = await capture('wrong-pin', ['pkcs11-tool', ...slot, '--login', '--pin', '000000', '-O']);
        t.is(wrong.code, direct.code, 'the exit code passes through');
        t.regex(wrong.text, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\. {2}# redacted: PIN \(VERIFY\)\n<= 63 C1/m);

        const login = await capture('login', ['pkcs11-tool', ...slot, '--login', '--pin', USER_PIN, '-O']);
        t.is(login.code, 0, login.stderr);
        t.regex(login.text, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\. {2}# redacted: PIN \(VERIFY\)\n<= 90 00/m);
        t.regex(login.stderr, /VERIFY · CLA 00: ISO · P1 00: - · P2 81: user PIN/);
        t.regex(login.stderr, /capture: \d+ exchange\(s\) from pkcs11-tool written to .*login\.trace; pkcs11-tool exited with 0/);

        // two programs one after the other, each opening the spy FIFO: one trace, in order
        const two = await capture('two-programs', ['sh', '-c', 'opensc-tool -r 0 -n && pkcs15-tool -r 0 --list-pins']);
        t.is(two.code, 0, two.stderr);
        t.regex(two.stdout, /^SmartCard-HSM Applet for JCOP version 3\.5$/m, "opensc-tool's own output comes through on stdout");
        t.regex(two.stdout, /PIN \[UserPIN\]/, "and pkcs15-tool's");
      },
      { allReaders: true }, // pkcs11-tool connects to the cards in every reader
    );
  },
);
