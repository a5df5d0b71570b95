// The explorer side of issue 10 items 0, 3 and 4: `keys derive`, a transport PIN (`verify user` refused,
// `change user` replaces it), and `status` / `dkek status` / `cat 2F02` on the independent card fixture.
import test from 'ava';
import { createPrivateKey } from 'node:crypto';
import { childrenOf, decodeTlv } from '../../src/apdu/tlv.ts';
import { cardTransport } from '../../src/sim/index.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { importDkekShare } from '../../src/card/commands/import-dkek-share.ts';
import { hex } from '../helpers/apdu.ts';
import { ALL_BEHAVIOURS, IndependentCard, independentSimulator } from '../helpers/independent-card.ts';
import { explore, initialisedSim, SO_PIN, USER_PIN } from './helpers.ts';

const login = `verify user ${USER_PIN}`;
const P256_N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

function scalar(material: Uint8Array | undefined): bigint {
  const sec1 = createPrivateKey({ key: Buffer.from(material ?? []), format: 'der', type: 'pkcs8' }).export({ format: 'der', type: 'sec1' });
  return BigInt(`0x${Buffer.from(childrenOf(decodeTlv(new Uint8Array(sec1)))[1]?.value ?? []).toString('hex')}`);
}

test('keys derive SRC DST PARAM: the new key is d + PARAM mod n, proven, with PRKD and CV request; a taken DST needs --replace', async (t) => {
  const sim = await initialisedSim({ dkekShares: 0 });
  const r = await explore(sim, [login, 'keys generate ec:prime256v1 --label root', 'keys derive 1 4 0102 --label child', 'keys list']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /derived key 4 from key 1: EC prime256v1 "child", ID [0-9a-f]{40}/);
  t.regex(r.stdout, /its signature verifies with Q \+ param·G computed on this computer; CV request in CE04, PRKD in C404/);
  t.regex(r.stdout, /^ +4 +EC prime256v1 +child +[0-9a-f]{40} +sign,signRecover,derive +CV request$/m);
  t.is(scalar(sim.state.keys.get(4)?.material), (scalar(sim.state.keys.get(1)?.material) + 0x0102n) % P256_N);
  // 80 76 | source 01 | new 04 | Lc 03 | 98 0102 (§3.16, no Le)
  t.true(r.apdus.some((a) => Buffer.from(a).equals(Buffer.from(hex('80 76 01 04 03 98 01 02')))));
  const again = await explore(sim, [login, 'keys derive 1 4 03']);
  t.is(again.code, 1);
  t.regex(again.stderr, /key reference 4 is in use/);
  const forced = await explore(sim, [login, 'keys derive 1 4 03 --force']);
  t.is(forced.code, 1);
  t.regex(forced.stderr, /keys derive takes --replace to replace an existing key/);
  t.is((await explore(sim, [login, 'keys derive 1 4 03 --replace'])).code, 0);
  t.is(scalar(sim.state.keys.get(4)?.material), (scalar(sim.state.keys.get(1)?.material) + 3n) % P256_N);
});

test('transport PIN: status says so, verify user is refused without spending a try, change user replaces it', async (t) => {
  const sim = await initialisedSim();
  const card = await SmartCardHsm.open(cardTransport(sim));
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: '123456', options: 0x0003 });
  await card.close();
  const before = await explore(sim, ['status', 'verify user 123456']);
  t.regex(before.stdout, /user PIN: +transport PIN \(must be changed before first use\)/);
  t.regex(before.stdout, /options: +0003 \(user PIN reset with SO-PIN enabled, transport PIN mode\)/);
  t.regex(before.stderr, /the user PIN is still the transport PIN/);
  t.false(
    before.apdus.some((a) => a[1] === 0x20 && a.length > 4),
    'no VERIFY with data was sent',
  );
  const change = await explore(sim, [`change user 123456 ${USER_PIN} --allow-last-try`, login, 'keys generate ec:prime256v1', 'status']);
  t.is(change.code, 0, change.stderr);
  t.regex(change.stdout, /generated key 1/);
  t.regex(change.stdout, /user PIN: +verified in this session/);
});

test('independent card: status, dkek status and cat 2F02 show what they can and say what they cannot verify', async (t) => {
  const inner = independentSimulator();
  const setup = await SmartCardHsm.open(cardTransport(inner));
  await initializeDevice(setup, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, dkekShares: 1 });
  await importDkekShare(setup, hex('2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35'));
  await setup.close();
  const card = new IndependentCard(inner, ALL_BEHAVIOURS);
  const r = await explore(inner, ['status', 'dkek status', 'cat 2F02', login, 'dkek status'], { open: async () => cardTransport(card) });
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /device: +SmartCard-HSM 6\.6, serial ESPICOHSMTR/);
  t.regex(r.stdout, /DKEK: +complete \(1 share\(s\)\), KCV not shown by the card until `verify user`/);
  t.regex(r.stdout, /DKEK key check value: not shown by the card \(8 zero bytes\)/);
  t.regex(r.stdout, /CV request:\n +CHR: +ESPICOHSMTR00001/);
  t.regex(r.stdout, /certificate ESPICOHSMTR00001: self-signature: verifies/);
  t.regex(
    r.stdout,
    /identity: ESPICOHSMTR00001: an authenticated CV request and a self-signed certificate; .*NOT verified as a genuine device/,
  );
  t.regex(r.stdout, /DKEK key check value: 6C609824B9CA28EB/);
});
