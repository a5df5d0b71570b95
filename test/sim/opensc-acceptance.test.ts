import test, { type ExecutionContext } from 'ava';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import type { VpcdEvent } from '../../src/sim/vpcd.ts';
import { requirePcscd, runTool, withVirtualCard, type VirtualReader } from '../helpers/vpcd.ts';
import { colonHex, openscToolResponses, SO_PIN, tools, USER_PIN, type Tools } from './opensc-tools.ts';

// ACCEPTANCE: OpenSC 0.23 (sc-hsm-tool, pkcs11-tool, pkcs15-tool, opensc-tool, opensc-explorer) against
// the simulator served to the real pcscd through vpcd, in one scripted session. Cryptographic results
// are checked with the openssl CLI; DKEK check values with SHA-256 over shares taken from the peer's
// share file (traces/README) and from the card's own GET CHALLENGE answers seen on the vpcd link.

const PEER_SHARE_FILE = '/work/shared/traces/opensc-vs-independent-card/07-dkek-share-1.pbe';
const PEER_PASSWORD = 'Peer-DKEK-Pass-1';
const PEER_SHARE = '2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35';
const PEER_KCV = '6C609824B9CA28EB';
const NEW_PASSWORD = 'Fresh-DKEK-Pass-2';
const SECRETS = [SO_PIN, USER_PIN, PEER_PASSWORD, NEW_PASSWORD];
const AID = 'E82B0601040181C31F0201';

interface Session {
  readonly t: ExecutionContext;
  readonly tools: Tools;
  readonly reader: VirtualReader;
  readonly dir: string;
  readonly f: (name: string) => string;
}

const kcvOf = (dkek: Buffer): string => createHash('sha256').update(dkek).digest('hex').slice(0, 16).toUpperCase();

/** APDUs seen on the vpcd link since `from`. */
function apdusSince(events: readonly VpcdEvent[], from: number): { command: string; response: Uint8Array }[] {
  return events
    .slice(from)
    .flatMap((e) => (e.kind === 'apdu' ? [{ command: Buffer.from(e.command).toString('hex').toUpperCase(), response: e.response }] : []));
}

async function initializeAndImportPeerShare(s: Session): Promise<{ fresh: Buffer }> {
  const { t, tools: x, reader } = s;
  const init = await x.scHsmTool(['--initialize', '--so-pin', SO_PIN, '--pin', USER_PIN, '--dkek-shares', '1']);
  t.is(init.code, 0);
  t.regex((await x.scHsmTool([])).stdout, /DKEK import pending, 1 share\(s\) still missing/);
  // A fresh share file: the share is the card's answer to GET CHALLENGE 32, the salt GET CHALLENGE 8 (§8.2).
  const mark = reader.events.length;
  await x.scHsmTool(['--create-dkek-share', s.f('fresh.pbe'), '--password', NEW_PASSWORD]);
  const challenges = apdusSince(reader.events, mark).filter((a) => a.command.startsWith('00840000'));
  t.deepEqual(challenges.map((c) => c.command).sort(), ['0084000008', '0084000020']);
  const answer = (le: string): Buffer => Buffer.from(challenges.find((c) => c.command.endsWith(le))?.response.slice(0, -2) ?? []);
  const file = await readFile(s.f('fresh.pbe'));
  t.is(file.length, 64);
  t.is(file.subarray(0, 8).toString('latin1'), 'Salted__');
  t.is(file.subarray(8, 16).toString('hex'), answer('08').toString('hex'), 'salt = GET CHALLENGE 8');
  const fresh = answer('20');
  t.is(fresh.length, 32);
  // The peer's share file (password and share from traces/README).
  await copyFile(PEER_SHARE_FILE, s.f('peer.pbe'));
  const imported = await x.scHsmTool(['--import-dkek-share', s.f('peer.pbe'), '--password', PEER_PASSWORD]);
  t.regex(imported.stdout, new RegExp(`DKEK key check value : ${PEER_KCV}`));
  t.is(kcvOf(Buffer.from(PEER_SHARE, 'hex')), PEER_KCV);
  t.regex((await x.scHsmTool([])).stdout, new RegExp(`DKEK shares\\s+: 1\\s+DKEK key check value : ${PEER_KCV}`));
  return { fresh };
}

