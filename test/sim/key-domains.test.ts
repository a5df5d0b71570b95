import test from 'ava';
import { stateFromJson, stateToJson } from '../../src/sim/state-json.ts';
import { GAKP_EC_P256_TEXT } from '../helpers/vectors.ts';
import { PEER_SHARE, SELECT_APPLET, testCard, type TestCard, VERIFY_PIN } from './sim-card.ts';

// Key domains (§3.10): INITIALIZE tag 97, MANAGE KEY DOMAIN 80 52 P1 P2, GAKP tag 92, WRAP/UNWRAP per
// domain. Expected bytes are literals: KCV 66687AADF862BD77 = SHA-256(32 zero bytes)[0..8] (§11.3),
// KCV 6C609824B9CA28EB = the peer trace's share (step 13, ../shared/traces/README.md).

const KCV_ZERO = '66687aadf862bd77';
const KCV_PEER = '6c609824b9ca28eb';
/** §11.1 INITIALIZE without tag 92 and with tag 97 03: three key domain slots, none in use. */
const INIT_3_DOMAINS = '805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 970103';
/** The same with tag 92 01: domain 0 expects one share, domains 1 and 2 are free slots. */
const INIT_3_DOMAINS_DKEK = '805000001F 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101 970103';
const SHARE_2 = '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20';

const h = (s: string): string => s.replace(/\s/g, '');
function gakp(id: number, body: string): string {
  const b = h(body);
  return `0046${id.toString(16).padStart(2, '0')}0000${(b.length / 2).toString(16).padStart(4, '0')}${b}0000`;
}

async function card(init = INIT_3_DOMAINS, verified = true): Promise<TestCard> {
  const c = testCard();
  await c.ok(SELECT_APPLET);
  await c.ok(init);
  if (verified) await c.ok(VERIFY_PIN);
  return c;
}

test('INITIALIZE 97 03: domains 0..2 answer 6A88 (not in use), domain 3 → 6A86 (sc-hsm-embedded stops there)', async (t) => {
  const c = await card(INIT_3_DOMAINS, false);
  for (const p2 of ['00', '01', '02']) t.is((await c.send(`805200${p2}00`)).sw, '6A88', `domain ${p2}`);
  t.is((await c.send('8052000300')).sw, '6A86');
  t.is(c.sim.state.keyDomains, 3);
});

test('97 with 92 01: domain 0 holds the tag-92 DKEK (01 01 + zero KCV), the other slots are free', async (t) => {
  const c = await card(INIT_3_DOMAINS_DKEK, false);
  t.is((await c.send('8052000000')).data, `0101${KCV_ZERO}`);
  t.is((await c.send('8052000100')).sw, '6A88');
});

test('97 00 or a 2-byte 97 → 6A80', async (t) => {
  const c = testCard();
  await c.ok(SELECT_APPLET);
  t.is((await c.send(INIT_3_DOMAINS.replace('970103', '970100'))).sw, '6A80');
  t.is((await c.send(INIT_3_DOMAINS.replace('805000001C', '805000001D').replace('970103', '97020003'))).sw, '6A80');
});

test('create 80 52 01 P2 01 n: user PIN, answer n n KCV(zero); again → 6A86; bad length 6700; n = 0 → 6A80', async (t) => {
  const c = await card(INIT_3_DOMAINS, false);
  t.is((await c.send('80520101 01 02 00')).sw, '6982');
  await c.ok(VERIFY_PIN);
  const a = await c.send('80520101 01 02 00');
  t.deepEqual([a.data, a.sw], [`0202${KCV_ZERO}`, '9000']);
  t.is((await c.send('8052000100')).data, `0202${KCV_ZERO}`, 'query');
  t.is((await c.send('80520101 01 02 00')).sw, '6A86');
  t.is((await c.send('80520102 02 0102 00')).sw, '6700');
  t.is((await c.send('80520102 01 00 00')).sw, '6A80');
  t.is((await c.send('80520103 01 01 00')).sw, '6A86', 'domain 3 does not exist');
});

test('import into domain 1: user PIN needed (domain 0 needs none), XOR of shares, 6986 when complete', async (t) => {
  const c = await card(INIT_3_DOMAINS_DKEK);
  await c.ok('80520101 01 02 00');
  const fresh = await card(INIT_3_DOMAINS_DKEK, false);
  t.is((await fresh.send(`80520000 20 ${PEER_SHARE} 00`)).data, `0100${KCV_PEER}`, 'domain 0 without PIN');
  const one = await c.send(`80520001 20 ${PEER_SHARE} 00`);
  t.deepEqual([one.data, one.sw], [`0201${KCV_PEER}`, '9000']);
  await c.ok(`80520001 20 ${SHARE_2} 00`);
  t.is((await c.send(`80520001 20 ${SHARE_2} 00`)).sw, '6986');
  t.is((await c.send('8052000000')).data, `0101${KCV_ZERO}`, 'domain 0 untouched');
  t.is((await c.send(`80520002 20 ${PEER_SHARE} 00`)).sw, '6A88', 'domain 2 not in use');
});

