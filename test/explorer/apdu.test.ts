// `apdu` in every form of the mini-language, status word expectations, and masking of PINs in the echo.
import test from 'ava';
import { asciiHex, explore, initialisedSim, sent, USER_PIN } from './helpers.ts';

test('whole-APDU hex, hexdump and structured forms send the same bytes; the answer is dumped', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, ['apdu 00 84 00 00 08', 'apdu 00:84:00:00:08', 'apdu 84/08', 'apdu 8058/0000']);
  t.is(r.code, 0, r.stderr);
  t.is(r.apdus.filter((a) => Buffer.from(a).toString('hex') === '0084000008').length, 3);
  t.true(sent(r.apdus, '80 58 00 00 00 00 00'), '/0000 forces the extended Le (§3.5)');
  t.is(r.stdout.match(/^Sending: 00 84 00 00 08$/gm)?.length, 3);
  t.regex(r.stdout, /^Received \(SW1=0x90, SW2=0x00\): OK, normal processing$/m);
  t.regex(r.stdout, /^0000 {2}(CC 00 2F 02|2F 02 CC 00) /m, 'ENUMERATE answer: the device key CC00 and EF 2F02 (§3.5)');
});

test('=SW expectations pass and fail; without one, an error status word fails the line', async (t) => {
  const sim = await initialisedSim();
  const ok = await explore(sim, ['apdu 00A4000002CF77=6A82', 'apdu 00 20 00 81 =63Cx']);
  t.is(ok.code, 0, ok.stderr);
  const bad = await explore(sim, 'apdu 00A4000002CF77');
  t.is(bad.code, 1);
  t.regex(bad.stderr, /the card answered 6A82 \(file or application not found\), expected 9000 or 61xx/);
  const wrong = await explore(sim, 'apdu 00 20 00 81 =9000');
  t.regex(wrong.stderr, /answered 63C3 .*expected 9000/);
});

test('a PIN inside an APDU is masked in the echo (the card still gets it)', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, `apdu 00 20 00 81 06 ${asciiHex(USER_PIN)}`);
  t.is(r.code, 0, r.stderr);
  t.true(sent(r.apdus, `00 20 00 81 06 ${asciiHex(USER_PIN)}`));
  t.regex(r.stdout, /^Sending: 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.$/m);
  t.false(r.stdout.includes(asciiHex(USER_PIN, ' ')));
});

test('malformed APDUs are usage errors naming the problem', async (t) => {
  const sim = await initialisedSim();
  for (const [line, re] of [
    ['apdu', /missing APDU/],
    ['apdu 00 A4 0', /odd number of hex digits/],
    ['apdu 84/123', /Le must be 2 \(short\) or 4 \(extended\) hex digits/],
  ] as const) {
    const r = await explore(sim, line);
    t.is(r.code, 1, line);
    t.regex(r.stderr, re, line);
  }
});

test('bytes that are not a valid APDU encoding go to the card verbatim', async (t) => {
  const sim = await initialisedSim();
  // Lc 05 but only 2 data bytes: not a well-formed APDU; the simulator answers with an error SW.
  const r = await explore(sim, 'apdu 00 A4 00 00 05 2F 02 =6xxx');
  t.true(sent(r.apdus, '00 A4 00 00 05 2F 02'));
  t.is(r.code, 0, r.stderr);
});
