// A new simulated card makes its device identity when first read (src/sim/state.ts): whatever reads
// first (the serial, the device key, a file, the file list), every later read sees the same identity,
// and EF 2F02 stays the first file as on a card filled at once.
import test from 'ava';
import { createSimState } from '../../src/sim/index.ts';

const C_DEVAUT = 0x2f02; // SmartCard-HSM device certificate file (protocol notes §5)
const ascii = (s: string): string => Buffer.from(s, 'ascii').toString('hex');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('the serial first: the same serial in the device certificate (CHR = serial ‖ 00000), read after', (t) => {
  const s = createSimState();
  const serial = s.serial;
  t.regex(serial, /^UTSM\d{7}$/);
  t.is(s.serial, serial, 'read twice, one serial');
  const cert = s.files.get(C_DEVAUT);
  t.truthy(cert);
  t.true(hex(cert!).startsWith('7f21'), 'a CV certificate');
  t.true(
    hex(cert!).includes(`5f20${(serial.length + 5).toString(16).padStart(2, '0')}${ascii(`${serial}00000`)}`),
    'its CHR is the serial',
  );
  t.is(s.deviceKey, s.deviceKey);
  t.is(s.deviceKey.kind, 'ec');
});

test('a file written first: EF 2F02 is still the first file, made from the same identity as the serial', (t) => {
  const s = createSimState({ serial: 'UTSM0000042' });
  s.files.set(0xce01, Uint8Array.of(1, 2, 3));
  t.deepEqual([...s.files.keys()], [C_DEVAUT, 0xce01]);
  t.is(s.files.size, 2);
  t.true(hex(s.files.get(C_DEVAUT)!).includes(ascii('UTSM000004200000')));
  t.is(s.serial, 'UTSM0000042');
});

test('the file list first, then a state of another card: each has its own identity', (t) => {
  const a = createSimState();
  const b = createSimState();
  const aCert = [...a.files.values()][0]!;
  t.notDeepEqual(hex(aCert), hex(b.files.get(C_DEVAUT)!), 'two cards, two device certificates');
  t.true(hex(aCert).includes(ascii(`${a.serial}00000`)));
  t.true(a.files.has(C_DEVAUT));
  let n = 0;
  a.files.forEach(() => {
    n++;
  });
  t.is(n, 1);
});
