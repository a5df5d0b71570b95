// Issue 9 findings 3 and 5 at the bottom layer: redaction by instruction. For VERIFY, CHANGE REFERENCE
// DATA, RESET RETRY COUNTER, INITIALIZE DEVICE and IMPORT DKEK SHARE the WHOLE data field is hidden,
// whatever its length bytes say (a malformed APDU: everything after the header); responses of DECIPHER,
// ECDH, CIPHER SYMMETRIC decrypt/derive and GET CHALLENGE are hidden, also when GET RESPONSE brings
// the rest. On 13b3bf7 a VERIFY whose Lc was too small showed the bytes past Lc, an INITIALIZE showed
// all but the values of tags 81/82, and decrypted data was shown.
import test from 'ava';
import { commandSecrets, ExchangeRedactor, redactedHex, responseSecrets } from '../../src/transport/redact.ts';
import { apdu, hex } from '../helpers/apdu.ts';

/** Hex with hidden bytes as `..`, spaced, the way every output shows them. */
const shown = (a: Uint8Array): string => redactedHex(a, commandSecrets(a), ' ');

test('secret instructions: the whole data field is hidden, header, Lc and Le stay', (t) => {
  // CLA INS P1 P2 | Lc | data | Le
  t.is(shown(apdu`00 20 00 81 | 06 | 36 34 38 32 31 39`), '00 20 00 81 06 .. .. .. .. .. ..');
  t.is(shown(apdu`00 24 00 81 | 04 | 31 32 33 34 | 00`), '00 24 00 81 04 .. .. .. .. 00', 'case 4S keeps Le');
  t.is(shown(apdu`00 2C 00 81 | 00 00 03 | 35 37 36`), '00 2C 00 81 00 00 03 .. .. ..', 'case 3E');
  t.is(shown(apdu`80 52 00 00 | 00 00 02 | AA BB | 00 00`), '80 52 00 00 00 00 02 .. .. 00 00', 'case 4E keeps Le');
  // INITIALIZE DEVICE: every byte of the data, not only the values of tags 81 and 82
  t.is(shown(apdu`80 50 00 00 | 0C | 80 02 00 01 | 81 06 36 34 38 32 31 39`), `80 50 00 00 0C ${Array(12).fill('..').join(' ')}`);
  t.is(shown(apdu`00 20 00 81`), '00 20 00 81', 'VERIFY without data (status query): nothing to hide');
  t.is(shown(apdu`00 A4 04 0C | 02 | 3F 00`), '00 A4 04 0C 02 3F 00', 'other instructions are shown');
});

test('malformed secret APDUs: everything after the header is hidden, whatever Lc says', (t) => {
  // Lc 02 but 12 bytes follow: on 13b3bf7 only 2 bytes were hidden
  t.is(shown(apdu`00 20 00 81 | 02 | 4B 78 39 56 71 32 4C 6D 37 54 7A 34`), `00 20 00 81 ${Array(13).fill('..').join(' ')}`);
  // no Lc at all: the first PIN byte stood where Lc belongs and was shown
  t.is(shown(apdu`00 20 00 81 | 36 34 38 32 31 39`), `00 20 00 81 ${Array(6).fill('..').join(' ')}`);
  // Lc larger than the data
  t.is(shown(apdu`80 52 00 00 | 20 | 01 02 03`), '80 52 00 00 .. .. .. ..');
  // extended Lc that does not match
  t.is(shown(apdu`00 24 00 81 | 00 00 09 | 31 32`), '00 24 00 81 .. .. .. .. ..');
  t.is(shown(apdu`00 20 00 81 | 00 06`), '00 20 00 81 .. ..', '6 bytes, 00 at offset 4: no valid form');
});

test('responses: DECIPHER (RSA and ECDH), CIPHER SYMMETRIC decrypt and derive, GET CHALLENGE; not encrypt or CMAC', (t) => {
  const r = hex('11 22 33 44 90 00');
  const what = (cmd: Uint8Array): string | undefined => responseSecrets(cmd, r)[0]?.what;
  t.is(what(apdu`80 62 01 21 | 00 00 02 | AA BB | 02 00`), 'plaintext (DECIPHER)');
  t.is(what(apdu`80 62 02 80 | 00 00 02 | 04 BB | 02 00`), 'ECDH shared secret (DECIPHER)');
  t.is(what(apdu`80 78 03 11 | 10 | ${new Uint8Array(16)} | 00`), 'plaintext (CIPHER SYMMETRIC, AES-CBC decrypt)');
  t.is(what(apdu`80 78 03 99 | 10 | ${new Uint8Array(16)} | 00`), 'derived key (CIPHER SYMMETRIC, key derivation)');
  t.is(what(apdu`80 78 03 10 | 10 | ${new Uint8Array(16)} | 00`), undefined, 'ciphertext is not secret');
  t.is(what(apdu`80 78 03 18 | 10 | ${new Uint8Array(16)} | 00`), undefined, 'a CMAC is not secret');
  t.is(what(apdu`00 84 00 00 | 04`), 'card random (GET CHALLENGE)');
  t.deepEqual(responseSecrets(apdu`80 62 01 21 | 00 00 02 | AA BB | 02 00`, hex('6A 80')), [], 'an error status alone');
});

test('a secret response continued by GET RESPONSE stays hidden to the end; other continuations are shown', (t) => {
  const r = new ExchangeRedactor();
  const decipher = apdu`80 62 01 21 | 02 | AA BB | 00`;
  const getResponse = apdu`00 C0 00 00 | 00`;
  t.deepEqual(r.next(decipher, hex('01 02 03 61 00')).response, [{ start: 0, end: 3, what: 'plaintext (DECIPHER)' }]);
  t.deepEqual(r.next(getResponse, hex('04 05 06 61 02')).response, [{ start: 0, end: 3, what: 'plaintext (DECIPHER)' }]);
  t.deepEqual(r.next(getResponse, hex('07 08 90 00')).response, [{ start: 0, end: 2, what: 'plaintext (DECIPHER)' }]);
  t.deepEqual(r.next(getResponse, hex('09 0A 90 00')).response, [], 'the continuation ended with 9000');
  const read = apdu`00 B1 2F 02 | 04 | 54 02 00 00 | 00`;
  t.deepEqual(r.next(read, hex('30 82 61 00')).response, []);
  t.deepEqual(r.next(getResponse, hex('01 02 90 00')).response, [], 'READ BINARY continued: not secret');
});
