// transport/redact.ts sits below apdu/ and so keeps bare INS numbers for the secret-bearing
// instructions. This holds them to the one instruction table (apdu/ins.ts): every one of the 256 INS
// bytes is tried, and exactly the table's secret-bearing entries may get redactions, so neither side
// can drift (a renumbered entry, or a new secret INS in redact.ts, fails here).
import test from 'ava';
import { INS } from '../../src/apdu/ins.ts';
import { commandSecrets, responseSecrets } from '../../src/transport/redact.ts';

const hexByte = (b: number): string => b.toString(16).padStart(2, '0').toUpperCase();

/** `80 <ins> 2F 10 | 04 | 81 02 31 32`: P1P2 = EF 2F10 (UNWRAP KEY staging), data = TLV 81 (INITIALIZE's user PIN tag). */
const command = (ins: number): Uint8Array => Uint8Array.of(0x80, ins, 0x2f, 0x10, 0x04, 0x81, 0x02, 0x31, 0x32);

function secretCommandIns(unwrap: boolean): string[] {
  const out: string[] = [];
  for (let ins = 0; ins < 256; ins++) if (commandSecrets(command(ins), { unwrap }).length > 0) out.push(hexByte(ins));
  return out;
}

test('command data is secret for exactly VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, INITIALIZE DEVICE, IMPORT DKEK SHARE', (t) => {
  const expected = [INS.VERIFY, INS.CHANGE_REFERENCE_DATA, INS.RESET_RETRY_COUNTER, INS.INITIALIZE_DEVICE, INS.IMPORT_DKEK_SHARE];
  t.deepEqual(secretCommandIns(false), expected.sort((a, b) => a - b).map(hexByte));
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

test('response data is secret for exactly GET CHALLENGE and GENERATE SESSION PIN', (t) => {
  const response = Uint8Array.of(0x01, 0x02, 0x03, 0x04, 0x90, 0x00);
  const secret: string[] = [];
  for (let ins = 0; ins < 256; ins++)
    if (responseSecrets(Uint8Array.of(0x00, ins, 0x00, 0x00, 0x04), response).length > 0) secret.push(hexByte(ins));
  t.deepEqual(secret, [INS.GENERATE_SESSION_PIN, INS.GET_CHALLENGE].sort((a, b) => a - b).map(hexByte));
});
