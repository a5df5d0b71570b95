import test from 'ava';
import fc from 'fast-check';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { hex } from '../helpers/apdu.ts';
import { answer, INITIALIZE, PEER_SHARE, SELECT_APPLET, testCard, VERIFY_PIN } from './sim-card.ts';

// Thousands of random and mutated APDUs: the simulator always answers with a status word, never
// throws, never reports an internal error (6F00 = a handler crashed), and afterwards still answers
// a valid SELECT with the FCP. Its state stays serialisable.

const FCP_PREFIX = '6217820138840be82b0601040181c31f0201';

/** Valid commands of every instruction (from §11 and the peer traces) that mutations start from. */
const CORPUS = [
  SELECT_APPLET,
  '00A4040C0BE82B0601040181C31F0201',
  '00A40000022F0200',
  '00A40800045015494600',
  '00B10000045402000000',
  '00B12F02045402010000',
  '00B0001004',
  '00D7CF0108540200005302CAFE',
  `00D70000000106540200005381FF${'AB'.repeat(255)}`,
  '00E4020002CF01',
  '80580000000000',
  '8058000000',
  '0084000020',
  '00200081',
  '00200088',
  '0020008106363438323139',
  '00240081 0C 363438323139 363438323139',
  '002C0181 08 3537363231383830',
  '002C0081 0E 3537363231383830 363438323139',
  INITIALIZE,
  '8052000000',
  `8052000020${PEER_SHARE}00`,
  '00480AB2',
  '00460100003A5F29010042095554434130303030317F4915060A04007F000702020201028203010001020204005F201044454E4B303130353730323030303031 0000',
  '80680A18 10 000102030405060708090A0B0C0D0E0F 00',
  '8078 0A10 10 000102030405060708090A0B0C0D0E0F 00',
  '80720A92000000',
  '80740B93',
  '00C0000000',
  '10D7CF0204 54020000',
].map((c) => hex(c));

const STATUS_CLASSES = new Set([0x61, 0x62, 0x63, 0x65, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6d, 0x6e, 0x90]);

async function readyCard(): Promise<SmartCardHsmSimulator> {
  const card = testCard();
  for (const c of [SELECT_APPLET, INITIALIZE, `8052000020${PEER_SHARE}00`, VERIFY_PIN, '00480AB2']) await card.ok(c);
  return card.sim;
}

/** A corpus command with a few bytes changed, cut off, or extended. */
const mutated = fc
  .record({
    base: fc.constantFrom(...CORPUS),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
    tail: fc.uint8Array({ maxLength: 4 }),
  })
  .map(({ base, edits, cut, tail }) => {
    let b = Uint8Array.from(base);
    for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
    if (cut !== undefined) b = b.subarray(0, cut % (b.length + 1));
    const out = new Uint8Array(b.length + tail.length);
    out.set(b, 0);
    out.set(tail, b.length);
    return out;
  });

/** Random bytes with a plausible header (CLA 00/80/10/90, any INS) or entirely random. */
const random = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc
    .tuple(fc.constantFrom(0x00, 0x80, 0x10, 0x90, 0x0c), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 2, maxLength: 270 }))
    .map(([cla, ins, rest]) => Uint8Array.from([cla, ins, ...rest])),
);

let sent = 0;

async function checkAnswers(
  t: { true: (v: boolean, m?: string) => void; is: (a: unknown, b: unknown, m?: string) => void },
  sim: SmartCardHsmSimulator,
  commands: Uint8Array[],
): Promise<void> {
  sent += commands.length;
  for (const c of commands) {
    const r = await sim.process(c);
    const sw1 = r[r.length - 2] ?? -1;
    const sw = ((sw1 << 8) | (r[r.length - 1] ?? 0)).toString(16);
    if (!(r.length >= 2 && STATUS_CLASSES.has(sw1))) t.true(false, `${Buffer.from(c).toString('hex')} → ${Buffer.from(r).toString('hex')}`);
    if (sw === '6f00') t.true(false, `internal error (6F00) for ${Buffer.from(c).toString('hex')}`);
  }
  const select = answer(await sim.process(hex(SELECT_APPLET)));
  t.is(select.sw, '9000');
  t.true(select.data.startsWith(FCP_PREFIX), 'valid FCP after the run');
  SmartCardHsmSimulator.fromJSON(JSON.parse(JSON.stringify(sim.toJSON())));
}

test.serial('3000+ mutated valid APDUs: always a status word, no 6F00, SELECT works afterwards', async (t) => {
  const sim = await readyCard();
  sent = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(mutated, { minLength: 5, maxLength: 10 }), async (commands) => {
      await checkAnswers(t, sim, commands);
      await sim.process(hex(VERIFY_PIN)); // re-verify (SELECT logged out) so PIN-protected paths stay reachable
    }),
    { numRuns: 600 }, // 600 runs of 5..10 APDUs: at least 3000
  );
  t.true(sent >= 3000, `${sent} APDUs`);
});

test.serial('3000+ random APDUs against fresh and initialised cards: always a status word, no 6F00, SELECT works afterwards', async (t) => {
  const fresh = new SmartCardHsmSimulator();
  const ready = await readyCard();
  sent = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(random, { minLength: 5, maxLength: 10 }), fc.boolean(), async (commands, useFresh) => {
      await checkAnswers(t, useFresh ? fresh : ready, commands);
    }),
    { numRuns: 600 }, // 600 runs of 5..10 APDUs: at least 3000
  );
  t.true(sent >= 3000, `${sent} APDUs`);
});

test('the raw process() promise never rejects, even for empty input and 64 KiB garbage', async (t) => {
  const sim = new SmartCardHsmSimulator();
  for (const c of [new Uint8Array(0), new Uint8Array(65536 + 9).fill(0xff), Uint8Array.of(0x00, 0xa4, 0x04, 0x00, 0x00, 0xff, 0xff)]) {
    const r = await sim.process(c);
    t.true(r.length === 2, Buffer.from(r).toString('hex'));
  }
});
