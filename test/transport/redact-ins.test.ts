// transport/secret-instructions.ts sits below apdu/ and so keeps bare INS numbers for the secret-
// bearing instructions. This holds them to the one instruction table (apdu/ins.ts): every one of the
// 256 INS bytes is tried, and exactly the table's secret-bearing entries may get redactions, so neither
// side can drift (a renumbered entry, or a new secret INS in the table, fails here).
import test from 'ava';
import { INS } from '../../src/apdu/ins.ts';
import { commandSecrets, responseSecrets } from '../../src/transport/redact.ts';

const hexByte = (b: number): string => b.toString(16).padStart(2, '0').toUpperCase();

/**
 * `80 <ins> 2F 10 | 04 | 81 02 31 32`: P1P2 = EF 2F10 (UNWRAP KEY staging), data = TLV 81 (INITIALIZE's
 * user PIN tag). CIPHER SYMMETRIC is tried with P2 11 (decrypt, whose input is not secret) here, since
 * P2 10 would be its encrypt; the test below covers its P2 values.
 */
const command = (ins: number): Uint8Array =>
  Uint8Array.of(0x80, ins, 0x2f, ins === INS.CIPHER_SYMMETRIC ? 0x11 : 0x10, 0x04, 0x81, 0x02, 0x31, 0x32);

function secretCommandIns(unwrap: boolean): string[] {
  const out: string[] = [];
  for (let ins = 0; ins < 256; ins++) if (commandSecrets(command(ins), { unwrap }).length > 0) out.push(hexByte(ins));
  return out;
}

test('command data is secret for exactly VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, INITIALIZE DEVICE, IMPORT DKEK SHARE, and the plaintext of CIPHER SYMMETRIC encrypt', (t) => {
  const expected = [INS.VERIFY, INS.CHANGE_REFERENCE_DATA, INS.RESET_RETRY_COUNTER, INS.INITIALIZE_DEVICE, INS.IMPORT_DKEK_SHARE];
  t.deepEqual(secretCommandIns(false), expected.sort((a, b) => a - b).map(hexByte));
  // P2 = the CIPHER SYMMETRIC algorithm (§3.15): 10 AES-CBC encrypt takes a plaintext; 11, 18, 99 do not.
  const cipher = (p2: number): Uint8Array => Uint8Array.of(0x80, INS.CIPHER_SYMMETRIC, 0x03, p2, 0x02, 0xaa, 0xbb);
  t.deepEqual(
    [0x10, 0x11, 0x18, 0x99].filter((p2) => commandSecrets(cipher(p2)).length > 0),
    [0x10],
  );
});

test('with unwrap redaction on, also UNWRAP KEY and UPDATE BINARY (odd INS) of EF 2F10', (t) => {
  const expected = [
    INS.VERIFY,
    INS.CHANGE_REFERENCE_DATA,
    INS.RESET_RETRY_COUNTER,
    INS.INITIALIZE_DEVICE,
    INS.IMPORT_DKEK_SHARE,
    INS.UNWRAP_KEY,
    INS.UPDATE_BINARY_ODD,
  ];
  t.deepEqual(secretCommandIns(true), expected.sort((a, b) => a - b).map(hexByte));
});

test('response data is secret for exactly DECIPHER / ECDH, CIPHER SYMMETRIC decrypt and derive, GENERATE SESSION PIN, GET CHALLENGE', (t) => {
  const response = Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0x90, 0x00);
  const secret: string[] = [];
  // P2 (the algorithm of DECIPHER / CIPHER SYMMETRIC, §4): 21 RSA raw, 80 ECDH, 11 AES decrypt, 99 derive,
  // 10 AES encrypt and 18 CMAC (not secret), 52 pico extended decrypt.
  for (const p2 of [0x10, 0x11, 0x18, 0x21, 0x52, 0x80, 0x99])
    for (let ins = 0; ins < 256; ins++)
      if (responseSecrets(Uint8Array.of(0x80, ins, 0x01, p2, 0x04), response).length > 0) secret.push(`${hexByte(ins)}/${hexByte(p2)}`);
  const d = hexByte(INS.DECIPHER);
  const c = hexByte(INS.CIPHER_SYMMETRIC);
  const g = hexByte(INS.GET_CHALLENGE);
  const s = hexByte(INS.GENERATE_SESSION_PIN);
  t.deepEqual(
    secret.sort(),
    [
      `${c}/11`,
      `${c}/52`,
      `${c}/99`,
      `${d}/10`,
      `${d}/11`,
      `${d}/18`,
      `${d}/21`,
      `${d}/52`,
      `${d}/80`,
      `${d}/99`,
      ...[0x10, 0x11, 0x18, 0x21, 0x52, 0x80, 0x99].flatMap((p2) => [`${g}/${hexByte(p2)}`, `${s}/${hexByte(p2)}`]),
    ].sort(),
  );
});