async function generateKeys(s: Session): Promise<void> {
  const { t, tools: x } = s;
  const login = ['-l', '--pin', USER_PIN];
  for (const [type, id, label] of [
    ['rsa:2048', '01', 'rsa2048'],
    ['EC:prime256v1', '02', 'ec-p256'],
    ['EC:brainpoolP256r1', '03', 'ec-bp256'],
  ]) {
    const r = await x.pkcs11([...login, '--keypairgen', '--key-type', type ?? '', '--id', id ?? '', '--label', label ?? '']);
    t.regex(r.stdout, /Key pair generated/);
  }
  const listed = (await x.pkcs11([...login, '-O'])).stdout;
  for (const label of ['rsa2048', 'ec-p256', 'ec-bp256'])
    t.regex(listed, new RegExp(`Private Key Object;[^\\n]*\\n\\s+label:\\s+${label}`));
  t.regex(listed, /EC_PARAMS:\s+06082a8648ce3d030107/, 'prime256v1');
  t.regex(listed, /EC_PARAMS:\s+06092b2403030208010107/, 'brainpoolP256r1');
  const dump = (await x.run('pkcs15-tool', ['--reader', String(s.reader.index), '-D'])).stdout;
  t.regex(dump, /Private RSA Key \[rsa2048\][\s\S]*?ModLength\s+: 2048[\s\S]*?Key ref\s+: 1 \(0x01\)/);
  t.regex(dump, /Private EC Key \[ec-p256\][\s\S]*?FieldLength\s+: 256[\s\S]*?Key ref\s+: 2 \(0x02\)/);
  t.regex(dump, /Private EC Key \[ec-bp256\][\s\S]*?Key ref\s+: 3 \(0x03\)/);
  t.regex(dump, /Reference\s+: 129 \(0x81\)[\s\S]*?Path\s+: e82b0601040181c31f0201::/);
  for (const id of ['01', '02', '03']) {
    await x.pkcs11(['--read-object', '--type', 'pubkey', '--id', id, '-o', s.f(`pub${id}.der`)]);
    await x.run('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', s.f(`pub${id}.der`), '-out', s.f(`pub${id}.pem`)]);
  }
}

