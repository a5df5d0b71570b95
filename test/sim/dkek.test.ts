import test from 'ava';
import { INITIALIZE, initializedCard, PEER_SHARE, SELECT_APPLET, testCard } from './sim-card.ts';

// IMPORT DKEK SHARE (§3.10, §8.1, §11.3) with the peer trace's share and the all-zero DKEK.

test('peer share 2c985a67…bf35 → 01 00 6C609824B9CA28EB (trace step 13, with the real KCV)', async (t) => {
  const card = await initializedCard();
  const a = await card.send(`80520000 20 ${PEER_SHARE} 00`);
  t.deepEqual([a.data, a.sw], ['01006c609824b9ca28eb', '9000']);
  t.is((await card.send('8052000000')).data, '01006c609824b9ca28eb', 'the query repeats it, no PIN needed');
});

test('DKEK of 32 zero bytes has KCV 66687AADF862BD77: before any share, and after the same share twice', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  await card.ok(INITIALIZE.replace('920101', '920102'));
  t.is((await card.send('8052000000')).data, '020266687aadf862bd77');
  await card.ok(`80520000 20 ${PEER_SHARE} 00`);
  const second = await card.send(`80520000 20 ${PEER_SHARE} 00`);
  t.deepEqual([second.data, second.sw], ['020066687aadf862bd77', '9000']);
});

test('all shares in → 6986; share not 32 bytes → 6700; unknown P1 or P2 ≠ 00 → 6A86', async (t) => {
  const card = await initializedCard({ share: true });
  t.is((await card.send(`80520000 20 ${PEER_SHARE} 00`)).sw, '6986');
  const fresh = await initializedCard();
  t.is((await fresh.send(`80520000 10 ${PEER_SHARE.slice(0, 32)} 00`)).sw, '6700');
  t.is((await fresh.send('8052050000')).sw, '6A86');
  t.is((await fresh.send('8052000100')).sw, '6A86');
  t.is((await fresh.send('8052000000')).data, '010166687aadf862bd77', 'nothing was imported');
});

test('no DKEK → 6D00 (sc-hsm-tool: "not initialized for key shares"): uninitialised, or no tag 92', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  t.is((await card.send('8052000000')).sw, '6D00');
  t.is((await card.send(`80520000 20 ${PEER_SHARE} 00`)).sw, '6D00');
  await card.ok(INITIALIZE.replace(' 920101', '').replace('805000001C', '8050000019'));
  t.is((await card.send('8052000000')).sw, '6D00');
});

test('key generation is refused while shares are outstanding (6985), allowed once they are in', async (t) => {
  const card = await initializedCard({ verified: true });
  t.is((await card.send('00480AB2')).sw, '6985');
  await card.ok(`80520000 20 ${PEER_SHARE} 00`);
  t.is((await card.send('00480AB2')).sw, '9000');
});
