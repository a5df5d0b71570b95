// Issue 9 finding 5: redaction also covers what the card decrypts or derives — DECIPHER plaintext
// (RSA), ECDH shared secrets, CIPHER SYMMETRIC decrypt and derive output — in traces, the -vv traffic
// log and `schsm apdu` output, by default; also when the answer comes in pieces by GET RESPONSE (a
// short-APDU reader). `--no-redact` shows them, with a warning on stderr. The expected plaintexts and
// the shared secret come from node:crypto, not from the code under test. On 13b3bf7 all of them were
// shown.
import test from 'ava';
import { createDebug } from '../../src/transport/debug-log.ts';
import { constants, createECDH, publicEncrypt, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { aesCbcDecrypt, aesCbcEncrypt, aesDerive } from '../../src/card/commands/cipher-symmetric.ts';
import { decipher, ecdh } from '../../src/card/commands/decipher.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { verifyPin } from '../../src/card/commands/verify-pin.ts';
import { generateKey } from '../../src/card/generate-key.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { recordTransport } from '../../src/trace/record.ts';
import { withTrafficLog } from '../../src/transport/log.ts';
import { tempDir } from '../explorer/helpers.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { encodingsIn, secretEncodings } from '../helpers/secrets.ts';

const PIN = 'Kx9Vq2Lm7Tz4';
const RSA_PLAINTEXT = Buffer.from('RSA plaintext: distinctive 0x5EC12E7 marker');
const AES_PLAINTEXT = Buffer.from('AES plaintext, 32 bytes, marker!');
const LONG_PLAINTEXT = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7 + 3) & 0xff));

interface Card {
  readonly dir: string;
  readonly file: string;
  readonly rsa: KeyObject;
  readonly ec: KeyObject;
}

/** A card in a state file with an RSA key (1), an EC P-256 key (2) and an AES-256 key (3). */
async function preparedCard(): Promise<Card> {
  const dir = tempDir('schsm-decrypt-');
  const file = path.join(dir, 'card.json');
  const card = await SmartCardHsm.open(await createSimulatorTransport({ stateFile: file }));
  await initializeDevice(card, { confirm: true, soPin: 'C3A59E17D84B206F', userPin: PIN, retryCounter: 5 });
  await verifyPin(card, { pin: PIN });
  const rsa = await generateKey(card, { type: 'rsa:2048', ref: 1 });
  const ec = await generateKey(card, { type: 'ec:prime256v1', ref: 2 });
  await generateKey(card, { type: 'aes:256', ref: 3 });
  await card.close();
  if (rsa.publicKey === undefined || ec.publicKey === undefined) throw new Error('no public keys');
  return { dir, file, rsa: rsa.publicKey, ec: ec.publicKey };
}

function ecPoint(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.of(4), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
}

/** Capture the `debug` output with `namespaces` enabled while `fn` runs. */
async function withDebugLog(namespaces: string, fn: () => Promise<void>): Promise<string> {
  const lines: string[] = [];
  const original = createDebug.log;
  createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
  createDebug.enable(namespaces);
  try {
    await fn();
  } finally {
    createDebug.log = original;
    createDebug.disable();
  }
  return lines.join('\n');
}

