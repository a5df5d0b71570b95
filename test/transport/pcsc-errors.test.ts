// PC/SC failures as the binding reports them (message text with the code in parentheses, as
// node-pcsclite's error_msg() formats pcsc_stringify_error output) become PcscErrors with code,
// name and advice.
import test from 'ava';
import { PcscError, PcscUnavailableError, pcscCodeName, pcscErrorFrom, PCSC_CODE } from '../../src/transport/pcsc-errors.ts';
import { selectReader } from '../../src/transport/pcsc.ts';
import { exitCodeFor, EXIT } from '../../src/cli/exit-codes.ts';

const cases: Array<[string, number, string, string, RegExp]> = [
  [
    'SCardEstablishContext error: Service not available.(0x8010001d)',
    0x8010001d,
    'SCARD_E_NO_SERVICE',
    'ERR_SCHSM_PCSC_NO_SERVICE',
    /pcscd/,
  ],
  [
    'SCardTransmit error: Card was removed.(0x80100069)',
    0x80100069,
    'SCARD_W_REMOVED_CARD',
    'ERR_SCHSM_PCSC_CARD_REMOVED',
    /insert the card/,
  ],
  [
    'SCardConnect error: Sharing violation.(0x8010000b)',
    0x8010000b,
    'SCARD_E_SHARING_VIOLATION',
    'ERR_SCHSM_PCSC_SHARING_VIOLATION',
    /another application/,
  ],
  [
    'SCardConnect error: No smart card inserted.(0x8010000c)',
    0x8010000c,
    'SCARD_E_NO_SMARTCARD',
    'ERR_SCHSM_PCSC_NO_CARD',
    /insert the card/,
  ],
  [
    'SCardTransmit error: Card was reset.(0x80100068)',
    0x80100068,
    'SCARD_W_RESET_CARD',
    'ERR_SCHSM_PCSC_CARD_RESET',
    /PIN verification is lost/,
  ],
  [
    'SCardListReaders error: Cannot find a smart card reader.(0x8010002e)',
    0x8010002e,
    'SCARD_E_NO_READERS_AVAILABLE',
    'ERR_SCHSM_PCSC_NO_READERS',
    /reader/,
  ],
  ['SCardGetStatusChange error: Command timeout.(0x8010000a)', 0x8010000a, 'SCARD_E_TIMEOUT', 'ERR_SCHSM_PCSC_TIMEOUT', /re-plug/],
  [
    'SCardConnect error: Unknown reader specified.(0x80100009)',
    0x80100009,
    'SCARD_E_UNKNOWN_READER',
    'ERR_SCHSM_PCSC_UNKNOWN_READER',
    /--reader/,
  ],
];

for (const [message, code, name, schsmCode, hint] of cases) {
  test(`binding message → ${name}`, (t) => {
    const err = pcscErrorFrom(new Error(message), 'SCardX', 'Virtual PCD 00 00');
    t.true(err instanceof PcscError);
    t.is(err.pcscCode, code);
    t.is(err.pcscName, name);
    t.is(err.code, schsmCode);
    t.regex(err.hint ?? '', hint);
    t.true(err.message.startsWith(`SCardX on "Virtual PCD 00 00": ${name} (`), err.message);
    t.is(exitCodeFor(err), EXIT.NO_CARD, 'the CLI exits 3 for every PC/SC problem');
  });
}

test('an unknown code keeps its number and gets the generic code', (t) => {
  const err = pcscErrorFrom(new Error('SCardFoo error: Something.(0x80100099)'), 'SCardFoo');
  t.is(err.pcscCode, 0x80100099);
  t.is(err.pcscName, '0x80100099');
  t.is(err.code, 'ERR_SCHSM_PCSC');
});

test('a message without a code still becomes a PcscError', (t) => {
  const err = pcscErrorFrom(new Error('Card Reader not connected'), 'SCardTransmit');
  t.is(err.pcscCode, undefined);
  t.is(err.message, 'SCardTransmit: Card Reader not connected');
});

test('code table: values from pcsclite.h', (t) => {
  t.is(PCSC_CODE.SCARD_E_NO_SERVICE, 0x8010001d);
  t.is(PCSC_CODE.SCARD_W_REMOVED_CARD, 0x80100069);
  t.is(pcscCodeName(0x8010002e), 'SCARD_E_NO_READERS_AVAILABLE');
  t.is(pcscCodeName(-2146435043), 'SCARD_E_NO_SERVICE', 'a signed 32-bit LONG maps too');
});

test('binding not loadable → PcscUnavailableError telling what to install', (t) => {
  const err = new PcscUnavailableError(new Error('libpcsclite.so.1: cannot open shared object file: No such file or directory'));
  t.is(err.code, 'ERR_SCHSM_PCSC_UNAVAILABLE');
  t.regex(err.message, /libpcsclite\.so\.1/);
  t.regex(err.hint ?? '', /apt-get install libpcsclite1 pcscd/);
});

const READERS = ['Virtual PCD 00 00', 'Virtual PCD 00 01', 'Nitrokey Nitrokey HSM (DENK01234567) 00 00'];

test('selectReader: exact name, index, unique fragment (case-insensitive)', (t) => {
  t.is(selectReader(READERS, 'Virtual PCD 00 01'), 'Virtual PCD 00 01');
  t.is(selectReader(READERS, '1'), 'Virtual PCD 00 01');
  t.is(selectReader(READERS, '2'), 'Nitrokey Nitrokey HSM (DENK01234567) 00 00');
  t.is(selectReader(READERS, 'nitrokey'), 'Nitrokey Nitrokey HSM (DENK01234567) 00 00');
  t.is(selectReader(READERS, '00 01'), 'Virtual PCD 00 01');
});

test('selectReader: ambiguous fragment and unknown name are errors listing the readers', (t) => {
  const amb = t.throws(() => selectReader(READERS, 'virtual'), { instanceOf: PcscError });
  t.is(amb?.code, 'ERR_SCHSM_PCSC_AMBIGUOUS_READER');
  t.regex(amb?.hint ?? '', /0: Virtual PCD 00 00; 1: Virtual PCD 00 01/);
  const none = t.throws(() => selectReader(READERS, 'Omnikey'), { instanceOf: PcscError });
  t.is(none?.code, 'ERR_SCHSM_PCSC_UNKNOWN_READER');
  t.is(none?.pcscName, 'SCARD_E_UNKNOWN_READER');
  t.regex(none?.message ?? '', /no reader named "Omnikey"/);
  const index = t.throws(() => selectReader(READERS, '7'), { instanceOf: PcscError });
  t.is(index?.code, 'ERR_SCHSM_PCSC_UNKNOWN_READER');
});
