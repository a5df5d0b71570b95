import test from 'ava';
import {
  createChannel,
  EraseUnconfirmedError,
  GuessedCardError,
  LastPinTryError,
  PinTriesUnknownError,
  type CommandApdu,
} from '../../src/apdu/index.ts';
import { RefusedError } from '../../src/transport/errors.ts';
import { apdu, hex } from '../helpers/apdu.ts';
import { scripted } from '../helpers/scripted-transport.ts';

/*
 * The channel's safety guard (src/apdu/guard.ts) against a strict scripted transport: each test lists
 * the exact bytes the card must see. VERIFY without data `00 20 00 P2` is the ISO 7816-4 §11.5.6 status
 * query (sc-hsm-protocol.md §3.6: 63Cx = x tries left, 6983 blocked, 6984 transport PIN, 6A88 no PIN).
 */

const PIN = hex('363438323139'); // "648219"
const SO = hex('3537363231383830');
const verify = (p2: number, data: Uint8Array): CommandApdu => ({ cla: 0x00, ins: 0x20, p1: 0x00, p2, data });
const INIT_DATA = hex('8002000181063634383231398208353736323138383091010392 0101');

test('VERIFY with data: the status query first, then the PIN (3 tries left)', async (t) => {
  const card = scripted([
    [apdu`00 20 00 81`, apdu`63 C3`],
    [apdu`00 20 00 81 | 06 | ${PIN}`, apdu`90 00`],
  ]);
  t.is((await createChannel(card).send(verify(0x81, PIN))).sw, 0x9000);
  card.assertConsumed();
});

test('one try left (63C1): refused before anything secret is sent; the error names --allow-last-try', async (t) => {
  const card = scripted([[apdu`00 20 00 81`, apdu`63 C1`]]);
  const err = await t.throwsAsync(createChannel(card).send(verify(0x81, PIN)), { instanceOf: LastPinTryError });
  t.true(err instanceof RefusedError, 'a RefusedError kind: exit code 4');
  t.is(err?.code, 'ERR_SCHSM_LAST_PIN_TRY');
  t.is(err?.retriesLeft, 1);
  t.is(err?.pinRef, 0x81);
  t.regex(
    err?.message ?? '',
    /refusing to send VERIFY \(user PIN\): only 1 try left, a wrong value would block it \(--allow-last-try allows it\)/,
  );
  card.assertConsumed();
});

test('63C0 is refused too; allowLastTry per command sends it without asking', async (t) => {
  const card = scripted([
    [apdu`00 20 00 88`, apdu`63 C0`],
    [apdu`00 20 00 88 | 08 | ${SO}`, apdu`63 C0`],
  ]);
  const ch = createChannel(card);
  await t.throwsAsync(ch.send(verify(0x88, SO)), { instanceOf: LastPinTryError });
  t.is((await ch.send(verify(0x88, SO), { allowLastTry: true })).sw, 0x63c0);
  card.assertConsumed();
});

test('allowLastTry for the whole channel: no status query at all', async (t) => {
  const card = scripted([[apdu`00 20 00 81 | 06 | ${PIN}`, apdu`63 C0`]]);
  t.is((await createChannel(card, { guard: { allowLastTry: true } }).send(verify(0x81, PIN))).sw, 0x63c0);
  card.assertConsumed();
});

test('every PIN try gets its own fresh status query, also right after the caller asked (no answer is reused)', async (t) => {
  const card = scripted([
    [apdu`00 20 00 81`, apdu`63 C3`], // the caller's own query
    [apdu`00 20 00 81`, apdu`63 C3`], // the guard asks again: another application may have spent tries since
    [apdu`00 20 00 81 | 06 | ${PIN}`, apdu`63 C2`],
    [apdu`00 20 00 81`, apdu`63 C2`],
    [apdu`00 20 00 81 | 06 | ${PIN}`, apdu`63 C1`],
    [apdu`00 20 00 81`, apdu`63 C1`],
  ]);
  const ch = createChannel(card);
  await ch.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81 });
  await ch.send(verify(0x81, PIN));
  await ch.send(verify(0x81, PIN));
  await t.throwsAsync(ch.send(verify(0x81, PIN)), { instanceOf: LastPinTryError });
  card.assertConsumed();
});

