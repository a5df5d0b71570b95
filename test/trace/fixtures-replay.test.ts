// fixtures/traces/sim/: every recorded CLI session is replayed STRICTLY with the command line from its
// `# command:` header. A change in the APDUs the CLI sends fails with the expected/actual bytes and the
// trace line; a change in what it prints fails the per-fixture checks below. Regenerate the fixtures
// with `npm run fixtures:traces` (test/fixtures/record-traces.ts).
import test, { type ExecutionContext } from 'ava';
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TraceMismatchError } from '../../src/trace/errors.ts';
import { formatPattern } from '../../src/trace/pattern.ts';
import type { Trace, TraceExchange } from '../../src/trace/types.ts';
import {
  FIXTURE_DIR,
  findSecrets,
  fixtureFiles,
  readFixture,
  replayFixture,
  ROOT,
  runFixtureCli,
  type FixtureInfo,
  type FixtureReplay,
} from '../fixtures/trace-fixtures.ts';

const SERIAL = 'UTSM0000001'; // the generator's factory card (header `setup:`)
const KCV = '6C609824B9CA28EB'; // the peer share's KCV (fixtures/ops/README.md)
/** SHA-256 of the SPKI of the key in fixtures/ops/sc-hsm-tool-wrapped-ec.bin (fixtures/ops/README.md). */
const WRAPPED_EC_SPKI_SHA256 = '5342c47bb76fbe300fd45734e5fcf8fbebbe6c5a8148a3a06b0067f5c46ee380';
const MESSAGE = readFileSync(path.join(FIXTURE_DIR, 'files', 'message.txt'));

type Check = (t: ExecutionContext, r: FixtureReplay, f: FixtureInfo) => void;

const lines = (text: string): string[] => text.split('\n');
function hasLines(t: ExecutionContext, text: string, expected: readonly string[]): void {
  const got = lines(text);
  for (const l of expected) t.true(got.includes(l), `missing line ${JSON.stringify(l)} in:\n${text}`);
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

function exchanges(trace: Trace): TraceExchange[] {
  return trace.records.filter((r): r is TraceExchange => r.kind === 'exchange');
}

/** Response data (SW stripped) of the first exchange whose command starts with `prefix`. */
function responseTo(trace: Trace, prefix: readonly number[]): Uint8Array {
  const x = exchanges(trace).find((e) => prefix.every((b, i) => e.command.bytes[i] === b));
  if (x === undefined) throw new Error(`no command ${Buffer.from(prefix).toString('hex')}… in ${trace.source ?? 'trace'}`);
  return x.response.bytes.subarray(0, x.response.bytes.length - 2);
}

function indexOf(hay: Uint8Array, needle: readonly number[]): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The uncompressed P-256 point (tag 86, 65 bytes, §4 CV request) inside CV-request bytes. */
function ecPoint(cvc: Uint8Array): Uint8Array {
  const i = indexOf(cvc, [0x86, 0x41, 0x04]);
  if (i < 0) throw new Error('no EC point (86 41 04) in the CV request');
  return cvc.subarray(i + 2, i + 2 + 65);
}

function ecKey(point: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33, 65)) },
    format: 'jwk',
  });
}

/** RSA-2048 public key from a CV request: 81 82 01 00 <modulus> 82 03 <exponent>. */
function rsaKey(cvc: Uint8Array): KeyObject {
  const i = indexOf(cvc, [0x81, 0x82, 0x01, 0x00]);
  if (i < 0) throw new Error('no RSA-2048 modulus (81 82 01 00) in the CV request');
  const n = cvc.subarray(i + 4, i + 4 + 256);
  const e = cvc.subarray(i + 4 + 256 + 2, i + 4 + 256 + 2 + (cvc[i + 4 + 256 + 1] ?? 0));
  return createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
}

const spkiSha256 = (key: KeyObject): string =>
  createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex');

const READ_CE01 = [0x00, 0xb1, 0xce, 0x01];
const READ_CE02 = [0x00, 0xb1, 0xce, 0x02];
const GAKP = [0x00, 0x46]; // GENERATE ASYMMETRIC KEY PAIR (§3.11): the answer is the CV request

const statusLines = (reader: string): string[] => [
  `Reader               : replay:${reader}`,
  `Serial number        : ${SERIAL}`,
  'Version              : 3.5',
  `Device certificate   : ${SERIAL}00000 (issued by UTDICASIM00001)`,
  `Certificate chain    : ${SERIAL}00000 ← UTDICASIM00001 ← UTSRCASIM00001 (schsm simulator root, simulated device): verified`,
];

