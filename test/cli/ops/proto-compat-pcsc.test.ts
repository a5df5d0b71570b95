/**
 * Issue 10 items 0, 3 and 4 through the REAL pcscd (vpcd virtual cards), never skipped in CI:
 *  - the independent card (test fixture, every recorded difference on) answers status, dkek status
 *    --pin-env, keys generate / sign / wrap / list like a token in a reader;
 *  - init --transport-pin on the simulator: sc-hsm-tool (an independent reader of the same card) reports
 *    transport-PIN mode; key use is refused until pin change; then keys derive, and the derived key signs.
 */
import test from 'ava';
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { ALL_BEHAVIOURS, IndependentCard, independentSimulator } from '../../helpers/independent-card.ts';
import { openscReaderIndex, requirePcscd, runTool, withVirtualCard } from '../../helpers/vpcd.ts';
import { newSim, PEER_SHARE, setupCard, SO_PIN, tempDir, USER_PIN } from './helpers.ts';
import { runPcsc } from './pcsc.ts';

const env = { SO: SO_PIN, P: USER_PIN, T: '482910' };

test.serial('through pcscd, the independent card: status exit 0, KCV after login, keys generate/sign/wrap/list', async (t) => {
  if (!(await requirePcscd(t))) return;
  const inner = independentSimulator();
  await setupCard(inner, { dkek: true });
  const card = new IndependentCard(inner, ALL_BEHAVIOURS);
  const dir = tempDir();
  await withVirtualCard(card, async (reader) => {
    const run = (argv: readonly string[]) => runPcsc(reader.readerName, argv, { env, cwd: dir });
    const status = await run(['status']);
    t.is(status.code, EXIT.OK, status.stderr);
    t.regex(status.stdout, /^Serial number {8}: ESPICOHSMTR$/m);
    t.regex(status.stdout, /^Version {14}: 6\.6$/m);
    t.regex(status.stdout, /^DKEK key check value : not shown by the card/m);
    const dkek = await run(['dkek', 'status', '--pin-env', 'P']);
    t.is(dkek.stdout, `DKEK shares          : 1\nDKEK key check value : ${PEER_SHARE.kcv}\n`);
    t.is((await run(['keys', 'generate', '--type', 'ec:secp256k1', '--label', 'k1', '--pin-env', 'P'])).code, EXIT.OK);
    writeFileSync(path.join(dir, 'm'), 'through pcscd');
    t.is((await run(['keys', 'sign', '--ref', '1', '--alg', 'ECDSA-SHA256', '--in', 'm', '--out', 's', '--pin-env', 'P'])).code, EXIT.OK);
    const wrap = await run(['keys', 'wrap', '--ref', '1', 'k.wrapped', '--pin-env', 'P', '--json']);
    t.is(JSON.parse(wrap.stdout).kcv, PEER_SHARE.kcv);
    const [key] = JSON.parse((await run(['keys', 'list', '--json'])).stdout);
    t.like(key, { ref: 1, curve: 'secp256k1', label: 'k1' });
    t.true(
      verify(
        'sha256',
        Buffer.from('through pcscd'),
        { key: createPublicKey(key.publicKeyPem), dsaEncoding: 'der' },
        readFileSync(path.join(dir, 's')),
      ),
    );
  });
  t.is(card.seen.select0C, 0);
  t.true(card.seen.hiddenKcv > 0);
});

test.serial('through pcscd: init --transport-pin (sc-hsm-tool agrees), key use refused until pin change, then keys derive', async (t) => {
  if (!(await requirePcscd(t))) return;
  const dir = tempDir();
  const sim = newSim();
  await withVirtualCard(sim, async (reader) => {
    const run = (argv: readonly string[]) => runPcsc(reader.readerName, argv, { env, cwd: dir });
    const init = await run(['init', '--yes', '--transport-pin', '--so-pin-env', 'SO', '--pin-env', 'T', '--dkek-shares', '0']);
    t.is(init.code, EXIT.OK, init.stderr);
    const tool = await runTool('sc-hsm-tool', ['-r', String(await openscReaderIndex(reader.readerName))]);
    t.regex(tool.stdout, /Transport-PIN mode enabled/);
    t.is((await run(['pin', 'status'])).stdout, 'User PIN             : transport PIN (must be changed before first use)\n');
    const refused = await run(['keys', 'generate', '--type', 'ec:prime256v1', '--pin-env', 'T']);
    t.is(refused.code, EXIT.FAILED);
    t.regex(refused.stderr, /still the transport PIN/);
    t.is((await run(['pin', 'change', '--pin-env', 'T', '--new-pin-env', 'P', '--allow-last-try'])).code, EXIT.OK);
    t.is((await run(['keys', 'generate', '--type', 'ec:brainpoolP256r1', '--pin-env', 'P'])).code, EXIT.OK);
    const derived = await run([
      'keys',
      'derive',
      '--ref',
      '1',
      '--to',
      '2',
      '--param',
      '0a0b0c0d',
      '--label',
      'child',
      '--pin-env',
      'P',
      '--json',
    ]);
    t.is(derived.code, EXIT.OK, derived.stderr);
    t.like(JSON.parse(derived.stdout), { ref: 2, derivedFrom: 1, curve: 'brainpoolP256r1', check: 'verified' });
    writeFileSync(path.join(dir, 'm'), 'derived');
    t.is((await run(['keys', 'sign', '--ref', '2', '--alg', 'ECDSA-SHA256', '--in', 'm', '--out', 's', '--pin-env', 'P'])).code, EXIT.OK);
    const pem = JSON.parse(derived.stdout).publicKeyPem as string;
    t.true(verify('sha256', Buffer.from('derived'), { key: createPublicKey(pem), dsaEncoding: 'der' }, readFileSync(path.join(dir, 's'))));
  });
});
