// MANAGE KEY DOMAIN (§3.10) command bytes and answers, written from the public sources (CardContact
// sc-hsm-embedded keydomain.c: query 80 52 00 <i>, 6A86/6D00 end, 6A88 free slot, >10 bytes = XKEK with
// UID; pico-hsm cmd_key_domain.c / pypicohsm: P1 01 create with 1-byte share count, 03 delete → 6A88,
// 04 clear) — never produced by the encoder under test.
import test from 'ava';
import { hex } from '../helpers/apdu.ts';
import { cardWithScript } from '../helpers/card-script.ts';
import { clearKeyDomain } from '../../src/card/commands/clear-key-domain.ts';
import { createDkekKeyDomain } from '../../src/card/commands/create-dkek-key-domain.ts';
import { deleteKeyDomain } from '../../src/card/commands/delete-key-domain.ts';
import { importDkekShare, queryDkekStatus } from '../../src/card/commands/import-dkek-share.ts';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { generateSymmetricKey } from '../../src/card/commands/generate-symmetric-key.ts';
import { InvalidArgumentError } from '../../src/card/host-errors.ts';
import { domainOfKcv, listKeyDomains } from '../../src/card/key-domains.ts';
import { CardError } from '../../src/card/errors.ts';

const SHARE = hex('2C985A6791C0FCD6A3357CDE8D56B46ED82B0DBF58FB87D1E7E5340EAC83BF35');

test('INITIALIZE with key domains: tag 97 after the OpenSC tags (80 81 82 91 [92] 97 03)', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('00200088'), hex('6A88')], // the channel guard's SO-PIN status query
    [hex('805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 970103'), hex('9000')],
  ]);
  await initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '648219', keyDomains: 3 });
  tr.assertConsumed();
  await t.throwsAsync(initializeDevice(card, { confirm: true, soPin: '3537363231383830', userPin: '648219', keyDomains: 0 }), {
    instanceOf: InvalidArgumentError,
  });
});

test('create 80 52 01 02 01 03 00 → [03][03][KCV]; import into domain 2: 80 52 00 02 20 <share> 00', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('8052010201 03 00'), hex('0303 66687AADF862BD77 9000')],
    [hex(`8052000220 ${Buffer.from(SHARE).toString('hex')} 00`), hex('0302 6C609824B9CA28EB 9000')],
    [hex('8052000200'), hex('0302 6C609824B9CA28EB 9000')],
  ]);
  const created = await createDkekKeyDomain(card, 2, 3);
  t.like(created, { total: 3, outstanding: 3, kcv: '66687AADF862BD77' });
  t.like(await importDkekShare(card, SHARE, 2), { total: 3, outstanding: 2, kcv: '6C609824B9CA28EB' });
  t.like(await queryDkekStatus(card, 2), { outstanding: 2 });
  tr.assertConsumed();
  await t.throwsAsync(createDkekKeyDomain(card, 1, 0), { instanceOf: InvalidArgumentError });
  await t.throwsAsync(queryDkekStatus(card, 256), { instanceOf: InvalidArgumentError });
});

test('delete 80 52 03 01 (case 1): 6A88 is success, 9000 too; 6A89 (a key in the domain) is an error', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('80520301'), hex('6A88')],
    [hex('80520301'), hex('9000')],
    [hex('80520301'), hex('6A89')],
  ]);
  await deleteKeyDomain(card, 1, { confirm: true });
  await deleteKeyDomain(card, 1, { confirm: true });
  const err = await t.throwsAsync(deleteKeyDomain(card, 1, { confirm: true }), { instanceOf: CardError });
  t.is(err?.sw, 0x6a89);
  tr.assertConsumed();
});

test('clear 80 52 04 01 00 → the status with every share outstanding again', async (t) => {
  const { card, tr } = await cardWithScript([[hex('8052040100'), hex('0202 66687AADF862BD77 9000')]]);
  t.like(await clearKeyDomain(card, 1, { confirm: true }), { total: 2, outstanding: 2 });
  tr.assertConsumed();
});

test('list: 80 52 00 <i> 00 from 0 until 6A86; 6A88 = free slot; > 10 bytes = XKEK domain with its UID', async (t) => {
  const { card, tr } = await cardWithScript([
    [hex('8052000000'), hex('0100 6C609824B9CA28EB 9000')],
    [hex('8052000100'), hex('6A88')],
    [hex('8052000200'), hex('0000 1122334455667788 04AABBCC 9000')],
    [hex('8052000300'), hex('6A86')],
  ]);
  const list = await listKeyDomains(card);
  tr.assertConsumed();
  t.deepEqual(
    list.map((d) => [d.domain, d.state]),
    [
      [0, 'dkek'],
      [1, 'free'],
      [2, 'xkek'],
    ],
  );
  t.is(list[2]?.state === 'xkek' ? list[2].uid : '', '04AABBCC');
  t.is(domainOfKcv(list, '6c609824b9ca28eb')?.domain, 0);
  t.is(domainOfKcv(list, '0000000000000000'), undefined);
});

test('list on a device without key domains: 6D00 on domain 0 → empty', async (t) => {
  const { card, tr } = await cardWithScript([[hex('8052000000'), hex('6D00')]]);
  t.deepEqual(await listKeyDomains(card), []);
  tr.assertConsumed();
});

test('GENERATE SYMMETRIC KEY into domain 1: 00 48 05 B2 03 92 01 01 (CardContact encodeGSK)', async (t) => {
  const { card, tr } = await cardWithScript([[hex('004805B2 03 920101'), hex('9000')]]);
  await generateSymmetricKey(card, { ref: 5, bits: 256, keyDomain: 1 });
  tr.assertConsumed();
  t.pass();
});
