/**
 * INTEROPERABILITY of key import and data objects with OpenSC 0.23 through the real pcscd (simulator
 * behind vpcd), never skipped in CI, OpenSC confined to our reader (OPENSC_CONF ignored_readers):
 *   - keys schsm imports (PKCS#12 with certificate, PKCS#1 PEM) sign through OpenSC's PKCS#11 module
 *     (pkcs11-tool --sign), verified by `openssl dgst` with OpenSSL's own public keys;
 *   - the blob schsm builds, written in sc-hsm-tool's wrapped-key format (--out), is accepted by
 *     `sc-hsm-tool --unwrap-key`, and the key it restores signs;
 *   - data objects schsm writes appear in `pkcs11-tool -O` / `pkcs15-tool -D` with label, application
 *     and OID, and read back through PKCS#11; objects `pkcs11-tool --write-object` writes are listed
 *     and read by schsm.
 */
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { openscOnly } from '../../helpers/opensc-conf.ts';
import { keyFiles, P12_PASSWORD } from '../../helpers/openssl-keys.ts';
import { requirePcscd, runTool, withVirtualCard } from '../../helpers/vpcd.ts';
import { newSim, PEER_SHARE, runWith, setupCard, tempDir, USER_PIN } from './helpers.ts';
import { runPcsc } from './pcsc.ts';

const PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const env = { P: USER_PIN, PW: PEER_SHARE.password, P12: P12_PASSWORD };
const share = ['--share', PEER_SHARE.file, '--password-env', 'PW'];

function opensslVerifies(pub: string, digest: string, msg: string, sig: string): boolean {
  try {
    return /Verified OK/.test(execFileSync('openssl', ['dgst', `-${digest}`, '-verify', pub, '-signature', sig, msg]).toString());
  } catch {
    return false;
  }
}

function block(text: string, header: string): string {
  const start = text.indexOf(header);
  if (start < 0) return '';
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end < 0 ? undefined : end);
}

test.serial('imported keys sign through pkcs11-tool; sc-hsm-tool --unwrap-key accepts the blob schsm builds (--out)', async (t) => {
  if (!(await requirePcscd(t))) return;
  const k = keyFiles();
  const sim = newSim();
  await setupCard(sim, { dkek: true });
  const dir = tempDir();
  const msg = path.join(dir, 'msg');
  writeFileSync(msg, 'SAML metadata to sign\n');
  // the sc-hsm-tool file is built offline, before any device is involved
  const out = await runWith(
    [
      'keys',
      'import',
      k.p12,
      ...share,
      '--p12-password-env',
      'P12',
      '--ref',
      '5',
      '--label',
      'restored by sc-hsm-tool',
      '--out',
      'k5.wrapped',
    ],
    { env, cwd: dir },
  );
  t.is(out.code, EXIT.OK, out.stderr);
  await withVirtualCard(
    sim,
    async (reader) => {
      const oenv = await openscOnly([reader.readerName]);
      const run = (argv: string[]) => runPcsc(reader.readerName, argv, { env, cwd: dir });
      const p12 = await run(['keys', 'import', k.p12, ...share, '--p12-password-env', 'P12', '--pin-env', 'P']);
      t.is(p12.code, EXIT.OK, p12.stderr);
      const rsa = await run(['keys', 'import', k.rsa2048Pkcs1, ...share, '--pin-env', 'P', '--label', 'rsa from pem', '--id', '0a0b']);
      t.is(rsa.code, EXIT.OK, rsa.stderr);

      const dump = await runTool('pkcs15-tool', ['-D'], 60_000, oenv);
      t.is(dump.code, 0, dump.stderr);
      const ec = block(dump.stdout, 'Private EC Key [signer one]');
      t.regex(ec, /Key ref +: 1 \(0x01\)/);
      t.regex(ec, new RegExp(`ID +: ${k.p12LocalKeyId}`));
      t.regex(block(dump.stdout, 'X.509 Certificate [signer one]'), /Path +: ce01/);
      t.regex(block(dump.stdout, 'Private RSA Key [rsa from pem]'), /ModLength +: 2048[\s\S]*ID +: 0a0b/);

      const sign = (id: string, mech: string, sig: string, extra: string[] = []) =>
        runTool(
          'pkcs11-tool',
          ['--module', PKCS11, '-l', '--pin', USER_PIN, '--sign', '--id', id, '-m', mech, '-i', msg, '-o', path.join(dir, sig), ...extra],
          60_000,
          oenv,
        );
      const s1 = await sign(k.p12LocalKeyId, 'ECDSA-SHA256', 'ec.sig', ['--signature-format', 'openssl']);
      t.is(s1.code, 0, s1.stderr);
      t.true(opensslVerifies(k.ecPub, 'sha256', msg, path.join(dir, 'ec.sig')), 'pkcs11-tool signs with the PKCS#12 key');
      const s2 = await sign('0a0b', 'SHA256-RSA-PKCS', 'rsa.sig');
      t.is(s2.code, 0, s2.stderr);
      t.true(opensslVerifies(k.rsa2048Pub, 'sha256', msg, path.join(dir, 'rsa.sig')), 'pkcs11-tool signs with the PEM key');

      const u = await runTool(
        'sc-hsm-tool',
        ['-r', '0', '--unwrap-key', path.join(dir, 'k5.wrapped'), '--key-reference', '5', '--pin', USER_PIN],
        60_000,
        oenv,
      );
      t.is(u.code, 0, u.stdout + u.stderr);
      t.regex(u.stdout, /Key successfully imported/);
      const s5 = await run(['keys', 'sign', '--ref', '5', '--alg', 'ECDSA-SHA256', '--in', 'msg', '--out', 'k5.sig', '--pin-env', 'P']);
      t.is(s5.code, EXIT.OK, s5.stderr);
      t.true(opensslVerifies(k.ecPub, 'sha256', msg, path.join(dir, 'k5.sig')), 'the key sc-hsm-tool unwrapped is the PKCS#12 key');
      const after = await runTool('pkcs15-tool', ['-D'], 60_000, oenv);
      t.regex(
        block(after.stdout, 'Private EC Key [restored by sc-hsm-tool]'),
        /Key ref +: 5 \(0x05\)/,
        'sc-hsm-tool stored our PRKD in C405',
      );
    },
    { allReaders: true },
  );
});

