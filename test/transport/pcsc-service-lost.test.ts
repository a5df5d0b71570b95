// Issue 9 finding 12, the pcscd half: pcscd killed mid-script made SCardTransmit fail with
// "SCARD_W_SECURITY_VIOLATION (Access denied)" and no hint (issue 9, pcsc-lite 1.9.9: libpcsclite's
// name for a socket pcscd closed). Measured once by hand here: a private pcscd (own mount namespace,
// own copy of libifdvpcd.so on another port) SIGKILLed between two APDUs of an open session made
// SCardTransmit fail with SCARD_E_NO_SERVICE. The shared pcscd is never killed in tests, so the
// mapping is tested with the codes observed.
import test from 'ava';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';
import { pcscErrorFrom, SERVICE_LOST } from '../../src/transport/pcsc-errors.ts';

const observed: Array<[string, string]> = [
  ['SCardTransmit error: Service not available.(0x8010001D)', 'SCARD_E_NO_SERVICE'],
  ['SCardTransmit error: Access denied.(0x8010006A)', 'SCARD_W_SECURITY_VIOLATION'],
  ['SCardTransmit error: Service was stopped.(0x8010001E)', 'SCARD_E_SERVICE_STOPPED'],
  ['SCardTransmit error: Internal error.(0x80100013)', 'SCARD_F_COMM_ERROR'],
];

for (const [message, name] of observed) {
  test(`${name} from SCardTransmit: exit 3 and a hint that the PC/SC service went away`, (t) => {
    const e = pcscErrorFrom(new Error(message), 'SCardTransmit', 'Virtual PCD 00 00');
    t.is(e.pcscName, name);
    t.is(e.code, 'ERR_SCHSM_PCSC_NO_SERVICE');
    t.is(exitCodeFor(e), 3);
    t.regex(e.hint ?? '', name === 'SCARD_E_NO_SERVICE' ? /start the PC\/SC daemon/ : /PC\/SC service went away/);
  });
}

test('the codes that mean "pcscd is gone" mid-session', (t) => {
  t.deepEqual([...SERVICE_LOST].sort(), [0x8010001d, 0x8010001e, 0x8010006a]);
});
