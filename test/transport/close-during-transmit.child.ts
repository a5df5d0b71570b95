// Child process of pcsc-close.test.ts (run: node --import tsx <this file> <vpcd port>). One process
// that both serves a card through vpcd AND is its PC/SC client, closing the transport while one of
// its own APDUs is still being answered. It must print its timings and exit by itself: if close()
// blocked the main thread, the card (served from this thread) could never answer, and the parent
// kills it after its timeout.
import { serveVpcd } from '../../src/sim/vpcd.ts';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import type { VirtualCard } from '../../src/sim/virtual-card.ts';
import { openPcscTransport } from '../../src/transport/pcsc.ts';
import { waitForReader } from '../helpers/vpcd.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const port = Number(process.argv[2]);
const echo = createEchoCard();
/** ECHO 80 EE 00 00 | 01 | 5A | 01: the card takes 4 s over this one. */
const SLOW = Uint8Array.from([0x80, 0xee, 0x00, 0x00, 0x01, 0x5a, 0x01]);
const card: VirtualCard = {
  atr: echo.atr,
  reset: () => echo.reset(),
  process: async (c) => {
    if (c.length === SLOW.length && c.every((b, i) => b === SLOW[i])) await sleep(4000);
    return echo.process(c);
  },
};

const vpcd = serveVpcd(card, { port });
await waitForReader(vpcd.readerName, (r) => r.cardPresent && r.atr.length === card.atr.length, 20_000, 'the card');
// SCardDisconnect cannot run while the transmit holds the reader: let it time out quickly.
const tr = await openPcscTransport({ reader: vpcd.readerName, connectTimeoutMs: 200 });
const t0 = Date.now();
const pending = tr.transmit(SLOW);
await sleep(100);
await tr.close();
const closedMs = Date.now() - t0;
const response = Buffer.from(await pending).toString('hex');
const answeredMs = Date.now() - t0;
await vpcd.close();
console.log(JSON.stringify({ closedMs, answeredMs, response }));
// No process.exit: the event loop must drain by itself, so the PC/SC context was released too.