test.serial('data objects: schsm’s are PKCS#11 data objects for OpenSC, and pkcs11-tool’s are listed and read by schsm', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = newSim();
  await setupCard(sim);
  const dir = tempDir();
  writeFileSync(path.join(dir, 'cfg.bin'), 'schsm data\n');
  writeFileSync(path.join(dir, 'theirs.bin'), 'written by pkcs11-tool\n');
  await withVirtualCard(
    sim,
    async (reader) => {
      const oenv = await openscOnly([reader.readerName]);
      const run = (argv: string[]) => runPcsc(reader.readerName, argv, { env, cwd: dir });
      t.is(
        (
          await run([
            'data',
            'put',
            'cfg.bin',
            '--label',
            'app config',
            '--application',
            'pyFF',
            '--oid',
            '1.3.6.1.4.1.99999.1',
            '--pin-env',
            'P',
          ])
        ).code,
        EXIT.OK,
      );
      t.is((await run(['data', 'put', 'cfg.bin', '--label', 'public note', '--no-private', '--pin-env', 'P'])).code, EXIT.OK);
      const objects = await runTool('pkcs11-tool', ['--module', PKCS11, '-l', '--pin', USER_PIN, '-O'], 60_000, oenv);
      t.is(objects.code, 0, objects.stderr);
      t.regex(
        objects.stdout,
        /label: +'app config'\n +application: +'pyFF'\n +app_id: +1\.3\.6\.1\.4\.1\.99999\.1\n +flags: +modifiable private/,
      );
      t.regex(objects.stdout, /label: +'public note'\n +application: +'public note'\n +app_id: +<empty>\n +flags: +modifiable\n/);
      const dump = await runTool('pkcs15-tool', ['-D'], 60_000, oenv);
      t.regex(
        block(dump.stdout, "Data object 'app config'"),
        /applicationName: pyFF\n\s+applicationOID: +1\.3\.6\.1\.4\.1\.99999\.1\n\s+Path: +e82b0601040181c31f0201::cd00\n\s+Auth ID: +01/,
      );
      const read = await runTool(
        'pkcs11-tool',
        ['--module', PKCS11, '-l', '--pin', USER_PIN, '--read-object', '--type', 'data', '--label', 'app config'],
        60_000,
        oenv,
      );
      t.is(read.stdout, 'schsm data\n');

      const w = await runTool(
        'pkcs11-tool',
        [
          '--module',
          PKCS11,
          '-l',
          '--pin',
          USER_PIN,
          '--write-object',
          path.join(dir, 'theirs.bin'),
          '--type',
          'data',
          '--label',
          'from opensc',
          '--application-id',
          '1.2.3.4',
          '--private',
        ],
        60_000,
        oenv,
      );
      t.is(w.code, 0, w.stderr);
      const list = JSON.parse((await run(['data', 'list', '--json'])).stdout) as {
        label: string;
        oid: string | null;
        private: boolean;
        fid: string;
      }[];
      t.like(
        list.find((o) => o.label === 'from opensc'),
        { oid: '1.2.3.4', private: true, fid: 'CD02' },
      );
      const got = await run(['data', 'get', '--label', 'from opensc', '--out', 'back.bin', '--pin-env', 'P']);
      t.is(got.code, EXIT.OK, got.stderr);
      t.is(readFileSync(path.join(dir, 'back.bin'), 'utf8'), 'written by pkcs11-tool\n');
      t.is((await run(['data', 'delete', '--label', 'app config', '--yes', '--pin-env', 'P'])).code, EXIT.OK);
      const left = await runTool('pkcs11-tool', ['--module', PKCS11, '-l', '--pin', USER_PIN, '-O'], 60_000, oenv);
      t.notRegex(left.stdout, /app config/);
      t.regex(left.stdout, /from opensc/);
    },
    { allReaders: true },
  );
});