test('the query asks about the PIN the command spends, whatever was asked before', async (t) => {
  const card = scripted([
    [apdu`00 20 00 88`, apdu`63 CF`],
    [apdu`00 20 00 81`, apdu`63 C1`],
  ]);
  const ch = createChannel(card);
  await ch.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x88 });
  await t.throwsAsync(ch.send(verify(0x81, PIN)), { instanceOf: LastPinTryError });
  card.assertConsumed();
});

test('status answers that let a try through: 9000, 6983, 6A88, and 6984 for VERIFY only', async (t) => {
  const card = scripted([
    [apdu`00 20 00 81`, apdu`90 00`],
    [apdu`00 20 00 81 | 06 | ${PIN}`, apdu`90 00`],
    [apdu`00 20 00 81`, apdu`69 83`],
    [apdu`00 20 00 81 | 06 | ${PIN}`, apdu`69 83`],
    [apdu`00 20 00 85`, apdu`6A 88`],
    [apdu`00 20 00 85 | 06 | ${PIN}`, apdu`6A 88`],
    [apdu`00 20 00 81`, apdu`69 84`],
    [apdu`00 20 00 81 | 06 | ${PIN}`, apdu`69 84`],
    [apdu`00 20 00 81`, apdu`69 84`],
  ]);
  const ch = createChannel(card);
  for (const ref of [0x81, 0x81, 0x85, 0x81]) await ch.send(verify(ref, PIN));
  const change = { cla: 0, ins: 0x24, p1: 0, p2: 0x81, data: hex('363438323139 313233343536') };
  const err = await t.throwsAsync(ch.send(change), { instanceOf: PinTriesUnknownError });
  t.is(err?.sw, 0x6984, 'a transport PIN does not show its tries: CHANGE REFERENCE DATA needs --allow-last-try');
  t.regex(err?.message ?? '', /--allow-last-try/);
  card.assertConsumed();
});