test.serial(
  'DECIPHER, ECDH, AES decrypt and derive: the outputs never reach the trace or the -vv log, GET RESPONSE pieces included',
  async (t) => {
    const c = await preparedCard();
    const peer = createECDH('prime256v1');
    peer.generateKeys();
    const shared = peer.computeSecret(ecPoint(c.ec)); // x of d_peer · Q_card
    const secrets: Array<[string, Buffer]> = [
      ['RSA plaintext', RSA_PLAINTEXT],
      ['AES plaintext', AES_PLAINTEXT],
      ['ECDH secret', shared],
    ];
    const traceFile = path.join(c.dir, 'decrypt.trace');
    const log = await withDebugLog('schsm:transport', async () => {
      const rec = await recordTransport(withTrafficLog(await createSimulatorTransport({ stateFile: c.file })), { file: traceFile });
      const card = await SmartCardHsm.open(rec);
      await verifyPin(card, { pin: PIN });
      const cryptogram = publicEncrypt({ key: c.rsa, padding: constants.RSA_PKCS1_PADDING }, RSA_PLAINTEXT);
      t.deepEqual(Buffer.from(await decipher(card, 1, cryptogram, 'rsa-pkcs1-v1.5')), RSA_PLAINTEXT, 'the card decrypted');
      t.deepEqual(Buffer.from((await ecdh(card, 2, peer.getPublicKey())).subarray(0, 32)), shared, 'the card agreed on the secret');
      const ct = await aesCbcEncrypt(card, 3, AES_PLAINTEXT);
      t.deepEqual(Buffer.from(await aesCbcDecrypt(card, 3, ct)), AES_PLAINTEXT);
      secrets.push(['derived key', Buffer.from(await aesDerive(card, 3, Buffer.alloc(32, 0x42)))]);
      card.fallBackToShortApdus();
      const longCt = await aesCbcEncrypt(card, 3, LONG_PLAINTEXT);
      t.deepEqual(Buffer.from(await aesCbcDecrypt(card, 3, longCt)), LONG_PLAINTEXT, '512 bytes: 256 + GET RESPONSE');
      await card.close();
    });
    const trace = readFileSync(traceFile, 'utf8');
    t.regex(trace, /# redacted: plaintext \(DECIPHER\)/);
    t.regex(trace, /# redacted: ECDH shared secret \(DECIPHER\)/);
    t.regex(trace, /# redacted: plaintext \(CIPHER SYMMETRIC, AES-CBC decrypt\)/);
    t.regex(trace, /# redacted: derived key \(CIPHER SYMMETRIC, key derivation\)/);
    t.regex(trace, /^=> 00 C0 00 00 00 {2}# redacted: plaintext \(CIPHER SYMMETRIC, AES-CBC decrypt\)$/m, 'the GET RESPONSE piece too');
    t.regex(log, /RECV (\.\.)+ SW=9000/, 'the -vv log ran');
    // The long plaintext: any 16-byte window of it (it is not distinctive as a whole's prefix alone).
    for (let i = 0; i + 16 <= LONG_PLAINTEXT.length; i += 16) secrets.push([`long plaintext @${i}`, LONG_PLAINTEXT.subarray(i, i + 16)]);
    for (const [what, bytes] of secrets) {
      const forms = secretEncodings(bytes).filter((f) => f.encoding !== 'ASCII' || f.text.length >= 12);
      t.deepEqual(encodingsIn(trace, forms), [], `${what} in the trace`);
      t.deepEqual(encodingsIn(log, forms), [], `${what} in the log`);
    }
  },
);

test.serial('schsm apdu shows DECIPHER output as .. by default; --no-redact shows it, with a warning on stderr', async (t) => {
  const c = await preparedCard();
  const cryptogram = publicEncrypt({ key: c.rsa, padding: constants.RSA_PKCS1_PADDING }, RSA_PLAINTEXT);
  const argv = [
    'apdu',
    '00A4040C0BE82B0601040181C31F0201',
    `002000810C${Buffer.from(PIN).toString('hex')}`,
    `80620122000100${cryptogram.toString('hex')}0200`,
    '--sim-state',
    c.file,
  ];
  const forms = secretEncodings(RSA_PLAINTEXT);
  const hidden = await runCliCaptured([...argv, '--record', path.join(c.dir, 'a.trace')], { open: openDefaultTransport });
  t.is(hidden.code, 0, hidden.stderr);
  t.regex(hidden.stdout, /plaintext \(DECIPHER\): hidden \(--no-redact shows it\)/);
  t.deepEqual(encodingsIn(hidden.stdout + hidden.stderr, forms), []);
  t.notRegex(hidden.stderr, /--no-redact/);
  const shown = await runCliCaptured([...argv, '--json', '--no-redact', '--record', path.join(c.dir, 'b.trace')], {
    open: openDefaultTransport,
  });
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stderr, /^warning: --no-redact: .*decrypted data.* will be shown/m, 'a warning naming what will be shown');
  t.true(encodingsIn(shown.stdout, forms).includes('hex upper'), 'with --no-redact the plaintext is in the output');
  t.true(encodingsIn(readFileSync(path.join(c.dir, 'b.trace'), 'utf8'), forms).includes('spaced hex upper'), 'and in the trace');
});
