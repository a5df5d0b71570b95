// `keys import` and `data list|put|get|delete` inside the explorer (script mode, simulator): the same
// card functions as the CLI, the session's PIN state, secrets only from environment variables or
// hidden prompts. Oracles: OpenSSL's public key and signature check, OpenSC's DCOD bytes.
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../src/apdu/hex.ts';
import { keyFiles, P12_PASSWORD } from '../helpers/openssl-keys.ts';
import { explore, initialisedSim, PEER_SHARE, USER_PIN } from './helpers.ts';
import { importDkekShare } from '../../src/card/commands/import-dkek-share.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { fromHex } from '../../src/apdu/hex.ts';

const login = `verify user ${USER_PIN}`;
const PEER_SHARE_BYTES = '2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35';

async function simWithDkek() {
  const sim = await initialisedSim({ dkekShares: 1 });
  const c = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await importDkekShare(c, fromHex(PEER_SHARE_BYTES));
  await c.close();
  return sim;
}

test('keys import of a PKCS#12 file: checked KCV, label from the file, certificate stored, the key signs as OpenSSL expects', async (t) => {
  const k = keyFiles();
  const sim = await simWithDkek();
  const env = { PW: PEER_SHARE.password, P12: P12_PASSWORD };
  const r = await explore(
    sim,
    [
      login,
      `keys import ${k.p12} ${PEER_SHARE.file} --password-env PW --p12-password-env P12`,
      'keys sign 1 ECDSA-SHA256 --text hello --out sig.der',
      'keys list',
    ],
    { env },
  );
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /key 1 imported from .*ec\.p12 \(PKCS#12\): EC prime256v1 "signer one", ID [0-9a-f]{40}, DKEK KCV 6C609824B9CA28EB/);
  t.regex(r.stdout, /certificate CN=metadata signer, O=Federation stored in CE01/);
  t.regex(r.stdout, /key check: ECDSA-SHA256 signature over a random challenge verifies/);
  t.regex(r.stdout, /^ +1 +EC prime256v1 +signer one .* X\.509$/m);
  writeFileSync(path.join(r.cwd, 'msg'), 'hello');
  t.regex(
    execFileSync('openssl', [
      'dgst',
      '-sha256',
      '-verify',
      k.ecPub,
      '-signature',
      path.join(r.cwd, 'sig.der'),
      path.join(r.cwd, 'msg'),
    ]).toString(),
    /Verified OK/,
  );
  t.false(r.stdout.includes(P12_PASSWORD) || r.stderr.includes(P12_PASSWORD));
});

test('keys import refuses a DKEK other than the card’s before anything is sent, and an occupied reference without --replace', async (t) => {
  const k = keyFiles();
  const sim = await initialisedSim({ dkekShares: 1 });
  const c = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await importDkekShare(c, fromHex('22'.repeat(32)));
  await c.close();
  const r = await explore(sim, [login, `keys import ${k.aesRaw} ${PEER_SHARE.file} --format aes --password-env PW`], {
    env: { PW: PEER_SHARE.password },
  });
  t.is(r.code, 1);
  t.regex(r.stderr, /the card’s DKEK was wrapped under DKEK with KCV [0-9A-F]{16}, but the supplied DKEK has KCV 6C609824B9CA28EB/);
  t.false(
    r.apdus.some((a) => a[1] === 0x74 || a[1] === 0xd7),
    'no UNWRAP KEY, no UPDATE BINARY',
  );
  const sim2 = await simWithDkek();
  const first = await explore(sim2, [login, `keys import ${k.aesRaw} ${PEER_SHARE.file} --format aes --password-env PW --ref 3`], {
    env: { PW: PEER_SHARE.password },
  });
  t.is(first.code, 0, first.stderr);
  const again = await explore(sim2, [login, `keys import ${k.aesRaw} ${PEER_SHARE.file} --format aes --password-env PW --ref 3`], {
    env: { PW: PEER_SHARE.password },
  });
  t.is(again.code, 1);
  t.regex(again.stderr, /key reference 3 is in use/);
});

test('data put|list|get|delete: OpenSC’s description bytes, private by default, --public for CFxx', async (t) => {
  const sim = await initialisedSim();
  const r0 = await explore(sim, []);
  writeFileSync(path.join(r0.cwd, 'cfg'), 'config bytes');
  const r = await explore(
    sim,
    [
      login,
      'data put cfg mydata --application myapp --oid 1.2.3.4',
      'data put cfg open --public',
      'data list',
      'data get mydata back.bin',
      'data get CF01',
      'data delete open --yes',
      'data list',
    ],
    { cwd: r0.cwd },
  );
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /stored 12 bytes as private data object "mydata" CD00\/C900/);
  t.regex(r.stdout, /stored 12 bytes as public data object "open" CF01\/C901/);
  t.regex(r.stdout, /"mydata" CD00\/C900 {2}private {2}12 bytes {2}app myapp {2}oid 1\.2\.3\.4/);
  t.is(readFileSync(path.join(r.cwd, 'back.bin'), 'utf8'), 'config bytes');
  t.regex(r.stdout, /0000 {2}63 6F 6E 66 69 67 20 62 79 74 65 73/);
  t.regex(r.stdout, /deleted CF01, C901/);
  t.is(
    toHex(sim.state.files.get(0xc900) ?? new Uint8Array()),
    '3027300F0C066D7964617461030206C0040101300C0C056D7961707006032A0304A10630040402CD00',
  );
  t.false(sim.state.files.has(0xc901));
});