/** What each replay must print. Keys are fixture names; every primary fixture needs one. */
const CHECKS: Record<string, Check> = {
  'status-uninitialised.trace': (t, r, f) => {
    hasLines(t, r.stdout, [
      ...statusLines(path.relative(ROOT, f.file)),
      'SmartCard-HSM has never been initialized. Please use `schsm init` to set SO-PIN and user PIN.',
    ]);
    t.false(r.stdout.includes('User PIN tries left'));
  },
  'status.trace': (t, r, f) => {
    hasLines(t, r.stdout, [
      ...statusLines(path.relative(ROOT, f.file)),
      'SO-PIN tries left    : 15',
      'User PIN tries left  : 3',
      'DKEK shares          : 1',
      `DKEK key check value : ${KCV}`,
      'Keys                 : 3',
    ]);
  },
  'init.trace': (t, r) => {
    hasLines(t, r.stdout, [
      `device ${SERIAL} initialised`,
      'SO-PIN tries left    : 15',
      'User PIN tries left  : 3',
      'DKEK import pending, 1 share(s) still missing',
      'next: import 1 DKEK share(s) with `schsm dkek import-share FILE`',
    ]);
    t.regex(r.stderr, /warning: the SO-PIN is a published example\/default value/);
    t.regex(r.stderr, /warning: the user PIN is a published example\/default or trivial value/);
  },
  'dkek-import-share.trace': (t, r) =>
    t.is(r.stdout, `imported peer-dkek-share-1.pbe\nDKEK shares          : 1\nDKEK key check value : ${KCV}\n`),
  'dkek-status.trace': (t, r) => t.is(r.stdout, `DKEK shares          : 1\nDKEK key check value : ${KCV}\n`),
  'keys-generate-ec.trace': (t, r, f) => {
    const point = ecPoint(responseTo(f.trace, GAKP));
    // default ID: OpenSC's intrinsic ID, SHA-1 of the point's x-coordinate (PKCS#15 v1.1); fingerprint: SHA-256 of the SPKI
    t.is(
      r.stdout,
      [
        'Key reference        : 1',
        'Type                 : EC prime256v1',
        `ID                   : ${createHash('sha1').update(point.subarray(1, 33)).digest('hex')}`,
        'Label                : signer',
        `Public key SHA-256   : ${spkiSha256(ecKey(point))}`,
        '',
      ].join('\n'),
    );
  },
  'keys-generate-rsa.trace': (t, r, f) => {
    t.is(
      r.stdout,
      [
        'Key reference        : 1',
        'Type                 : RSA 2048',
        'ID                   : 02',
        'Label                : web',
        `Public key SHA-256   : ${spkiSha256(rsaKey(responseTo(f.trace, GAKP)))}`,
        '',
      ].join('\n'),
    );
  },
  'keys-generate-aes.trace': (t, r) =>
    t.is(r.stdout, 'Key reference        : 1\nType                 : AES 256\nID                   : 01\nLabel                : vault\n'),
  'keys-list.trace': (t, r, f) => {
    const keys = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    t.deepEqual(
      keys.map((k) => [k.ref, k.kind, k.size, k.label, k.id, k.certificate]),
      [
        [1, 'ec', 256, 'fixture EC', '01', 'cv-request'],
        [2, 'rsa', 2048, 'fixture RSA', '02', 'cv-request'],
        [3, 'aes', 128, 'fixture AES', '03', null],
      ],
    );
    const ec = ecKey(ecPoint(responseTo(f.trace, READ_CE01)));
    t.is(keys[0]?.publicKeyFingerprint, spkiSha256(ec));
    t.true(createPublicKey(String(keys[0]?.publicKeyPem)).equals(ec), 'key 1 PEM = the point in CE01');
    t.true(
      createPublicKey(String(keys[1]?.publicKeyPem)).equals(rsaKey(responseTo(f.trace, READ_CE02))),
      'key 2 PEM = the modulus in CE02',
    );
  },
  'keys-sign.trace': (t, r, f) => {
    const sig = readFileSync(path.join(r.dir, 'message.sig'));
    t.is(
      r.stdout,
      `signed message.txt with key 1 (ECDSA-SHA256): ${sig.length}-byte signature in message.sig, verified with the public key\n`,
    );
    t.true(sig.length >= 68 && sig.length <= 72 && sig[0] === 0x30, 'a DER ECDSA-P256 signature');
    t.true(
      verify('sha256', MESSAGE, ecKey(ecPoint(responseTo(f.trace, READ_CE01))), sig),
      'node:crypto verifies the written signature with the point of CE01',
    );
  },
  'keys-sign-rsa.trace': (t, r, f) => {
    t.is(r.stdout, 'signed message.txt with key 2 (SHA256-RSA-PKCS): 256-byte signature in message.sig, verified with the public key\n');
    t.true(verify('sha256', MESSAGE, rsaKey(responseTo(f.trace, READ_CE02)), readFileSync(path.join(r.dir, 'message.sig'))));
  },
  'keys-export-pub.trace': (t, r, f) => {
    t.regex(r.stdout, /^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
    t.true(createPublicKey(r.stdout).equals(ecKey(ecPoint(responseTo(f.trace, READ_CE01)))), 'PEM = the point in CE01');
  },
  'keys-wrap.trace': (t, r, f) => {
    const file = readFileSync(path.join(r.dir, 'key1.wrapped'));
    hasLines(t, r.stdout, [
      `key 1 wrapped into key1.wrapped (${file.length} bytes, mode 0600)`,
      `  EC, DKEK KCV ${KCV}; PRKD included, certificate included`,
    ]);
    t.is(statSync(path.join(r.dir, 'key1.wrapped')).mode & 0o777, 0o600);
    const blob = responseTo(f.trace, [0x80, 0x72, 0x01]); // WRAP KEY of key 1 (§3.13)
    t.true(blob.length > 100 && indexOf(file, [...blob]) > 0, 'the file holds the blob WRAP KEY returned (§9.2)');
  },
  'keys-unwrap.trace': (t, r) => {
    hasLines(t, r.stdout, [
      `key.wrapped unwrapped into key 5 (EC, DKEK KCV ${KCV})`,
      '  PRKD written, certificate written, label "fixture EC"',
      `  public key SHA-256 ${WRAPPED_EC_SPKI_SHA256}`,
      // replay-exit 1: the recorded signature is over the recording's random challenge, not this run's
      "  key check: ECDSA-SHA256 signature over a random challenge does NOT verify with the certificate's public key",
    ]);
    t.regex(r.stderr, /error: the unwrapped key 5 does not match the certificate in key\.wrapped/);
  },
  'keys-delete.trace': (t, r) => t.is(r.stdout, 'deleted key 2 (CC02, C402, CE02)\n'),
  'keys-import.trace': (t, r) => {
    hasLines(t, r.stdout, ['Key                  : AES 128', `DKEK KCV             : ${KCV} (the shares match every device)`]);
    t.regex(
      r.stdout,
      new RegExp(
        `^SmartCard-HSM ${SERIAL} in \\S+: key 1 imported; key check: AES-CMAC of a random challenge DIFFERS from the host’s$`,
        'm',
      ),
    );
    t.regex(r.stderr, new RegExp(`^device: SmartCard-HSM ${SERIAL} in `, 'm'));
  },
  'data-put.trace': (t, r) => t.is(r.stdout, 'stored 42 bytes as private data object "fixture data" (CD00, C900)\n'),
  'data-list.trace': (t, r) =>
    t.deepEqual(JSON.parse(r.stdout), [
      {
        label: 'fixture data',
        application: 'fixture data',
        oid: '1.3.6.1.4.1.99999.1',
        private: true,
        size: 42,
        fid: 'CD00',
        dcod: 'C900',
      },
    ]),
  'data-get.trace': (t, r) => t.is(Buffer.from(r.stdout.trim(), 'hex').toString(), MESSAGE.toString()),
  'data-delete.trace': (t, r) => t.is(r.stdout, 'deleted "fixture data" (CD00, C900): CD00, C900\n'),
  'pin-status.trace': (t, r) => t.is(r.stdout, 'User PIN             : 3 tries left\n'),
  'pin-status-so.trace': (t, r) => t.is(r.stdout, 'SO-PIN               : 15 tries left\n'),
  'pin-verify.trace': (t, r) => t.is(r.stdout, 'user PIN verified (verified in this session)\n'),
  'pin-verify-wrong.trace': (t, r) => {
    t.is(r.stdout, '');
    t.regex(r.stderr, /^error: VERIFY user PIN: wrong user PIN, 2 tries left \(SW=63C2\)$/m);
  },
  'pin-change.trace': (t, r) => t.is(r.stdout, 'user PIN changed (verified in this session)\n'),
  'pin-change-so.trace': (t, r) => t.is(r.stdout, 'SO-PIN changed (verified in this session)\n'),
  'pin-unblock.trace': (t, r) => t.is(r.stdout, 'user PIN unblocked and set (3 tries left)\n'),
  // the card random is redacted in the trace, and replay fills masked response bytes with 00
  'random.trace': (t, r) => t.is(r.stdout, `${'00'.repeat(16)}\n`),
  'apdu.trace': (t, r) => {
    t.regex(r.stdout, /^=> 00 A4 04 00 \| 0B \| E8 2B 06 01 04 01 81 C3 1F 02 01 \| 00$/m);
    t.regex(r.stdout, /^ {3}6A88 REFERENCED_DATA_NOT_FOUND/m);
    t.regex(r.stdout, /^<= \.\. \.\. \.\. \.\. \.\. \.\. \.\. \.\. \| 90 00/m);
  },
  'run.trace': (t, r) => {
    t.regex(r.stdout, /CC01 key 1\n {5}CC02 key 2\n {5}CC03 key 3\n/);
    t.regex(r.stdout, /\nenumerate\.apdu: 3 APDU\(s\), every expectation held\n$/);
  },
  'doctor.trace': (t, r, f) => {
    t.is(
      r.stdout,
      [
        '[info] PC/SC: skipped: checking the built-in simulator',
        `reader "replay:${path.relative(ROOT, f.file)}"`,
        '  [ok  ] connection: connected (T=1)',
        '  [ok  ] SmartCard-HSM applet: SmartCard-HSM Applet for JCOP version 3.5',
        '  [ok  ] extended length: a 512-byte response to an extended Le came back whole',
        '  [ok  ] user PIN: set, not verified, 3 tries left',
        'no failures',
        '',
      ].join('\n'),
    );
  },
  'explore-script.trace': (t, r) => {
    hasLines(t, r.stdout, [
      'options:        0001 (user PIN reset with SO-PIN enabled)',
      'user PIN (0x81, CHV129): logged out, 3 tries left',
      'SO-PIN (0x88, CHV136): logged out, 15 tries left',
      `DKEK key check value: ${KCV}`,
      `  CHR:          ${SERIAL}00000`,
      `chain: ${SERIAL}00000 ← UTDICASIM00001 ← UTSRCASIM00001 (schsm simulator root, simulated device): verified`,
      'CC02  key                  RSA 2048  key 2 "fixture RSA"',
      '  3  AES 128        fixture AES  03  encrypt,decrypt,derive    -',
    ]);
  },
  'clone-dry-run.trace': (t, r) => {
    t.is(
      r.stdout,
      [
        `DKEK KCV ${KCV} on both devices`,
        '  key 1: EC prime256v1 "fixture EC" — would be copied',
        '  key 2: RSA 2048 "fixture RSA" — would be copied',
        '  key 3: AES 128 "fixture AES" — would be copied',
        '',
      ].join('\n'),
    );
  },
  'clone.trace': (t, r) => {
    t.is(
      r.stdout,
      `DKEK KCV ${KCV} on both devices\n  key 1: AES 128 "cloned AES" — copied: AES-CMAC over a random challenge on both cards: verified\n`,
    );
  },
};

const all = fixtureFiles().map(readFixture);
const primaries = all.filter((f) => f.argv !== undefined);

test('fixtures/traces/sim: every trace is a replayable command or a named companion, and every command has its checks', (t) => {
  t.true(primaries.length >= 25, `only ${primaries.length} fixtures`);
  t.deepEqual(primaries.map((f) => f.name).sort(), Object.keys(CHECKS).sort(), 'CHECKS and the fixture files disagree');
  const companions = new Set(primaries.flatMap((f) => [...f.cards.values()]));
  for (const f of all) {
    if (f.argv !== undefined) t.true(Number.isInteger(f.exit), `${f.name}: no exit: header`);
    else t.true(companions.has(f.name), `${f.name} has neither command: nor a primary naming it in card:`);
    t.regex(f.trace.metadata.regenerate ?? '', /^npm run fixtures:traces/, `${f.name}: header must say how to regenerate`);
  }
});

for (const f of primaries) {
  const argv = f.argv ?? [];
  test(`replay ${f.name}: schsm ${argv.join(' ')}`, async (t) => {
    const r = await replayFixture(f);
    if (r.replayError !== undefined) t.fail(`the CLI no longer sends the recorded commands:\n${r.replayError.message}`);
    t.is(r.code, f.replayExit ?? f.exit ?? -1, `exit code\n${r.stderr}`);
    for (const [reader, tr] of r.transports)
      t.notThrows(() => tr.assertConsumed(), `${reader || 'main card'}: recorded exchanges left unused`);
    CHECKS[f.name]?.(t, r, f);
  });
}

test('no PIN, SO-PIN, DKEK share or share password in any fixture file, and the secret-bearing commands are there, masked', (t) => {
  const files = [
    ...readdirSync(FIXTURE_DIR).map((n) => path.join(FIXTURE_DIR, n)),
    ...readdirSync(path.join(FIXTURE_DIR, 'files')).map((n) => path.join(FIXTURE_DIR, 'files', n)),
  ];
  for (const file of files.filter((p) => statSync(p).isFile()))
    t.deepEqual(findSecrets(readFileSync(file, 'utf8')), [], path.relative(ROOT, file));
  const text = (n: string): string => readFileSync(path.join(FIXTURE_DIR, n), 'utf8');
  const dots = (n: number): string => Array(n).fill('..').join(' ');
  t.true(text('pin-verify.trace').includes(`=> 00 20 00 81 06 ${dots(6)}  # redacted: PIN (VERIFY)`));
  t.true(text('pin-change-so.trace').includes(`=> 00 24 00 88 10 ${dots(16)}`));
  t.true(text('pin-unblock.trace').includes(`=> 00 2C 00 81 0E ${dots(14)}`));
  t.true(text('dkek-import-share.trace').includes(`=> 80 52 00 00 20 ${dots(32)} 00`));
  t.regex(text('init.trace'), /^=> 80 50 00 00 1C (\.\. ){27}\.\. {2}# redacted: user PIN and SO-PIN \(INITIALIZE DEVICE data\)$/m);
  t.regex(text('random.trace'), /^<= (\.\. ){16}90 00$/m);
});

test('masks: only the clone proof, the unwrap key check and the import’s blob and key check carry host randomness, and their fixtures say so', (t) => {
  const masked = (f: FixtureInfo): string[] =>
    exchanges(f.trace)
      .filter((e) => e.note?.includes('masked:') === true)
      .map((e) => formatPattern(e.command).slice(0, 11));
  const byName = new Map(all.map((f) => [f.name, f]));
  for (const f of all) {
    const expected =
      f.name === 'keys-unwrap.trace'
        ? ['80 68 05 70']
        : f.name === 'keys-import.trace'
          ? ['80 74 01 93', '80 78 01 18']
          : f.name === 'clone.trace'
            ? ['80 78 01 18']
            : f.name === 'clone.target.trace'
              ? ['80 78 01 18']
              : [];
    t.deepEqual(masked(f), expected, f.name);
    t.is(/^none/.test(f.trace.metadata.masks ?? ''), expected.length === 0, `${f.name}: masks: header`);
  }
  t.regex(byName.get('keys-unwrap.trace')?.trace.metadata['replay-note'] ?? '', /does NOT verify/);
  t.regex(byName.get('keys-import.trace')?.trace.metadata['replay-note'] ?? '', /the check fails \(exit 1\)/);
});

test('a command that differs from the recording fails the replay with the trace line, expected and actual bytes', async (t) => {
  const original = readFileSync(path.join(FIXTURE_DIR, 'keys-list.trace'), 'utf8');
  // pretend the recording had read key 1's PRKD at another offset: the CLI now "differs" from it
  const changed = original.replace('=> 00 B1 C4 01 00 00 04 54 02 00 00', '=> 00 B1 C4 01 00 00 04 54 02 00 10');
  t.not(changed, original);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'schsm-fixture-')), 'keys-list.trace');
  writeFileSync(file, changed);
  const r = await replayFixture(readFixture(file));
  t.not(r.code, 0);
  t.true(r.replayError instanceof TraceMismatchError);
  const line = changed.split('\n').findIndex((l) => l.startsWith('=> 00 B1 C4 01')) + 1;
  t.regex(r.stderr, new RegExp(`keys-list\\.trace:${line}: replay mismatch`));
  t.regex(r.stderr, /expected: 00 B1 C4 01 00 00 04 54 02 00 10/);
  t.regex(r.stderr, /actual: {3}00 B1 C4 01 00 00 04 54 02 00 00/);
});

test('the CI recipe: `schsm trace replay FILE -- <command>` replays a fixture, and fails on another command', async (t) => {
  const noCard = async (): Promise<never> => {
    throw new Error('trace replay must not open a card');
  };
  const ok = await runFixtureCli(['trace', 'replay', 'fixtures/traces/sim/keys-list.trace', '--', 'keys', 'list', '--json'], ROOT, noCard);
  t.is(ok.code, 0, ok.stderr);
  t.is((JSON.parse(ok.stdout) as unknown[]).length, 3);
  t.regex(ok.stderr, /replay: all 8 recorded record\(s\) used/);
  const other = await runFixtureCli(['trace', 'replay', 'fixtures/traces/sim/keys-list.trace', '--', 'pin', 'status'], ROOT, noCard);
  t.not(other.code, 0);
  t.regex(other.stderr, /replay mismatch/);
});
