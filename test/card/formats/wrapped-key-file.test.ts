import test from 'ava';
import { buildWrappedKeyFile, FileFormatError, FormatInputError, parseWrappedKeyFile } from '../../../src/card/formats/index.ts';

const hex = (b: Uint8Array | undefined): string => Buffer.from(b ?? []).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));

// §11.6 AES blob (77 bytes = 0x4D).
const BLOB = bytes(`66687aadf862bd770f000860864801650304010004101118990000 0000
  6a63cb154e2634fd6012de71ec6d0c86e64f938f0de0a73ce777f789287693fcb2a084e09bf1cc244a01caf1edce4577`);
// PRKD shaped like §5.3 (label "btc-test", 20-byte ID 01..14, usage 07 30 80, key ref 1, 256 bits).
const PRKD = bytes(`a03f 3011 0c08 6274632d74657374 030206c0 040101
  301e 0414 0102030405060708090a0b0c0d0e0f1011121314 0303073080 020101
  a10a 3008 30020400 02020100`);
const REQUEST = bytes('6703 010203'); // stand-in for an authenticated CV request (67 …)
// 30 81 95 { 04 4D blob | PRKD (65) | 67 03 … (5) }: 79 + 65 + 5 = 149 = 0x95
const FILE = bytes(`308195 044d ${hex(BLOB)} ${hex(PRKD)} ${hex(REQUEST)}`);

test('parses SEQUENCE { OCTET STRING blob, PRKD, CV request } with a 81-form length', (t) => {
  const f = parseWrappedKeyFile(FILE);
  t.is(hex(f.blob), hex(BLOB));
  t.is(hex(f.prkd), hex(PRKD));
  t.is(hex(f.certificate), hex(REQUEST));
  t.deepEqual(f.warnings, []);
});

test('builds exactly the bytes sc-hsm-tool writes', (t) => {
  t.is(hex(buildWrappedKeyFile({ blob: BLOB, prkd: PRKD, certificate: REQUEST })), hex(FILE));
  t.is(hex(buildWrappedKeyFile({ blob: BLOB, prkd: undefined, certificate: undefined })), `304f044d${hex(BLOB)}`);
  t.is(hex(buildWrappedKeyFile({ blob: BLOB, prkd: PRKD, certificate: undefined })), `308190044d${hex(BLOB)}${hex(PRKD)}`);
});

test('a 363-byte blob gets 82-form lengths like the real §9.2 example (04 82 01 6B)', (t) => {
  const blob = new Uint8Array(363).fill(0xab);
  const file = buildWrappedKeyFile({ blob, prkd: PRKD, certificate: undefined });
  // 4 + 363 + 65 = 432 = 0x1B0
  t.is(hex(file.subarray(0, 8)), '308201b00482016b');
  const back = parseWrappedKeyFile(file);
  t.is(back.blob.length, 363);
  t.is(back.certificate, undefined);
});

test('anything but 30 { 04 … } is a format error', (t) => {
  t.throws(() => parseWrappedKeyFile(bytes('31020400')), { instanceOf: FileFormatError, message: /expected a SEQUENCE/ });
  t.throws(() => parseWrappedKeyFile(bytes('3003020101')), { instanceOf: FileFormatError, message: /OCTET STRING/ });
  t.throws(() => parseWrappedKeyFile(bytes('3000')), { instanceOf: FileFormatError, message: /OCTET STRING/ });
  t.throws(() => parseWrappedKeyFile(FILE.subarray(0, 100)), { instanceOf: FileFormatError, message: /outer SEQUENCE/ });
  t.throws(() => parseWrappedKeyFile(bytes('3004 0405 0102')), { instanceOf: FileFormatError, message: /inside the SEQUENCE/ });
  const err = t.throws(() => parseWrappedKeyFile(new Uint8Array(0)), { instanceOf: FileFormatError });
  t.is(err?.code, 'ERR_SCHSM_FILE_FORMAT');
});

test('what sc-hsm-tool ignores is read but reported', (t) => {
  const trailing = parseWrappedKeyFile(bytes(`${hex(FILE)} 0000`));
  t.deepEqual(trailing.warnings, ['2 byte(s) after the SEQUENCE were ignored']);
  const fourth = parseWrappedKeyFile(bytes(`308198 044d ${hex(BLOB)} ${hex(PRKD)} ${hex(REQUEST)} 0401ff`));
  t.deepEqual(fourth.warnings, ['1 element(s) after the certificate were ignored']);
  const requestOnly = parseWrappedKeyFile(bytes(`3054 044d ${hex(BLOB)} ${hex(REQUEST)}`));
  t.is(hex(requestOnly.prkd), hex(REQUEST), 'positional, like the tool');
  t.regex(requestOnly.warnings[0] ?? '', /tag 67, not a PRKD/);
});

test('building refuses a certificate without PRKD and malformed parts', (t) => {
  t.throws(() => buildWrappedKeyFile({ blob: BLOB, prkd: undefined, certificate: REQUEST }), {
    instanceOf: FormatInputError,
    message: /needs a PRKD/,
  });
  t.throws(() => buildWrappedKeyFile({ blob: BLOB, prkd: bytes('6703010203'), certificate: undefined }), {
    instanceOf: FormatInputError,
    message: /PRKD has tag 67/,
  });
  t.throws(() => buildWrappedKeyFile({ blob: BLOB, prkd: bytes(`${hex(PRKD)}00`), certificate: undefined }), {
    instanceOf: FormatInputError,
    message: /after its TLV/,
  });
  t.throws(() => buildWrappedKeyFile({ blob: BLOB, prkd: PRKD, certificate: bytes('0401') }), {
    instanceOf: FormatInputError,
    message: /not a well-formed TLV/,
  });
});
