// withTrafficLog (the only place raw APDUs are logged) and observeTransport.
import test from 'ava';
import { createDebug } from '../../src/transport/debug-log.ts';
import { format } from 'node:util';
import { withTrafficLog, formatSend, formatRecv } from '../../src/transport/log.ts';
import { observeTransport } from '../../src/transport/observe.ts';
import { cardTransport } from '../../src/sim/card-transport.ts';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import { apdu, hex } from '../helpers/apdu.ts';

test('SEND shows a VERIFY PIN as ..; RECV names the SW and the time', (t) => {
  // VERIFY user PIN "648219": 00 20 00 81 | 06 | 36 34 38 32 31 39
  t.is(formatSend(apdu`00 20 00 81 | 06 | 36 34 38 32 31 39`), 'SEND 0020008106............');
  t.is(formatRecv(apdu`00 20 00 81 | 06 | 36 34 38 32 31 39`, hex('63 C2'), 1234), 'RECV SW=63C2 (1.2 ms)');
  t.is(formatRecv(apdu`00 A4 04 00 | 01 | AA | 00`, hex('6F 01 00 90 00'), 300), 'RECV 6F0100 SW=9000 (0.3 ms)');
  t.is(formatRecv(apdu`00 84 00 00 | 04`, hex('01 02 03 04 90 00'), 50), 'RECV ........ SW=9000 (0.1 ms)', 'card random is key material');
});

test('withTrafficLog logs through debug("schsm:transport") only when enabled, and passes bytes unchanged', async (t) => {
  const lines: string[] = [];
  const previous = createDebug.disable();
  const originalLog = createDebug.log;
  createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
  try {
    const card = createEchoCard();
    const logged = withTrafficLog(cardTransport(card, 'echo'));
    t.deepEqual(await logged.transmit(apdu`80 EE 00 00 | 02 | CA FE | 02`), hex('CA FE 90 00'));
    t.deepEqual(lines, [], 'silent while schsm:transport is disabled');
    createDebug.enable('schsm:transport');
    t.deepEqual(await logged.transmit(apdu`80 EE 00 00 | 02 | CA FE | 02`), hex('CA FE 90 00'));
    await logged.transmit(apdu`00 20 00 81 | 06 | 36 34 38 32 31 39`);
    await logged.reset();
    const text = lines.join('\n');
    t.regex(text, /SEND 80EE000002CAFE02/);
    t.regex(text, /RECV CAFE SW=9000 \(\d+\.\d ms\)/);
    t.regex(text, /SEND 0020008106\.\.\.\.\.\.\.\.\.\.\.\./);
    t.notRegex(text, /363438323139/, 'the PIN never reaches the log');
    t.regex(text, /RESET echo/);
    t.deepEqual(logged.atr, card.atr);
    t.is(logged.name, 'echo');
  } finally {
    createDebug.log = originalLog;
    createDebug.enable(previous);
  }
});

test('observeTransport reports exact bytes and a duration; errors pass through unreported', async (t) => {
  const seen: Array<[string, string, number]> = [];
  const card = createEchoCard();
  const inner = cardTransport(card, 'echo');
  const observed = observeTransport(inner, (c, r, us) => seen.push([Buffer.from(c).toString('hex'), Buffer.from(r).toString('hex'), us]));
  await observed.transmit(apdu`80 EE 00 00 | 01 | 5A | 01`);
  t.is(seen.length, 1);
  t.is(seen[0]?.[0], '80ee0000015a01');
  t.is(seen[0]?.[1], '5a9000');
  t.true((seen[0]?.[2] ?? -1) >= 0);
  t.is(observed.protocol, 'T=1', 'optional protocol is forwarded');
  await observed.close();
  await t.throwsAsync(observed.transmit(apdu`80 EE 00 00`));
  t.is(seen.length, 1);
});
