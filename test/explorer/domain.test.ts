import test from 'ava';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { explore, hexes, PEER_SHARE, SO_PIN, USER_PIN } from './helpers.ts';

// The explorer's `domain` family and `dkek status|import --domain N` (§3.10) against the simulator;
// expected APDUs are literals (80 52 P1 P2, sc-hsm-embedded / pico-hsm), KCV 6C609824B9CA28EB is the peer share's.

async function domainsSim(): Promise<SmartCardHsmSimulator> {
  const sim = new SmartCardHsmSimulator();
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, keyDomains: 2 });
  await card.close();
  return sim;
}

test('explorer: domain create after verify, dkek import --domain 1, domain list, clear/delete need --yes', async (t) => {
  const sim = await domainsSim();
  const r = await explore(
    sim,
    [
      'domain list',
      'domain create 1 1',
      `verify user ${USER_PIN}`,
      'domain create 1 1',
      `dkek import ${PEER_SHARE.file} --password-env PW --domain 1`,
      'dkek status --domain 1',
      'domain list',
      'domain delete 1',
      'domain clear 1 --yes',
      'domain delete 1 --yes',
      'domain list',
    ],
    { env: { P: USER_PIN, PW: PEER_SHARE.password }, keepGoing: true },
  );
  t.regex(r.stdout, /^domain 0 {2}free\ndomain 1 {2}free\n/m);
  t.regex(r.stderr, /create key domain 1.*SW=6982/);
  t.regex(r.stdout, /key domain 1: 1 share\(s\)\nDKEK import pending: {2}1 share\(s\) still missing/);
  t.regex(r.stdout, new RegExp(`key domain 1: 1 share\\(s\\)\\nDKEK key check value: ${PEER_SHARE.kcv}`));
  t.regex(r.stdout, new RegExp(`domain 1  DKEK  1 share\\(s\\)  complete  KCV ${PEER_SHARE.kcv}`));
  t.regex(r.stderr, /deleting key domain 1 destroys the key domain's KEK/);
  t.regex(r.stdout, /deleted key domain 1 \(the slot is free\)\ndomain 0 {2}free\ndomain 1 {2}free/);
  const sent = hexes(r.apdus);
  t.true(sent.includes('80520101010100'), 'create: 80 52 01 01 01 01 00');
  t.true(sent.includes('8052040100'), 'clear: 80 52 04 01 00');
  t.true(sent.includes('80520301'), 'delete: 80 52 03 01');
  t.true(
    sent.some((h) => h.startsWith('8052000120')),
    'import into domain 1: 80 52 00 01 20 …',
  );
});