test('GAKP 92 01 01 generates into domain 1: 6A88 while not in use, 6985 while shares are outstanding', async (t) => {
  const c = await card();
  t.is((await c.send(gakp(1, `${GAKP_EC_P256_TEXT} 920101`))).sw, '6A88');
  await c.ok('80520101 01 01 00');
  t.is((await c.send(gakp(1, `${GAKP_EC_P256_TEXT} 920101`))).sw, '6985');
  await c.ok(`80520001 20 ${PEER_SHARE} 00`);
  t.is((await c.send(gakp(1, `${GAKP_EC_P256_TEXT} 920101`))).sw, '9000');
  t.is(c.sim.state.keys.get(1)?.domain, 1);
  t.is((await c.send('00480201 03 920101')).sw, '6A86', 'GSK P2 01 is no AES size');
  t.is((await c.send('004802B0 03 920101')).sw, '9000', 'GSK into domain 1');
  t.is(c.sim.state.keys.get(2)?.domain, 1);
});

test('WRAP uses the key domain DKEK (the blob starts with its KCV); UNWRAP picks the domain by KCV', async (t) => {
  const c = await card(INIT_3_DOMAINS_DKEK);
  await c.ok(`80520000 20 ${SHARE_2} 00`);
  await c.ok('80520101 01 01 00');
  await c.ok(`80520001 20 ${PEER_SHARE} 00`);
  await c.ok(gakp(1, `${GAKP_EC_P256_TEXT} 920101`));
  await c.ok(gakp(2, GAKP_EC_P256_TEXT));
  const blob1 = await c.ok('80720192 000000');
  t.is(blob1.data.slice(0, 16), KCV_PEER);
  const blob0 = await c.ok('80720292 000000');
  t.not(blob0.data.slice(0, 16), KCV_PEER);
  const lc = (b: string): string => `00${(b.length / 2).toString(16).padStart(4, '0')}`;
  await c.ok(`80740393 ${lc(blob1.data)} ${blob1.data}`);
  t.is(c.sim.state.keys.get(3)?.domain, 1, 'unwrapped into the domain whose KCV the blob carries');
  await c.ok(`80740493 ${lc(blob0.data)} ${blob0.data}`);
  t.is(c.sim.state.keys.get(4)?.domain, undefined, 'domain 0');
  const foreign = `0011223344556677${blob1.data.slice(16)}`;
  t.is((await c.send(`80740593 ${lc(foreign)} ${foreign}`)).sw, '6A80', 'KCV of no domain');
  await c.ok('80520401');
  t.is((await c.send('80720192 000000')).sw, '6A88', 'domain 1 cleared: its keys cannot be wrapped');
  t.is((await c.send(`80740593 ${lc(blob1.data)} ${blob1.data}`)).sw, '6A80', 'nor unwrapped into it');
});

test('clear 80 52 04 P2: all shares outstanding again, KCV of the zero DKEK; delete 80 52 03: 6A89 with keys, then 6A88', async (t) => {
  const c = await card();
  await c.ok('80520101 01 02 00');
  await c.ok(`80520001 20 ${PEER_SHARE} 00`);
  const cleared = await c.send('8052040100');
  t.deepEqual([cleared.data, cleared.sw], [`0202${KCV_ZERO}`, '9000']);
  await c.ok(`80520001 20 ${PEER_SHARE} 00`);
  await c.ok(`80520001 20 ${SHARE_2} 00`);
  await c.ok('004801B0 03 920101');
  t.is((await c.send('8052030100')).sw, '6A89', 'key 1 is in domain 1');
  await c.ok('00E40200 02 CC01');
  const deleted = await c.send('8052030100');
  t.deepEqual([deleted.data, deleted.sw], ['', '6A88']);
  t.is((await c.send('8052000100')).sw, '6A88', 'the slot is free again');
  t.is((await c.send('8052030100')).sw, '6A86', 'nothing to delete');
  t.is((await c.send('8052040100')).sw, '6A88', 'nothing to clear');
  await c.ok('80520101 01 03 00');
});

test('delete/clear need the user PIN (6982); XKEK create P1 02 → 6A81; unknown P1 → 6A86', async (t) => {
  const c = await card(INIT_3_DOMAINS_DKEK, false);
  t.is((await c.send('8052030000')).sw, '6982');
  t.is((await c.send('8052040000')).sw, '6982');
  t.is((await c.send('80520201 02 7F21 00')).sw, '6A81');
  t.is((await c.send('8052050000')).sw, '6A86');
});

test('re-INITIALIZE without 97 removes the domains; state-json keeps keyDomains and domains', async (t) => {
  const c = await card();
  await c.ok('80520102 01 02 00');
  await c.ok(`80520002 20 ${PEER_SHARE} 00`);
  const json = stateToJson(c.sim.state);
  t.is(json.keyDomains, 3);
  t.deepEqual(json.domains, { 2: { total: 2, outstanding: 1, value: PEER_SHARE.toUpperCase() } });
  const back = stateFromJson(JSON.parse(JSON.stringify(json)));
  t.is(back.keyDomains, 3);
  t.deepEqual([...(back.domains ?? new Map()).keys()], [2]);
  t.throws(() => stateFromJson({ ...json, domains: { 3: { total: 1, outstanding: 1, value: PEER_SHARE } } }), {
    message: /domains \(entry 1\)/,
  });
  await c.ok('805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101');
  t.is((await c.send('8052000200')).sw, '6A86');
});