test('status not readable (6D00 from a card without this PIN query): refused, safe by default', async (t) => {
  const card = scripted([[apdu`00 20 00 80`, apdu`6D 00`]]);
  const err = await t.throwsAsync(createChannel(card).send(verify(0x80, PIN)), { instanceOf: PinTriesUnknownError });
  t.is(err?.code, 'ERR_SCHSM_PIN_TRIES_UNKNOWN');
  t.regex(err?.message ?? '', /cannot tell how many tries the PIN 80 has left \(VERIFY status 00 20 00 80 answered 6D00/);
  card.assertConsumed();
});

test('CHANGE REFERENCE DATA checks its own reference; RESET RETRY COUNTER checks the SO-PIN (P1 00/01, not 02/03)', async (t) => {
  const card = scripted([
    [apdu`00 20 00 88`, apdu`63 C1`],
    [apdu`00 20 00 88`, apdu`63 C1`],
    [apdu`00 2C 02 81 | 06 | ${PIN}`, apdu`69 82`],
    [apdu`00 2C 03 81`, apdu`69 82`],
  ]);
  const ch = createChannel(card);
  await t.throwsAsync(ch.send({ cla: 0, ins: 0x24, p1: 0, p2: 0x88, data: hex(`${'35'.repeat(8)}${'36'.repeat(8)}`) }), {
    instanceOf: LastPinTryError,
  });
  const rrc = await t.throwsAsync(ch.send({ cla: 0, ins: 0x2c, p1: 0x01, p2: 0x81, data: SO }), { instanceOf: LastPinTryError });
  t.is(rrc?.pinRef, 0x88, "RESET RETRY COUNTER spends the SO-PIN's tries");
  await ch.send({ cla: 0, ins: 0x2c, p1: 0x02, p2: 0x81, data: PIN }); // new PIN only: no SO-PIN in it
  await ch.send({ cla: 0, ins: 0x2c, p1: 0x03, p2: 0x81 });
  card.assertConsumed();
});

test('INITIALIZE DEVICE (INS 50, any CLA): refused without confirmErase, nothing sent; with it the SO-PIN is checked', async (t) => {
  const card = scripted([
    [apdu`00 20 00 88`, apdu`6A 88`],
    [apdu`80 50 00 00 | 1C | ${INIT_DATA}`, apdu`90 00`],
    [apdu`00 20 00 88`, apdu`63 C1`],
  ]);
  const ch = createChannel(card);
  const init: CommandApdu = { cla: 0x80, ins: 0x50, p1: 0, p2: 0, data: INIT_DATA };
  const err = await t.throwsAsync(ch.send(init), { instanceOf: EraseUnconfirmedError });
  t.is(err?.code, 'ERR_SCHSM_ERASE_UNCONFIRMED');
  t.regex(err?.message ?? '', /--yes confirms the erase/);
  await t.throwsAsync(ch.send({ ...init, cla: 0x00, data: new Uint8Array(0) }), { instanceOf: EraseUnconfirmedError });
  t.is(card.sent.length, 0, 'nothing at all was sent');
  await ch.send(init, { confirmErase: true }); // a new card (SO-PIN 6A88)
  await t.throwsAsync(ch.send(init, { confirmErase: true }), { instanceOf: LastPinTryError }); // re-INITIALIZE on the last SO try
  card.assertConsumed();
});

test('confirmErase for the whole channel; it does not allow a last try', async (t) => {
  const card = scripted([[apdu`00 20 00 88`, apdu`63 C1`]]);
  const ch = createChannel(card, { guard: { confirmErase: true } });
  await t.throwsAsync(ch.send({ cla: 0x80, ins: 0x50, p1: 0, p2: 0, data: INIT_DATA }), { instanceOf: LastPinTryError });
  card.assertConsumed();
});

test('bytes that are no well-formed APDU pass the same guard (sendRaw): read as CLA INS P1 P2 + data', async (t) => {
  const card = scripted([
    [apdu`00 20 00 81`, apdu`63 C1`],
    [apdu`00 20 00 81 | 08 | ${PIN}`, apdu`67 00`], // Lc 8 but 6 bytes: sent verbatim when allowed
  ]);
  const ch = createChannel(card);
  const bad = apdu`00 20 00 81 | 08 | ${PIN}`;
  await t.throwsAsync(ch.sendRaw(bad), { instanceOf: LastPinTryError });
  t.is((await ch.sendRaw(bad, { allowLastTry: true })).sw, 0x6700);
  await t.throwsAsync(ch.sendRaw(apdu`80 50 00 00 | 05 | 80 02 00 01`), { instanceOf: EraseUnconfirmedError });
  card.assertConsumed();
});

test('a chained command is checked once, at its first block; a chain of another P2 is checked again', async (t) => {
  const card = scripted([
    [apdu`00 20 00 82`, apdu`63 C3`],
    [apdu`10 20 00 82 | 03 | 36 34 38`, apdu`90 00`],
    [apdu`00 20 00 82 | 03 | 32 31 39`, apdu`63 C2`],
    [apdu`00 20 00 82`, apdu`63 C2`],
    [apdu`10 20 00 82 | 01 | 36`, apdu`90 00`],
    [apdu`00 20 00 81`, apdu`63 C1`],
  ]);
  const ch = createChannel(card);
  await ch.send({ cla: 0x10, ins: 0x20, p1: 0, p2: 0x82, data: hex('363438') });
  await ch.send(verify(0x82, hex('323139'))); // continuation: no query in between (it would break the chain)
  await ch.send({ cla: 0x10, ins: 0x20, p1: 0, p2: 0x82, data: hex('36') });
  await t.throwsAsync(ch.send(verify(0x81, PIN)), { instanceOf: LastPinTryError }); // not the same chain
  card.assertConsumed();
});

test('short-only chaining below the guard: one status query for the whole chained command', async (t) => {
  const long = new Uint8Array(300).fill(0x41);
  const card = scripted([
    [apdu`00 20 00 81`, apdu`63 C3`],
    [apdu`10 24 00 81 | FF | ${long.subarray(0, 255)}`, apdu`90 00`],
    [apdu`00 24 00 81 | 2D | ${long.subarray(255)}`, apdu`63 C2`],
  ]);
  const res = await createChannel(card, { shortOnly: true }).send({ cla: 0, ins: 0x24, p1: 0, p2: 0x81, data: long });
  t.is(res.sw, 0x63c2);
  card.assertConsumed();
});

test('MANAGE KEY DOMAIN delete (80 52 03 P2) and clear KEK (80 52 04 P2) are erases: refused unless confirmErase; query/create/import pass', async (t) => {
  const card = scripted([
    [apdu`80 52 00 01 00`, apdu`6A 88`],
    [apdu`80 52 01 01 | 01 | 02 | 00`, apdu`02 02 66 68 7A AD F8 62 BD 77 90 00`],
    [apdu`80 52 03 01`, apdu`6A 88`],
  ]);
  const ch = createChannel(card);
  const del: CommandApdu = { cla: 0x80, ins: 0x52, p1: 0x03, p2: 0x01 };
  const err = await t.throwsAsync(ch.send(del), { instanceOf: EraseUnconfirmedError });
  t.regex(err?.message ?? '', /MANAGE KEY DOMAIN .* it erases a key domain's key encryption key/);
  await t.throwsAsync(ch.send({ ...del, p1: 0x04, ne: 256, form: 'short' }), { instanceOf: EraseUnconfirmedError });
  await t.throwsAsync(ch.sendRaw(apdu`80 52 04 00 00`), { instanceOf: EraseUnconfirmedError });
  t.is((await ch.send({ cla: 0x80, ins: 0x52, p1: 0x00, p2: 0x01, ne: 256, form: 'short' })).sw, 0x6a88);
  t.is((await ch.send({ cla: 0x80, ins: 0x52, p1: 0x01, p2: 0x01, data: Uint8Array.of(2), ne: 256, form: 'short' })).sw, 0x9000);
  t.is((await ch.send(del, { confirmErase: true })).sw, 0x6a88);
  card.assertConsumed();
});

/** A scripted card that was taken as the first of two without a reader named (PC/SC sets this). */
function guessed(script: Parameters<typeof scripted>[0]): ReturnType<typeof scripted> {
  return Object.assign(scripted(script), { guessedFrom: ['Reader A 00 00', 'Reader B 01 00'] });
}

test('a guessed card (several present, none named): no PIN try and no erase, whatever the policy; nothing is sent', async (t) => {
  const card = guessed([]);
  const ch = createChannel(card, { guard: { allowLastTry: true, confirmErase: true } });
  const err = await t.throwsAsync(ch.send(verify(0x81, PIN)), { instanceOf: GuessedCardError });
  t.true(err instanceof RefusedError, 'exit code 4');
  t.is(err?.code, 'ERR_SCHSM_AMBIGUOUS_CARD');
  t.deepEqual(err?.readers, ['Reader A 00 00', 'Reader B 01 00']);
  t.regex(err?.message ?? '', /refusing to send VERIFY \(user PIN\): 2 cards are present \("Reader A 00 00", "Reader B 01 00"\)/);
  t.regex(err?.hint ?? '', /--reader/);
  await t.throwsAsync(ch.send({ cla: 0x80, ins: 0x50, p1: 0, p2: 0, data: INIT_DATA }), { instanceOf: GuessedCardError });
  await t.throwsAsync(ch.send({ cla: 0x80, ins: 0x52, p1: 0x04, p2: 0x01 }), { instanceOf: GuessedCardError });
  await t.throwsAsync(ch.sendRaw(hex('00 24 00 81 0C 363438323139 313233343536')), { instanceOf: GuessedCardError });
  card.assertConsumed();
});

test('a guessed card still answers what spends nothing: SELECT, the PIN status query, READ BINARY', async (t) => {
  const card = guessed([
    [apdu`00 A4 04 00 | 0B | E8 2B 06 01 04 01 81 C3 1F 02 01`, apdu`90 00`],
    [apdu`00 20 00 81`, apdu`63 C3`],
    [apdu`00 B0 00 00 00`, apdu`01 02 90 00`],
  ]);
  const ch = createChannel(card);
  t.is((await ch.send({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: hex('E82B0601040181C31F0201') })).sw, 0x9000);
  t.is((await ch.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81 })).sw, 0x63c3);
  t.is((await ch.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 })).sw, 0x9000);
  card.assertConsumed();
});
