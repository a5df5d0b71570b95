// `schsm apdu` through runCli with an in-process echo card or simulator: exact bytes on the wire,
// annotated output, expectations and exit codes.
import test from 'ava';
import { createEchoCard, type EchoCard } from '../../src/sim/echo-card.ts';
import { cardTransport } from '../../src/sim/card-transport.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { apdu, hex, seq } from '../helpers/apdu.ts';
import { runSchsm } from '../helpers/cli.ts';

function withEcho(card: EchoCard = createEchoCard()) {
  return (argv: string[]) => runSchsm(argv, async () => cardTransport(card, 'echo'));
}

test('SELECT in whole-hex form: the exact bytes reach the card, the output is annotated, exit 0', async (t) => {
  const card = createEchoCard();
  const r = await withEcho(card)(['apdu', '00A404000AF0736368736D6563686F']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(card.received, [apdu`00 A4 04 00 | 0A | F0 73 63 68 73 6D 65 63 68 6F`]);
  const lines = r.stdout.split('\n');
  t.is(lines[0], '=> 00 A4 04 00 | 0A | F0 73 63 68 73 6D 65 63 68 6F');
  t.regex(lines[1] ?? '', /^ {3}SELECT · CLA 00: .* · P1 04: select by DF name \(AID\) · P2 00: return FCI$/);
  t.is(lines[2], '   case 3S · Lc 0A (Nc 10)');
  t.regex(r.stdout, /\n<= 90 00 {3}\(\d+\.\d{3} ms\)\n {3}9000 OK: normal processing\n/);
});

test('structured forms: INS/LE, CLA INS P1P2:DATA/LE, header widths 1..4 encode as the spec says', async (t) => {
  const card = createEchoCard();
  const r = await withEcho(card)(['apdu', '0084/08', '80EE0000:0102/02', '80EE0000:0A0B0C/0003', 'A4']);
  t.is(r.code, 1, 'the last one (INS A4 with CLA 00 P1P2 0000) answers 6A86');
  t.deepEqual(card.received, [
    apdu`00 84 00 00 | 08`, // 2-byte header = CLA INS; /08 short Le
    apdu`80 EE 00 00 | 02 | 01 02 | 02`,
    apdu`80 EE 00 00 | 00 00 03 | 0A 0B 0C | 00 03`, // /0003 forces extended: Lc 00 0003, Le 0003
    apdu`00 A4 00 00`,
  ]);
  t.regex(r.stderr, /error: A4: expected SW 9000 or 61xx, got 6A86 \(INCORRECT_P1P2/);
});

test('=SW expectations with wildcards decide the exit code; the first unmet one stops the list', async (t) => {
  const card = createEchoCard();
  const ok = await withEcho(card)(['apdu', '00A4040C:0102=6A82', '8012=6DXX', '80EE0000:AA/01=9000']);
  t.is(ok.code, 0, ok.stderr);
  const stop = await withEcho(card)(['apdu', '8012=6A82', '80EE0000:AA/01']);
  t.is(stop.code, 1);
  t.regex(stop.stderr, /8012=6A82: expected SW 6A82, got 6D00 \(INS_NOT_SUPPORTED/);
  t.deepEqual(card.received.at(-1), apdu`80 12 00 00`, 'nothing sent after the failure');
});

test('61xx: the GET RESPONSE exchanges are printed too, and the final SW decides', async (t) => {
  const card = createEchoCard({ mode: 'get-response' });
  const r = await withEcho(card)(['apdu', '80EE0000:112233/03']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(card.received, [apdu`80 EE 00 00 | 03 | 11 22 33 | 03`, apdu`00 C0 00 00 | 03`]);
  t.regex(r.stdout, /<= 61 03 {3}\(/);
  t.regex(r.stdout, /61XX BYTES_AVAILABLE|6103 BYTES_AVAILABLE/);
  t.regex(r.stdout, /=> 00 C0 00 00 \| 03\n {3}GET RESPONSE/);
  t.regex(r.stdout, /<= 11 22 33 \| 90 00/);
});

test('--short-only: 300 data bytes go out chained (CLA 90, 255 + 45), Ne 300 becomes Le 00', async (t) => {
  const card = createEchoCard();
  const data = seq(300);
  const text = `80EE0000:${Buffer.from(data).toString('hex')}/012C`;
  const r = await withEcho(card)(['apdu', '--short-only', text]);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(card.received, [apdu`90 EE 00 00 | FF | ${data.subarray(0, 255)}`, apdu`80 EE 00 00 | 2D | ${data.subarray(255)} | 00`]);
  t.regex(r.stdout, /<= <256 data bytes> \| 90 00/);
  t.regex(r.stdout, /\n {3}0000 {2}00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F {2}\.{16}\n/);
});

test('a malformed raw APDU is sent as given, with a warning', async (t) => {
  const card = createEchoCard();
  const r = await withEcho(card)(['apdu', '80EE000005AABB=6700']);
  t.is(r.code, 0, r.stderr);
  t.deepEqual(card.received, [hex('80 EE 00 00 05 AA BB')]);
  t.regex(r.stderr, /warning: 80 EE 00 00 05 AA BB is not a well-formed ISO 7816-4 APDU/);
  t.regex(r.stdout, /malformed: short Lc 5 but 2 byte\(s\) follow/);
});

test('a PIN in a VERIFY is shown as .. unless --no-redact; card random likewise', async (t) => {
  const card = createEchoCard();
  // the echo card does not report PIN tries (6D00): the guard lets a VERIFY through only when allowed
  const hidden = await withEcho(card)(['apdu', '--allow-last-try', '00200081:363438323139=6D00', '0084/04']);
  t.is(hidden.code, 0, hidden.stderr);
  t.deepEqual(card.received[0], apdu`00 20 00 81 | 06 | 36 34 38 32 31 39`, 'the card still gets the PIN');
  t.regex(hidden.stdout, /=> 00 20 00 81 \| 06 \| \.\. \.\. \.\. \.\. \.\. \.\.\n/);
  t.notRegex(hidden.stdout, /36 34 38 32 31 39/);
  t.regex(hidden.stdout, /PIN \(VERIFY\): hidden \(--no-redact shows it\)/);
  t.regex(hidden.stdout, /<= \.\. \.\. \.\. \.\. \| 90 00/);
  const shown = await withEcho(card)(['apdu', '--no-redact', '--allow-last-try', '00200081:363438323139=6D00']);
  t.regex(shown.stdout, /=> 00 20 00 81 \| 06 \| 36 34 38 32 31 39\n/);
});

test('--json: every exchange with hex, SW name and time; results with expectations', async (t) => {
  const card = createEchoCard({ mode: 'wrong-le' });
  const r = await withEcho(card)(['apdu', '--json', '80EE0000:C0FFEE/00']);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    ok: boolean;
    reader: string;
    results: Array<{ sw: string; ok: boolean; data?: string }>;
    exchanges: Array<{ command: string; response: string; sw: string; swName: string }>;
  };
  t.true(doc.ok);
  t.is(doc.reader, 'echo');
  t.deepEqual(
    doc.exchanges.map((e) => [e.command, e.response, e.swName]),
    [
      ['80EE000003C0FFEE00', '6C03', 'WRONG_LE'],
      ['80EE000003C0FFEE03', 'C0FFEE9000', 'OK'],
    ],
  );
  t.deepEqual(doc.results, [{ input: '80EE0000:C0FFEE/00', sw: '9000', expected: '9000 or 61xx', ok: true, data: 'C0FFEE' }]);
});

test('"reset" between APDUs resets the card; a parse error is exit 2 before anything is sent', async (t) => {
  const card = createEchoCard();
  const r = await withEcho(card)(['apdu', '80E00200', 'reset', '80EE0000:01/05']);
  t.is(r.code, 0, r.stderr);
  t.is(card.resets, 1);
  t.regex(r.stdout, /reset {2}ATR 3B 8A 80 01 73 63 68 73 6D 2D 65 63 68 6F 41/);
  const before = card.received.length;
  const bad = await withEcho(card)(['apdu', '00A4040C', '00A4G0']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /not hex/);
  t.is(card.received.length, before);
});

test('against the SmartCard-HSM simulator: SELECT answers an FCP with version tag 85, decoded', async (t) => {
  const r = await runSchsm(['apdu', '--sim', '00A40400:E82B0601040181C31F0201/00', '00200081=6A88'], () => createSimulatorTransport());
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /85 proprietary .*: 0000000305/);
  t.regex(r.stdout, /6A88 REFERENCED_DATA_NOT_FOUND/);
});