async function signAndVerify(s: Session): Promise<void> {
  const { t, tools: x, f } = s;
  const login = ['-l', '--pin', USER_PIN];
  await writeFile(f('data.txt'), 'schsm acceptance: signed by the simulator through pcscd\n');
  await x.run('openssl', ['dgst', '-sha256', '-binary', '-out', f('data.sha256'), f('data.txt')]);
  const cases: ReadonlyArray<readonly [string, string[], string, string, string[]]> = [
    ['SHA256-RSA-PKCS', [], '01', 'data.txt', []],
    [
      'RSA-PKCS-PSS',
      ['--hash-algorithm', 'SHA256', '--mgf', 'MGF1-SHA256'],
      '01',
      'data.sha256',
      ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
    ],
    ['SHA256-RSA-PKCS-PSS', [], '01', 'data.txt', ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32']],
    ['ECDSA-SHA256', ['--signature-format', 'openssl'], '02', 'data.txt', []],
    ['ECDSA-SHA256', ['--signature-format', 'openssl'], '03', 'data.txt', []],
    ['ECDSA', ['--signature-format', 'openssl'], '02', 'data.sha256', []],
  ];
  for (const [i, [mech, opts, id, input, verifyOpts]] of cases.entries()) {
    const sig = f(`sig${i}.bin`);
    await x.pkcs11([...login, '--sign', '--mechanism', mech, ...opts, '--id', id, '-i', f(input), '-o', sig]);
    const v = await x.run('openssl', ['dgst', '-sha256', '-verify', f(`pub${id}.pem`), ...verifyOpts, '-signature', sig, f('data.txt')]);
    t.regex(v.stdout, /Verified OK/, `${mech} with key ${id}`);
  }
}

async function decryptAndDerive(s: Session): Promise<void> {
  const { t, tools: x, f } = s;
  const login = ['-l', '--pin', USER_PIN];
  await writeFile(f('secret.txt'), 'a secret for the simulated card');
  await x.run('openssl', ['pkeyutl', '-encrypt', '-pubin', '-inkey', f('pub01.pem'), '-in', f('secret.txt'), '-out', f('ct-v15.bin')]);
  t.is(
    (await x.pkcs11([...login, '--decrypt', '-m', 'RSA-PKCS', '--id', '01', '-i', f('ct-v15.bin')])).stdout,
    'a secret for the simulated card',
  );
  const oaep = ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256'];
  await x.run('openssl', [
    'pkeyutl',
    '-encrypt',
    '-pubin',
    '-inkey',
    f('pub01.pem'),
    ...oaep,
    '-in',
    f('secret.txt'),
    '-out',
    f('ct-oaep.bin'),
  ]);
  const dec = await x.pkcs11([
    ...login,
    '--decrypt',
    '-m',
    'RSA-PKCS-OAEP',
    '--hash-algorithm',
    'SHA256',
    '--mgf',
    'MGF1-SHA256',
    '--id',
    '01',
    '-i',
    f('ct-oaep.bin'),
  ]);
  t.is(dec.stdout, 'a secret for the simulated card');
  // ECDH: pkcs11-tool --derive (card answers 04‖X‖Y, OpenSC keeps X) = openssl's ECDH from the peer side.
  await x.run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', f('peer.pem')]);
  await x.run('openssl', ['pkey', '-in', f('peer.pem'), '-pubout', '-outform', 'DER', '-out', f('peer.pub.der')]);
  await x.pkcs11([...login, '--derive', '-m', 'ECDH1-DERIVE', '--id', '02', '--input-file', f('peer.pub.der'), '-o', f('ecdh-card.bin')]);
  await x.run('openssl', ['pkeyutl', '-derive', '-inkey', f('peer.pem'), '-peerkey', f('pub02.pem'), '-out', f('ecdh-openssl.bin')]);
  const card = await readFile(f('ecdh-card.bin'));
  t.is(card.length, 32);
  t.is(card.toString('hex'), (await readFile(f('ecdh-openssl.bin'))).toString('hex'));
}

async function wrapUnwrap(s: Session): Promise<void> {
  const { t, tools: x, f, reader } = s;
  await x.scHsmTool(['--wrap-key', f('wrapped.bin'), '--key-reference', '1', '--pin', USER_PIN]);
  const wrapped = await readFile(f('wrapped.bin'));
  // 30 82 LL LL | 04 82 LL LL | blob: KCV of the DKEK, type 06 (RSA CRT)
  t.is(wrapped.subarray(8, 17).toString('hex').toUpperCase(), `${PEER_KCV}06`);
  const unwrap = await x.scHsmTool(['--unwrap-key', f('wrapped.bin'), '--key-reference', '10', '--pin', USER_PIN]);
  t.regex(unwrap.stdout, /Key successfully imported/);
  t.regex((await x.run('pkcs15-tool', ['--reader', String(reader.index), '-D'])).stdout, /Key ref\s+: 10 \(0x0A\)/);
  // Key 10 carries key 1's PRKD (same ID), so sign with it by reference: VERIFY + SIGN 33 in one opensc-tool run.
  const message = Buffer.from('signed by the unwrapped key 10');
  await writeFile(f('m10.txt'), message);
  const apdus = [
    `00A404000B${AID}00`,
    `0020008106${Buffer.from(USER_PIN).toString('hex')}`,
    `80680A330000${message.length.toString(16).padStart(2, '0')}${message.toString('hex')}0200`,
  ];
  const out = await x.run('opensc-tool', ['-r', String(reader.index), ...apdus.flatMap((a) => ['-s', colonHex(a)])]);
  const [, verified, signed] = openscToolResponses(out.stdout);
  t.is(verified?.sw, '9000');
  t.is(signed?.sw, '9000');
  t.is(signed?.data.length, 256);
  await writeFile(f('sig10.bin'), signed?.data ?? new Uint8Array(0));
  t.regex(
    (await x.run('openssl', ['dgst', '-sha256', '-verify', f('pub01.pem'), '-signature', f('sig10.bin'), f('m10.txt')])).stdout,
    /Verified OK/,
  );
}

async function blockAndUnblockPin(s: Session): Promise<void> {
  const { t, tools: x } = s;
  const outs: string[] = [];
  for (let i = 0; i < 3; i++) outs.push((await x.pkcs11(['-l', '--pin', '000000', '-O'], false)).stderr);
  t.regex(outs[0] ?? '', /CKR_PIN_INCORRECT/);
  t.regex((await x.scHsmTool([])).stdout, /User PIN locked/);
  t.regex((await x.pkcs11(['-l', '--pin', USER_PIN, '-O'], false)).stderr, /CKR_PIN_LOCKED/);
  // C_InitPIN as SO = RESET RETRY COUNTER with the SO-PIN and the new PIN (§3.8).
  t.regex(
    (await x.pkcs11(['--login', '--login-type', 'so', '--so-pin', SO_PIN, '--init-pin', '--new-pin', USER_PIN])).stdout,
    /User PIN successfully initialized/,
  );
  t.regex((await x.scHsmTool([])).stdout, /User PIN tries left\s+: 3/);
  t.regex((await x.pkcs11(['-l', '--pin', USER_PIN, '-O'])).stdout, /label:\s+rsa2048/);
}

async function explorer(s: Session): Promise<void> {
  const { t, reader } = s;
  // opensc-explorer reads an unquoted PIN as hex (648219 → 64 82 19); the ASCII PIN is quoted.
  const script = `cd aid:${AID}\nls\nverify CHV129 "${USER_PIN}"\nquit\n`;
  const r = await runTool('sh', ['-c', `printf '%s' "$0" | opensc-explorer -r ${reader.index}`, script], 60_000);
  t.log(r.stdout.split(USER_PIN).join('***'));
  t.is(r.code, 0);
  for (const fid of ['2F02', 'CC01', 'CC0A', 'C401', 'CE01']) t.regex(r.stdout, new RegExp(`\\b${fid}\\b`));
  t.regex(r.stdout, /Code correct/);
}

async function reinitializeWithTwoShares(s: Session, fresh: Buffer): Promise<void> {
  const { t, tools: x, f } = s;
  await x.scHsmTool(['--initialize', '--so-pin', SO_PIN, '--pin', USER_PIN, '--dkek-shares', '2']);
  t.notRegex(
    (await x.run('pkcs15-tool', ['--reader', String(s.reader.index), '-D'])).stdout,
    /Private RSA Key/,
    'INITIALIZE wiped the keys',
  );
  t.regex((await x.scHsmTool(['--import-dkek-share', f('peer.pbe'), '--password', PEER_PASSWORD])).stdout, /1 share\(s\) still missing/);
  const last = await x.scHsmTool(['--import-dkek-share', f('fresh.pbe'), '--password', NEW_PASSWORD]);
  const dkek = Buffer.from(PEER_SHARE, 'hex').map((b, i) => b ^ (fresh[i] ?? 0));
  t.regex(last.stdout, new RegExp(`DKEK key check value : ${kcvOf(Buffer.from(dkek))}`));
}

test('OpenSC tools against the simulator behind pcscd: init, DKEK, keygen, sign, decrypt, ECDH, wrap/unwrap, PIN block/unblock, explorer', async (t) => {
  t.timeout(900_000);
  if (!(await requirePcscd(t))) return;
  const dir = await mkdtemp(path.join(tmpdir(), 'schsm-acceptance-'));
  try {
    await withVirtualCard(
      new SmartCardHsmSimulator(),
      async (reader) => {
        const s: Session = { t, reader, dir, tools: tools(t, reader.readerName, reader.index, SECRETS), f: (n) => path.join(dir, n) };
        const { fresh } = await initializeAndImportPeerShare(s);
        await generateKeys(s);
        await signAndVerify(s);
        await decryptAndDerive(s);
        await wrapUnwrap(s);
        await blockAndUnblockPin(s);
        await explorer(s);
        await reinitializeWithTwoShares(s, fresh);
      },
      { allReaders: true },
    ); // pkcs11-tool connects to the cards in every reader
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
