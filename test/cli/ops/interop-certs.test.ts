/**
 * INTEROPERABILITY of certificates with OpenSC 0.23 through the real pcscd (simulator behind vpcd),
 * OpenSC confined to our reader:
 *   - certificates `pkcs11-tool --write-object --type cert` writes (one with the ID of a key on the
 *     card: OpenSC puts it in CExx; one without: CAxx + C8xx) are listed by schsm with OpenSC's label
 *     and ID, and exported byte for byte;
 *   - certificates schsm imports are listed by `pkcs15-tool -D` and `pkcs11-tool -O` with the right ID,
 *     label and file, and `pkcs11-tool --read-object` reads back the DER OpenSSL wrote.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { openscOnly } from '../../helpers/opensc-conf.ts';
import { openssl, opensslRootCa } from '../../helpers/openssl-keys.ts';
import { requirePcscd, runTool, withVirtualCard } from '../../helpers/vpcd.ts';
import { newSim, runOn, setupCard, tempDir, USER_PIN } from './helpers.ts';
import { runPcsc } from './pcsc.ts';

const PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const env = { P: USER_PIN };

function block(text: string, header: string): string {
  const start = text.indexOf(header);
  if (start < 0) return '';
  const end = text.indexOf('\n\n', start);
  return text.slice(start, end < 0 ? undefined : end);
}

test.serial('certificates written by pkcs11-tool are listed and exported by schsm, and the reverse', async (t) => {
  if (!(await requirePcscd(t))) return;
  const sim = newSim();
  await setupCard(sim);
  const dir = tempDir();
  const f = (n: string): string => path.join(dir, n);
  // two keys generated on the card; OpenSSL certifies their public keys with a CA of its own
  for (const label of ['theirs', 'mine'])
    t.is((await runOn(sim, ['keys', 'generate', '--type', 'ec:prime256v1', '--label', label, '--pin-env', 'P'], { env })).code, EXIT.OK);
  opensslRootCa(dir, 'Interop Root');
  openssl(['x509', '-in', f('ca.pem'), '-outform', 'DER', '-out', f('ca.der')]);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca2.key'),
    '-days',
    '30',
    '-subj',
    '/CN=Second Root',
    '-out',
    f('ca2.pem'),
  ]);
  const ids: string[] = [];
  for (const ref of [1, 2]) {
    const pub = await runOn(sim, ['keys', 'export-pub', '--ref', String(ref), '--out', f(`k${ref}.pub`)]);
    t.is(pub.code, EXIT.OK, pub.stderr);
    openssl(['req', '-new', '-key', f('ca.key'), '-subj', `/CN=key ${ref}`, '-out', f(`k${ref}.csr`)]);
    openssl([
      'x509',
      '-req',
      '-in',
      f(`k${ref}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-force_pubkey',
      f(`k${ref}.pub`),
      '-days',
      '30',
      '-out',
      f(`k${ref}.pem`),
    ]);
    openssl(['x509', '-in', f(`k${ref}.pem`), '-outform', 'DER', '-out', f(`k${ref}.der`)]);
    ids.push((JSON.parse((await runOn(sim, ['keys', 'list', '--json'])).stdout) as { id: string }[])[ref - 1]?.id ?? '');
  }
  await withVirtualCard(sim, async (reader) => {
    const oenv = await openscOnly([reader.readerName]);
    const run = (argv: string[]) => runPcsc(reader.readerName, argv, { env, cwd: dir });
    const p11 = (args: string[]) => runTool('pkcs11-tool', ['--module', PKCS11, '-l', '--pin', USER_PIN, ...args], 60_000, oenv);
    // OpenSC writes: key 1's certificate (by its ID) and a CA certificate
    const w1 = await p11(['--write-object', f('k1.der'), '--type', 'cert', '--id', ids[0] ?? '', '--label', 'theirs']);
    t.is(w1.code, 0, w1.stderr);
    const w2 = await p11(['--write-object', f('ca.der'), '--type', 'cert', '--id', 'c0ffee', '--label', 'Interop Root']);
    t.is(w2.code, 0, w2.stderr);
    const listed = JSON.parse((await run(['certs', 'list', '--json'])).stdout) as Record<string, unknown>[];
    t.deepEqual(
      listed.map((c) => [c.kind, c.label, c.id, c.fid, c.cd, c.subject]),
      [
        ['end-entity', 'theirs', ids[0], 'CE01', null, 'CN=key 1'],
        ['ca', 'Interop Root', 'c0ffee', 'CA00', 'C800', 'CN=Interop Root'],
      ],
    );
    t.is((await run(['certs', 'export', '--ref', '1', '--format', 'der', '--out', 'k1.back'])).code, EXIT.OK);
    t.deepEqual(readFileSync(f('k1.back')), readFileSync(f('k1.der')));
    t.is((await run(['certs', 'export', '--label', 'Interop Root', '--out', 'ca.back'])).code, EXIT.OK);
    t.is(readFileSync(f('ca.back'), 'utf8'), readFileSync(f('ca.pem'), 'utf8'));

    // schsm writes: key 2's certificate and a second CA certificate; OpenSC lists and reads them
    const i1 = await run(['certs', 'import', f('k2.pem'), '--pin-env', 'P']);
    t.is(i1.code, EXIT.OK, i1.stderr);
    t.regex(i1.stdout, /with key 2 in CE02, label "mine"/);
    const i2 = await run(['certs', 'import', f('ca2.pem'), '--label', 'Second Root', '--id', '5ec0', '--pin-env', 'P']);
    t.is(i2.code, EXIT.OK, i2.stderr);
    const dump = await runTool('pkcs15-tool', ['-D'], 60_000, oenv);
    t.is(dump.code, 0, dump.stderr);
    t.regex(block(dump.stdout, 'X.509 Certificate [mine]'), new RegExp(`Path +: [0-9a-f:]*ce02\\n\\s+ID +: ${ids[1]}`));
    t.regex(block(dump.stdout, 'X.509 Certificate [Second Root]'), /Path +: [0-9a-f:]*ca01\n\s+ID +: 5ec0/);
    t.regex(block(dump.stdout, 'X.509 Certificate [theirs]'), new RegExp(`ID +: ${ids[0]}`));
    const objects = await p11(['-O']);
    t.regex(
      objects.stdout,
      new RegExp(`Certificate Object; type = X\\.509 cert\\n +label: +mine\\n +subject: +DN: CN=key 2\\n[\\s\\S]*?ID: +${ids[1]}`),
    );
    t.regex(
      objects.stdout,
      /Certificate Object; type = X\.509 cert\n +label: +Second Root\n +subject: +DN: CN=Second Root\n[\s\S]*?ID: +5ec0/,
    );
    const back = await runTool(
      'pkcs11-tool',
      ['--module', PKCS11, '--read-object', '--type', 'cert', '--id', '5ec0', '--output-file', f('ca2.read')],
      60_000,
      oenv,
    );
    t.is(back.code, 0, back.stderr);
    t.deepEqual(readFileSync(f('ca2.read')), openssl(['x509', '-in', f('ca2.pem'), '-outform', 'DER']));
    // a certificate OpenSC wrote is deleted by schsm; pkcs11-tool no longer lists it
    t.is((await run(['certs', 'delete', '--label', 'Interop Root', '--yes', '--pin-env', 'P'])).code, EXIT.OK);
    const left = await p11(['-O']);
    t.notRegex(left.stdout, /Interop Root/);
    t.regex(left.stdout, /Second Root/);
  });
});
