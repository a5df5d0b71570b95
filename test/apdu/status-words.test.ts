import test from 'ava';
import { ApduError, describeStatusWord, formatSw, isOk, isSuccess, retriesLeft, SW } from '../../src/apdu/index.ts';
import { SchsmError } from '../../src/transport/errors.ts';

// Names and meanings from ISO/IEC 7816-4 §5.6 and sc-hsm-protocol.md §6.
const table: ReadonlyArray<readonly [number, string, boolean]> = [
  [0x9000, 'OK', true],
  [0x6282, 'END_OF_FILE', true],
  [0x6300, 'VERIFY_FAILED', false],
  [0x6581, 'MEMORY_FAILURE', false],
  [0x6700, 'WRONG_LENGTH', false],
  [0x6883, 'LAST_COMMAND_OF_CHAIN_EXPECTED', false],
  [0x6982, 'SECURITY_STATUS_NOT_SATISFIED', false],
  [0x6983, 'AUTHENTICATION_METHOD_BLOCKED', false],
  [0x6984, 'REFERENCE_DATA_NOT_USABLE', false],
  [0x6985, 'CONDITIONS_OF_USE_NOT_SATISFIED', false],
  [0x6a80, 'INCORRECT_DATA', false],
  [0x6a82, 'FILE_NOT_FOUND', false],
  [0x6a86, 'INCORRECT_P1P2', false],
  [0x6a88, 'REFERENCED_DATA_NOT_FOUND', false],
  [0x6b00, 'WRONG_P1P2', false],
  [0x6d00, 'INS_NOT_SUPPORTED', false],
  [0x6e00, 'CLA_NOT_SUPPORTED', false],
  [0x6f00, 'NO_PRECISE_DIAGNOSIS', false],
];

for (const [sw, name, success] of table) {
  test(`describeStatusWord ${formatSw(sw)} → ${name}`, (t) => {
    const d = describeStatusWord(sw);
    t.is(d.name, name);
    t.is(d.success, success);
    t.true(d.meaning.length > 5);
  });
}

test('the SW constants carry the ISO values', (t) => {
  t.is(SW.OK, 0x9000);
  t.is(SW.SECURITY_STATUS_NOT_SATISFIED, 0x6982);
  t.is(SW.AUTHENTICATION_METHOD_BLOCKED, 0x6983);
  t.is(SW.FILE_NOT_FOUND, 0x6a82);
  t.is(SW.CLA_NOT_SUPPORTED, 0x6e00);
  // every constant has a table entry with its own name
  for (const [key, value] of Object.entries(SW)) t.is(describeStatusWord(value).name, key, key);
});

test('61xx: bytes available, 6100 means 256 or more; counted as success', (t) => {
  t.deepEqual(describeStatusWord(0x6110), {
    name: 'BYTES_AVAILABLE',
    meaning: '16 response bytes still available (GET RESPONSE)',
    success: true,
  });
  t.regex(describeStatusWord(0x6100).meaning, /^256 or more response bytes/);
});

test('6Cxx: wrong Le with the exact count, 6C00 = 256', (t) => {
  t.deepEqual(describeStatusWord(0x6c08), { name: 'WRONG_LE', meaning: 'wrong Le: exactly 8 bytes available', success: false });
  t.regex(describeStatusWord(0x6c00).meaning, /exactly 256 bytes/);
});

test('63Cx: PIN incorrect with x tries left', (t) => {
  t.deepEqual(describeStatusWord(0x63c2), { name: 'PIN_INCORRECT', meaning: 'verification failed, 2 tries left', success: false });
  t.regex(describeStatusWord(0x63c0).meaning, /0 tries left/);
  t.regex(describeStatusWord(0x63cf).meaning, /15 tries left/);
});

test('families without a table entry get the ISO family meaning', (t) => {
  t.like(describeStatusWord(0x6281), { name: 'WARNING', success: false });
  t.regex(describeStatusWord(0x6281).meaning, /unchanged/);
  t.regex(describeStatusWord(0x6381).meaning, /has changed/);
  t.like(describeStatusWord(0x6401), { name: 'EXECUTION_ERROR' });
  t.regex(describeStatusWord(0x6401).meaning, /unchanged/);
  t.regex(describeStatusWord(0x6501).meaning, /has changed/);
  t.like(describeStatusWord(0x6701), { name: 'WRONG_LENGTH' });
  t.like(describeStatusWord(0x6801), { name: 'CLA_FUNCTION_NOT_SUPPORTED' });
  t.like(describeStatusWord(0x6999), { name: 'COMMAND_NOT_ALLOWED' });
  t.like(describeStatusWord(0x6a99), { name: 'WRONG_PARAMETERS' });
});

test('unknown status words', (t) => {
  for (const sw of [0x0000, 0x9001, 0x6bff, 0x7000, 0xffff]) {
    t.like(describeStatusWord(sw), { name: 'UNKNOWN', success: false }, formatSw(sw));
  }
});

test('retriesLeft is x of 63Cx and undefined for anything else', (t) => {
  t.is(retriesLeft(0x63c3), 3);
  t.is(retriesLeft(0x63c0), 0);
  t.is(retriesLeft(0x63cf), 15);
  for (const sw of [0x9000, 0x6300, 0x63b3, 0x6983, 0x53c3, 0x6c03]) t.is(retriesLeft(sw), undefined, formatSw(sw));
});

test('formatSw: four upper-case hex digits', (t) => {
  t.is(formatSw(0x9000), '9000');
  t.is(formatSw(0x6a82), '6A82');
  t.is(formatSw(0x0102), '0102');
  t.is(formatSw(0), '0000');
});

test('isSuccess / isOk: 9000 and 61xx only', (t) => {
  t.true(isSuccess(0x9000));
  t.true(isSuccess(0x6100));
  t.true(isSuccess(0x61ff));
  t.false(isSuccess(0x6282));
  t.false(isSuccess(0x6982));
  t.true(isOk({ data: new Uint8Array(0), sw: 0x9000 }));
  t.false(isOk({ data: new Uint8Array(0), sw: 0x6a82 }));
});

test('ApduError prints SW=xxxx (NAME): meaning, carries sw, data, code', (t) => {
  const data = Uint8Array.of(1, 2);
  const err = new ApduError(0x6982, data, 'SIGN');
  t.true(err instanceof SchsmError);
  t.is(err.name, 'ApduError');
  t.is(err.code, 'ERR_SCHSM_SW');
  t.is(err.sw, 0x6982);
  t.is(err.data, data);
  t.is(err.message, 'SIGN: SW=6982 (SECURITY_STATUS_NOT_SATISFIED): security status not satisfied (user PIN not verified)');
  t.is(new ApduError(0x63c1).message, 'SW=63C1 (PIN_INCORRECT): verification failed, 1 try left');
  t.is(new ApduError(0x6a82, undefined, undefined, 'ERR_X').code, 'ERR_X');
});
