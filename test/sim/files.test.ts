import test from 'ava';
import { seq } from '../helpers/apdu.ts';
import { initializedCard, SELECT_APPLET, testCard } from './sim-card.ts';

// READ BINARY (§3.2), UPDATE BINARY (§3.3), DELETE FILE (§3.4), ENUMERATE OBJECTS (§3.5).

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

test('OpenSC read loop on 2F02: SELECT, READ 0000 Le 00 (256), then the rest, then offset == size → empty 9000', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  const content = card.sim.state.files.get(0x2f02)!;
  const size = content.length;
  t.true(size > 256, 'two CVCs are longer than one short read');
  await card.ok('00A40000022F0200');
  for (let offset = 0; offset < size; offset += 256) {
    const part = await card.send(`00B10000 04 5402 ${offset.toString(16).padStart(4, '0')} 00`);
    t.deepEqual([part.data, part.sw], [hexOf(content.subarray(offset, offset + 256)), '9000'], `offset ${offset}`);
  }
  const end = await card.send(`00B10000 04 5402 ${size.toString(16).padStart(4, '0')} 00`);
  t.deepEqual([end.data, end.sw], ['', '9000']);
  const beyond = await card.send(`00B10000 04 5402 ${(size + 1).toString(16).padStart(4, '0')} 00`);
  t.deepEqual([beyond.data, beyond.sw], ['', '6282']);
});

test('READ BINARY by FID in P1P2 (CardContact hosts), with explicit Le, and B0 on the current EF', async (t) => {
  const card = testCard();
  await card.ok(SELECT_APPLET);
  const content = card.sim.state.files.get(0x2f02)!;
  t.is((await card.ok('00B12F02 04 5402 0010 08')).data, hexOf(content.subarray(16, 24)));
  t.is(card.sim.session.currentEf, 0x2f02, 'reading by FID makes it the current EF');
  t.is((await card.ok('00B00020 04')).data, hexOf(content.subarray(32, 36)));
  t.is((await card.send('00B08100 04')).sw, '6A81', 'SFI addressing not supported');
});

test('READ refusals: no current EF 6986, absent 6A82, keys 6982, CDxx without PIN 6982, bad offset DO 6A80', async (t) => {
  const card = await initializedCard({ share: true, verified: true });
  await card.ok('00D7CD01 08 5402 0000 5302 AABB');
  await card.ok('00480AB2');
  await card.ok(SELECT_APPLET); // logs out, clears the current EF
  t.is((await card.send('00B10000 04 5402 0000 00')).sw, '6986');
  t.is((await card.send('00B1C405 04 5402 0000 00')).sw, '6A82');
  t.is((await card.send('00B1CC00 04 5402 0000 00')).sw, '6982', 'device key');
  t.is((await card.send('00B1CC0A 04 5402 0000 00')).sw, '6982', 'AES key');
  t.is((await card.send('00B1CC0B 04 5402 0000 00')).sw, '6A82', 'no key 0B');
  t.is((await card.send('00B1CD01 04 5402 0000 00')).sw, '6982', 'private data needs the PIN');
  t.is((await card.send('00B12F02 03 540200 00')).sw, '6A80');
  t.is((await card.send('00B12F02 04 5302 0000 00')).sw, '6A80');
  await card.ok('0020008106363438323139');
  t.is((await card.ok('00B1CD01 04 5402 0000 00')).data, 'aabb');
});

test('UPDATE BINARY: create with 53 00 (OpenSC), write in chunks with offsets, read back', async (t) => {
  const card = await initializedCard({ verified: true });
  await card.ok('00D7CE01 06 5402 0000 5300');
  t.is((await card.ok('00A4000002CE0100')).data, '6f0b80020000820101830 2ce01'.replace(/ /g, ''));
  const data = seq(300);
  await card.ok(`00D70000 00 0106 5402 0000 5381FF ${hexOf(data.subarray(0, 255))}`);
  await card.ok(`00D70000 33 5402 00FF 532D ${hexOf(data.subarray(255))}`);
  t.deepEqual(card.sim.state.files.get(0xce01), data);
  await card.ok('00D7CE01 08 5402 0002 5302 FFFF');
  t.is((await card.ok('00B1CE01 04 5402 0000 04')).data, '0001ffff', 'overwrite in place, size kept');
  t.is(card.sim.state.files.get(0xce01)?.length, 300);
});

test('UPDATE refusals: no PIN 6982, keys and 2F02 6982, gap 6B00, malformed 6A80, 3F00 6A86', async (t) => {
  const card = await initializedCard();
  t.is((await card.send('00D7CF01 06 5402 0000 5300')).sw, '6982');
  await card.ok('0020008106363438323139');
  t.is((await card.send('00D72F02 06 5402 0000 5300')).sw, '6982');
  t.is((await card.send('00D7CC01 06 5402 0000 5300')).sw, '6982');
  t.is((await card.send('00D7CF01 07 5402 0001 530100')).sw, '6B00', 'offset 1 into a missing EF');
  t.is((await card.send('00D7CF01 04 5402 0000')).sw, '6A80', 'no 53');
  t.is((await card.send('00D7CF01 05 5402 0000 53')).sw, '6A80', 'truncated');
  t.is((await card.send('00D73F00 06 5402 0000 5300')).sw, '6A86');
  t.is((await card.send('00D70000 06 5402 0000 5300')).sw, '6986', 'no current EF');
});

test('DELETE FILE: EF and key; CC00/2F02 refused; deleting a key keeps C4/CE; absent 6A82; no PIN 6982', async (t) => {
  const card = await initializedCard({ share: true, verified: true });
  await card.ok('00480AB2');
  await card.ok('00D7C40A 06 5402 0000 5300');
  await card.ok('00D7CE0A 06 5402 0000 5300');
  t.is((await card.send('00E40200 02 CC00')).sw, '6982');
  t.is((await card.send('00E40200 02 2F02')).sw, '6982');
  t.is((await card.send('00E40200 02 CC0A')).sw, '9000');
  t.is((await card.ok('80580000000000')).data, 'cc002f02c40ace0a');
  t.is((await card.send('00E40200 02 CC0A')).sw, '6A82');
  t.is((await card.send('00E40200 02 C40A')).sw, '9000');
  await card.ok('00A4000002CE0A00');
  t.is((await card.send('00E40000')).sw, '9000', 'no data = the current EF');
  t.is((await card.ok('80580000000000')).data, 'cc002f02');
  t.is((await card.send('00E40300 02 CF01')).sw, '6A86');
  t.is((await card.send('00E40200 03 CF0100')).sw, '6A87');
  await card.ok(SELECT_APPLET);
  t.is((await card.send('00E40200 02 CF01')).sw, '6982');
});

test('ENUMERATE lists CC00, the keys in order, then every EF in order', async (t) => {
  const card = await initializedCard({ share: true, verified: true });
  for (const id of ['20', '03', '11']) await card.ok(`0048${id}B0`);
  for (const fid of ['CE11', 'C403', '2F03', 'CA01', 'C801', 'C901', 'CD01', 'CF01']) await card.ok(`00D7${fid} 06 5402 0000 5300`);
  t.is((await card.ok('80580000000000')).data, 'cc00cc03cc11cc20 2f022f03c403c801c901ca01cd01ce11cf01'.replace(/ /g, ''));
  t.is((await card.send('80580100000000')).sw, '6A86');
});
