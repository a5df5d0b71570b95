import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hex } from '../helpers/apdu.ts';
import { answer, testCard } from './sim-card.ts';

// Replay what OpenSC 0.23 really sent to an independent SmartCard-HSM implementation (pico-hsm,
// /work/shared/traces, copied to fixtures/peer-opensc) against the simulator, in order, on one card,
// and compare the status words. Where the peer is listed as deviating from a CardContact card
// (traces/README.md), the simulator's own answer is asserted instead. Objects that only pico has
// (EF.DIR 2F00, its TokenInfo 2F03, a PRKD and request for its device key C400/CE00, an automatic
// PRKD in C4xx after GAKP) are skipped together with the reads that follow their SELECT.

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'peer-opensc');

interface Exchange {
  readonly command: string;
  readonly response: string;
}

function load(name: string): Exchange[] {
  const lines = readFileSync(path.join(DIR, `${name}.trace`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('=>') || l.startsWith('<='));
  const out: Exchange[] = [];
  for (let i = 0; i < lines.length; i += 2) out.push({ command: lines[i]!.slice(3), response: lines[i + 1]!.slice(3) });
  return out;
}

const PICO_ONLY = /^00A4(0800022F00|00000?2(2F03|C400|CE00))/;
/** GAKP steps stop at the SELECT of C4xx: pico created a PRKD there, a real card does not. */
const STOP_AT = /^00A4000002C40[12]/;

/** Deviations of the peer listed in traces/README.md → what a CardContact card (and the simulator) answers. */
const DEVIATION: Record<string, { step: string; sw: string; data?: string }> = {
  '04:8052000000': { step: 'uninitialised DKEK query: peer 6B00', sw: '6D00' },
  '06:8052000000': { step: 'DKEK query without PIN: peer zeroes the KCV', sw: '9000', data: '010166687aadf862bd77' },
  '08:80520000202C985A6791C0FCD6A3357CDE8D56B46ED82B0DBF58FB87D1E7E5340EAC83BF3500': {
    step: 'import: peer zeroes the KCV',
    sw: '9000',
    data: '01006c609824b9ca28eb',
  },
  '09:8052000000': { step: 'DKEK query without PIN: peer zeroes the KCV', sw: '9000', data: '01006c609824b9ca28eb' },
};

const STEPS = [
  '03-card-name',
  '04-status-uninitialized',
  '05-initialize',
  '06-status-after-init',
  '08-import-dkek-share',
  '09-status-after-dkek-import',
  '10-pkcs11-list-slots',
  '11-login-commits-dkek',
  '13-kcv-with-pin-raw',
  '14-keygen-rsa2048',
  '15-keygen-ec-p256',
];

test('OpenSC traffic of steps 03–15 gets the status words the peer gave, except its listed deviations', async (t) => {
  const card = testCard();
  let compared = 0;
  for (const step of STEPS) {
    card.sim.reset(); // each tool connects anew
    let skipReads = false;
    for (const { command, response } of load(step)) {
      if (STOP_AT.test(command)) break;
      if (command.startsWith('00A4')) skipReads = PICO_ONLY.test(command);
      if (PICO_ONLY.test(command) || (skipReads && command.startsWith('00B1'))) continue;
      const got = answer(await card.sim.process(hex(command)));
      const dev = DEVIATION[`${step.slice(0, 2)}:${command}`];
      const where = `${step}: ${command.slice(0, 40)}`;
      if (dev !== undefined) {
        t.is(got.sw, dev.sw, `${where} (${dev.step})`);
        if (dev.data !== undefined) t.is(got.data, dev.data, where);
      } else {
        t.is(got.sw, response.slice(-4), where);
      }
      compared++;
    }
  }
  t.true(compared >= 80, `${compared} exchanges compared`);
});

test('data that must agree with the peer byte for byte: VERIFY status words, DKEK counts, KCV after VERIFY (step 13)', async (t) => {
  const card = testCard();
  for (const step of ['05-initialize', '08-import-dkek-share']) for (const { command } of load(step)) await card.sim.process(hex(command));
  const step13 = load('13-kcv-with-pin-raw');
  const last = step13[step13.length - 1]!;
  t.is(last.command, '8052000000');
  for (const { command } of step13.slice(0, -1)) await card.sim.process(hex(command));
  const got = answer(await card.sim.process(hex(last.command)));
  t.is(`${got.data}${got.sw}`.toUpperCase(), last.response, 'peer after VERIFY: 01 00 6C609824B9CA28EB 9000');
});
