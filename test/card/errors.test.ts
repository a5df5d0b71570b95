// The single SW → domain-error mapping: the same status word means different things per command (§6).
import test from 'ava';
import { ApduError } from '../../src/apdu/errors.ts';
import { SchsmError } from '../../src/transport/errors.ts';
import {
  errorFromStatus,
  CardError,
  PinIncorrectError,
  PinBlockedError,
  TransportPinError,
  NotInitializedError,
  SecurityStatusNotSatisfiedError,
  AppletNotFoundError,
  AppletNotSelectedError,
  FileNotFoundError,
  KeyNotFoundError,
  AlgorithmNotAllowedError,
  KeyUseCounterExpiredError,
  DkekError,
  NotSupportedError,
  InitializationCodeError,
  OperationNotAllowedError,
  IncorrectParametersError,
  NotEnoughMemoryError,
  type StatusContext,
} from '../../src/card/errors.ts';

type Ctor = abstract new (...args: never[]) => CardError;
const ctx = (ins: number, extra: Partial<StatusContext> = {}): StatusContext => ({ ins, operation: `INS ${ins.toString(16)}`, ...extra });

// [SW, context, expected class, expected code]
const CASES: ReadonlyArray<readonly [number, StatusContext, Ctor, string]> = [
  [0x63c2, ctx(0x20, { p2: 0x81 }), PinIncorrectError, 'ERR_SCHSM_PIN_INCORRECT'],
  [0x6983, ctx(0x20, { p2: 0x81 }), PinBlockedError, 'ERR_SCHSM_PIN_BLOCKED'],
  [0x6984, ctx(0x20, { p2: 0x81 }), TransportPinError, 'ERR_SCHSM_TRANSPORT_PIN'],
  [0x6a88, ctx(0x20, { p2: 0x81 }), NotInitializedError, 'ERR_SCHSM_NOT_INITIALIZED'],
  [0x6982, ctx(0x68, { keyRef: 1 }), SecurityStatusNotSatisfiedError, 'ERR_SCHSM_SECURITY_STATUS'],
  [0x6a82, ctx(0xa4, { p1: 0x04 }), AppletNotFoundError, 'ERR_SCHSM_APPLET_NOT_FOUND'],
  [0x6a86, ctx(0xa4, { p1: 0x04 }), AppletNotFoundError, 'ERR_SCHSM_APPLET_NOT_FOUND'],
  [0x6d00, ctx(0xa4, { p1: 0x04 }), AppletNotFoundError, 'ERR_SCHSM_APPLET_NOT_FOUND'],
  [0x6a82, ctx(0xa4, { p1: 0x00, fid: 0x2f02 }), FileNotFoundError, 'ERR_SCHSM_FILE_NOT_FOUND'],
  [0x6a82, ctx(0xb1, { fid: 0xc401 }), FileNotFoundError, 'ERR_SCHSM_FILE_NOT_FOUND'],
  [0x6a82, ctx(0xe4, { fid: 0xcc05 }), KeyNotFoundError, 'ERR_SCHSM_KEY_NOT_FOUND'],
  [0x6a82, ctx(0x68, { keyRef: 9 }), KeyNotFoundError, 'ERR_SCHSM_KEY_NOT_FOUND'],
  [0x6a81, ctx(0x68, { keyRef: 1, p2: 0x73 }), AlgorithmNotAllowedError, 'ERR_SCHSM_ALGORITHM_NOT_ALLOWED'],
  [0x6985, ctx(0x62, { keyRef: 1, p2: 0x21 }), AlgorithmNotAllowedError, 'ERR_SCHSM_ALGORITHM_NOT_ALLOWED'],
  [0x6984, ctx(0x68, { keyRef: 1 }), KeyUseCounterExpiredError, 'ERR_SCHSM_KEY_USE_COUNTER'],
  [0x6a84, ctx(0x68, { keyRef: 1 }), KeyUseCounterExpiredError, 'ERR_SCHSM_KEY_USE_COUNTER'],
  [0x6a84, ctx(0xd7), NotEnoughMemoryError, 'ERR_SCHSM_MEMORY_FULL'],
  [0x6a88, ctx(0x72, { keyRef: 1 }), DkekError, 'ERR_SCHSM_DKEK'],
  [0x6d00, ctx(0x74, { keyRef: 1 }), DkekError, 'ERR_SCHSM_DKEK'],
  [0x6a80, ctx(0x74, { keyRef: 1 }), DkekError, 'ERR_SCHSM_DKEK'],
  [0x6985, ctx(0x72, { keyRef: 1 }), DkekError, 'ERR_SCHSM_DKEK'],
  [0x6d00, ctx(0x2c), NotSupportedError, 'ERR_SCHSM_NOT_SUPPORTED'],
  [0x6985, ctx(0x50), InitializationCodeError, 'ERR_SCHSM_INIT_CODE'],
  [0x6986, ctx(0x2c), OperationNotAllowedError, 'ERR_SCHSM_NOT_ALLOWED'],
  [0x6a80, ctx(0xd7), IncorrectParametersError, 'ERR_SCHSM_INCORRECT_PARAMETERS'],
  [0x6e00, ctx(0x68), AppletNotSelectedError, 'ERR_SCHSM_APPLET_NOT_SELECTED'],
  [0x6f00, ctx(0x68), CardError, 'ERR_SCHSM_SW'],
];

for (const [sw, c, cls, code] of CASES) {
  test(`SW ${sw.toString(16).toUpperCase()} on INS ${c.ins.toString(16).toUpperCase()}${c.p1 === undefined ? '' : ` P1 ${c.p1.toString(16)}`} → ${cls.name}`, (t) => {
    const err = errorFromStatus(sw, c);
    t.true(err instanceof cls, `got ${err.name}`);
    t.is(err.constructor, cls, 'the most specific class');
    t.is(err.name, cls.name);
    t.is(err.code, code);
    t.is(err.sw, sw);
    t.true(err instanceof ApduError && err instanceof SchsmError);
    t.true(err.message.startsWith(`${c.operation}: `), err.message);
    t.regex(err.message, new RegExp(`SW=${sw.toString(16).toUpperCase()}`));
  });
}

test('retries, PIN reference, key reference and reason travel on the errors', (t) => {
  const pin = errorFromStatus(0x63c1, ctx(0x20, { p2: 0x81 })) as PinIncorrectError;
  t.is(pin.retriesLeft, 1);
  t.is(pin.pinRef, 0x81);
  t.regex(pin.hint ?? '', /one more wrong user PIN blocks it/);
  const so = errorFromStatus(0x63c9, ctx(0x2c, { p2: 0x81 })) as PinIncorrectError;
  t.is(so.pinRef, 0x88, 'RESET RETRY COUNTER checks the SO-PIN');
  t.is(so.retriesLeft, 9);
  const key = errorFromStatus(0x6a82, ctx(0x68, { keyRef: 7 })) as KeyNotFoundError;
  t.is(key.ref, 7);
  t.is((errorFromStatus(0x6a80, ctx(0x74)) as DkekError).reason, 'kcv-mismatch');
  t.is((errorFromStatus(0x6985, ctx(0x72)) as DkekError).reason, 'not-exportable');
  t.is(errorFromStatus(0x6982, ctx(0x68)).hint, 'verify the user PIN first');
  const withData = errorFromStatus(0x6f00, { ins: 0x68, operation: 'SIGN', data: Uint8Array.of(1, 2), cause: 'x' });
  t.deepEqual(withData.data, Uint8Array.of(1, 2));
  t.is(withData.cause, 'x');
});
