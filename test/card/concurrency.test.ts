// Issue 13 item 1: card access through one session is queued in order, and `exclusive` sections run
// alone, against the in-process simulator. The APDU order is read at the transport (what the card got).
import test from 'ava';
import { verify, type KeyObject } from 'node:crypto';
import { hex } from '../helpers/apdu.ts';
import { createSimulatorTransport, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { openPcscTransport } from '../../src/transport/pcsc.ts';
import { requirePcscd, withVirtualCard } from '../helpers/vpcd.ts';
import type { Transport } from '../../src/transport/transport.ts';
import {
  SmartCardHsm,
  initializeDevice,
  importDkekShare,
  verifyPin,
  generateKey,
  signMessage,
  parseMechanism,
  getChallenge,
  SecurityStatusNotSatisfiedError,
} from '../../src/card/index.ts';

const SO_PIN = '3537363231383830';
const PIN = '648219';
const SHARE = hex('2C985A6791C0FCD6A3357CDE8D56B46ED82B0DBF58FB87D1E7E5340EAC83BF35');

/** The simulator behind a transport that answers after a macrotask (as a reader does) and logs each command's INS. */
async function loggedCard(): Promise<{ card: SmartCardHsm; sent: string[]; apdus: Uint8Array[] }> {
  const inner = await createSimulatorTransport();
  const sent: string[] = [];
  const apdus: Uint8Array[] = [];
  const transport: Transport = {
    ...inner,
    name: inner.name,
    atr: inner.atr,
    async transmit(cmd) {
      sent.push((cmd[1] ?? 0).toString(16).toUpperCase().padStart(2, '0'));
      apdus.push(cmd);
      await new Promise((r) => setTimeout(r, 2));
      return inner.transmit(cmd);
    },
    exclusive: (fn) => inner.exclusive(fn),
    close: () => inner.close(),
    reset: () => inner.reset(),
  };
  const card = await SmartCardHsm.open(transport);
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: PIN, dkekShares: 1 });
  await importDkekShare(card, SHARE);
  return { card, sent, apdus };
}

const ECDSA = parseMechanism('ECDSA-SHA256');

test('two signMessage calls started together both succeed, and both signatures verify', async (t) => {
  const { card } = await loggedCard();
  await verifyPin(card, { pin: PIN });
  const key = await generateKey(card, { type: 'ec:P-256' });
  const publicKey = key.publicKey as KeyObject;
  const a = new TextEncoder().encode('request a');
  const b = new TextEncoder().encode('request b');
  const [sigA, sigB] = await Promise.all([signMessage(card, key.ref, ECDSA, a), signMessage(card, key.ref, ECDSA, b)]);
  t.true(verify('sha256', a, publicKey, sigA));
  t.true(verify('sha256', b, publicKey, sigB));
  await card.close();
});

test('twenty concurrent commands reach the card in the order they were made', async (t) => {
  const { card, sent, apdus } = await loggedCard();
  sent.length = 0;
  apdus.length = 0;
  const lengths = Array.from({ length: 20 }, (_, i) => i + 1);
  const answers = await Promise.all(lengths.map((n) => getChallenge(card, n)));
  t.deepEqual(
    answers.map((r) => r.length),
    lengths,
  );
  t.deepEqual(sent, Array(20).fill('84'), 'one GET CHALLENGE each, nothing else');
  t.deepEqual(
    apdus.map((a) => a.at(-1)),
    lengths,
    'GET CHALLENGE 00 84 00 00 Le, Le = 1, 2, … 20 in call order',
  );
  await card.close();
});

