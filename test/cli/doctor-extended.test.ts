// Item 15 of issue 11: doctor recognises HID Omnikey readers by name, tests extended-length APDUs, and
// when they fail says what to do: TPDU_T1Mode=1 in /etc/omnikey.ini (the CardMan registry key on
// Windows), that this breaks PIN-pad verification on the Omnikey 3821, and the chaining fallback.
// The reader is the simulator behind a decorating transport that refuses extended APDUs the way a
// PC/SC reader does (SCardTransmit fails with SCARD_E_NOT_TRANSACTED).
import test from 'ava';
import { extendedLengthAdvice, isOmnikey } from '../../src/cli/commands/doctor/card-checks.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { decorate } from '../../src/transport/decorate.ts';
import { PcscError } from '../../src/transport/pcsc-errors.ts';
import type { Transport } from '../../src/transport/transport.ts';
import { runSchsm } from '../helpers/cli.ts';

const OMNIKEY = 'HID Global OMNIKEY 3x21 Smart Card Reader [OMNIKEY 3x21 Smart Card Reader] 00 00';

/** Extended form (ISO 7816-4 §5.1): byte 4 is 00 and more bytes follow (Lc or Le in 2-3 bytes). */
const isExtended = (c: Uint8Array): boolean => c.length >= 7 && c[4] === 0x00;

/** The simulator in a reader called `name`, which refuses extended APDUs when `refuse` is set. */
async function reader(name: string, refuse: boolean): Promise<{ transport: Transport; extendedTried: () => number }> {
  const inner = await createSimulatorTransport();
  let tried = 0;
  const t = decorate(inner, {
    transmit: async (command) => {
      if (isExtended(command)) {
        tried++;
        if (refuse) throw new PcscError(`SCardTransmit on "${name}": SCARD_E_NOT_TRANSACTED (Transaction failed)`, 0x80100016);
      }
      return inner.transmit(command);
    },
  });
  Object.defineProperty(t, 'name', { get: () => name });
  return { transport: t, extendedTried: () => tried };
}

test('Omnikey readers are recognised by name', (t) => {
  t.true(isOmnikey(OMNIKEY));
  t.true(isOmnikey('OMNIKEY CardMan 5x21 00 00'));
  t.false(isOmnikey('Virtual PCD 00 00'));
  t.false(isOmnikey('Identiv uTrust 3700 F CL Reader 00 00'));
});

test('doctor on an Omnikey that refuses extended APDUs: FAIL with TPDU_T1Mode, the 3821 PIN-pad caveat and the chaining fallback', async (t) => {
  const { transport, extendedTried } = await reader(OMNIKEY, true);
  const r = await runSchsm(['doctor', '--sim'], async () => transport);
  t.is(r.code, 1, r.stdout);
  t.true(extendedTried() > 0, 'doctor sent an extended APDU');
  t.regex(r.stdout, /\[info\] reader: HID Omnikey reader/);
  t.regex(r.stdout, /\[FAIL\] extended length: an extended APDU failed: SCardTransmit on .*SCARD_E_NOT_TRANSACTED/);
  const hint = r.stdout.slice(r.stdout.indexOf('[FAIL] extended length'));
  t.regex(hint, /TPDU_T1Mode=1 in \/etc\/omnikey\.ini/);
  t.regex(hint, /on Windows the TPDU_T1Mode value of the CardMan driver registry key/);
  t.regex(hint, /breaks PIN-pad verification on the Omnikey 3821/);
  t.regex(hint, /--short-only: it then splits long commands with command chaining/);
  t.regex(r.stdout, /\[ok {2}\] SmartCard-HSM applet/, 'the other checks still ran');
  t.regex(r.stdout, /user PIN: device not initialised/);
});

test('doctor --json carries the same advice', async (t) => {
  const { transport } = await reader(OMNIKEY, true);
  const r = await runSchsm(['doctor', '--sim', '--json'], async () => transport);
  t.is(r.code, 1);
  const doc = JSON.parse(r.stdout) as { findings: Array<{ check: string; verdict: string; hint?: string; reader?: string }> };
  const ext = doc.findings.find((f) => f.check === 'extended length');
  t.is(ext?.verdict, 'fail');
  t.is(ext?.reader, OMNIKEY);
  t.is(ext?.hint, extendedLengthAdvice(OMNIKEY));
});

test('another reader that refuses extended APDUs: FAIL with the general advice and the fallback, no Omnikey settings', async (t) => {
  const { transport } = await reader('Some Reader 00 00', true);
  const r = await runSchsm(['doctor', '--sim'], async () => transport);
  t.is(r.code, 1);
  t.regex(r.stdout, /\[FAIL\] extended length/);
  t.regex(r.stdout, /does not pass extended-length APDUs, which RSA-2048 operations and large writes need/);
  t.regex(r.stdout, /--short-only/);
  t.notRegex(r.stdout, /omnikey|TPDU/i);
});

test('an Omnikey that passes extended APDUs (TPDU_T1Mode set): ok, no advice', async (t) => {
  const { transport, extendedTried } = await reader(OMNIKEY, false);
  const r = await runSchsm(['doctor', '--sim'], async () => transport);
  t.is(r.code, 0, r.stdout);
  t.true(extendedTried() > 0);
  t.regex(r.stdout, /\[ok {2}\] extended length: a 512-byte response to an extended Le came back whole/);
  t.notRegex(r.stdout, /omnikey\.ini/);
});