test('logout() cannot slip between VERIFY and SIGN inside exclusive: it waits for the section, then logs out', async (t) => {
  const { card, sent } = await loggedCard();
  await verifyPin(card, { pin: PIN });
  const key = await generateKey(card, { type: 'ec:P-256' });
  await card.logout();
  sent.length = 0;
  const message = new TextEncoder().encode('pay 10');
  // Another caller (its own async context, as another request of a service), due while the section runs.
  let logout: Promise<void> | undefined;
  setTimeout(() => {
    logout = card.logout();
  }, 5);
  const signature = await card.exclusive(async () => {
    await verifyPin(card, { pin: PIN });
    await new Promise((r) => setTimeout(r, 30)); // give the other caller every chance to go first
    return signMessage(card, key.ref, ECDSA, message);
  });
  t.true(verify('sha256', message, key.publicKey as KeyObject, signature));
  await logout;
  // VERIFY (20, after the guard's status query 20), SIGN (68), and only then the logout's SELECT (A4)
  t.deepEqual(sent.filter((ins) => ins !== '20').slice(0, 2), ['68', 'A4']);
  t.is(sent.indexOf('A4'), sent.length - 1, `the SELECT comes last: ${sent.join(' ')}`);
  await t.throwsAsync(signMessage(card, key.ref, ECDSA, message), { instanceOf: SecurityStatusNotSatisfiedError }, 'logged out afterwards');
  await card.close();
});

test('nested exclusive and concurrent commands inside a section neither deadlock nor fail', async (t) => {
  const { card, sent } = await loggedCard();
  sent.length = 0;
  const outside = getChallenge(card, 3);
  const inside = await card.exclusive(async () => {
    const nested = await card.exclusive(() => getChallenge(card, 1));
    const both = await Promise.all([getChallenge(card, 2), card.exclusive(() => getChallenge(card, 4))]);
    return [nested.length, ...both.map((b) => b.length)];
  });
  t.deepEqual(inside, [1, 2, 4]);
  t.is((await outside).length, 3, 'the command made before the section ran first');
  t.deepEqual(sent, ['84', '84', '84', '84']);
  await card.close();
});

test('a command made while a section runs waits for it, also when the section fails', async (t) => {
  const { card } = await loggedCard();
  const order: string[] = [];
  let later: Promise<unknown> | undefined;
  setTimeout(() => {
    later = getChallenge(card, 5).then(() => order.push('outside'));
  }, 5);
  await t.throwsAsync(
    card.exclusive(async () => {
      await getChallenge(card, 6);
      await new Promise((r) => setTimeout(r, 30));
      order.push('section');
      throw new Error('operation failed');
    }),
    { message: 'operation failed' },
  );
  await later;
  t.deepEqual(order, ['section', 'outside']);
  await card.close();
});

test('two sessions: a section of one does not block the other, and commands of the first made from a section of the second do not deadlock', async (t) => {
  const a = await loggedCard();
  const b = await loggedCard();
  const got = await a.card.exclusive(() =>
    b.card.exclusive(async () => [(await getChallenge(a.card, 2)).length, (await getChallenge(b.card, 3)).length]),
  );
  t.deepEqual(got, [2, 3]);
  await a.card.close();
  await b.card.close();
});

// --- the same through the real pcscd + vpcd (SCardTransmit, and SCardConnect EXCLUSIVE for sections) ---
test.serial('through pcscd: concurrent signMessage calls both succeed; logout waits for the exclusive section', async (t) => {
  t.timeout(600_000);
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(new SmartCardHsmSimulator(), async ({ readerName }) => {
    const card = await SmartCardHsm.open(await openPcscTransport({ reader: readerName }));
    try {
      await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: PIN, dkekShares: 1 });
      await importDkekShare(card, SHARE);
      await verifyPin(card, { pin: PIN });
      const key = await generateKey(card, { type: 'ec:P-256' });
      const publicKey = key.publicKey as KeyObject;
      const a = new TextEncoder().encode('a');
      const b = new TextEncoder().encode('b');
      const [sigA, sigB] = await Promise.all([signMessage(card, key.ref, ECDSA, a), signMessage(card, key.ref, ECDSA, b)]);
      t.true(verify('sha256', a, publicKey, sigA));
      t.true(verify('sha256', b, publicKey, sigB));
      await card.logout();
      let logout: Promise<void> | undefined;
      setTimeout(() => {
        logout = card.logout();
      }, 5);
      const signature = await card.exclusive(async () => {
        await verifyPin(card, { pin: PIN });
        await new Promise((r) => setTimeout(r, 50));
        return signMessage(card, key.ref, ECDSA, a);
      });
      t.true(verify('sha256', a, publicKey, signature));
      await logout;
      await t.throwsAsync(signMessage(card, key.ref, ECDSA, a), { instanceOf: SecurityStatusNotSatisfiedError });
    } finally {
      await card.close();
    }
  });
});
