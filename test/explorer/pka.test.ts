import test from 'ava';
import { initializeDevice } from '../../src/card/commands/initialize-device.ts';
import { verifyPin } from '../../src/card/commands/verify-pin.ts';
import { generateKey } from '../../src/card/generate-key.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { explore, initialisedSim, SO_PIN, USER_PIN } from './helpers.ts';

// The explorer's `pka` family (§3.20): the session's own card is the device to protect; `pka auth
// --with READER` opens the key holder's device beside it. After the quorum the SAME session signs —
// what PKA is for, and what separate CLI processes cannot show (pcscd powers the card off between them).

async function custodianWithKey(): Promise<SmartCardHsmSimulator> {
  const sim = await initialisedSim();
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await verifyPin(card, { pin: USER_PIN });
  await generateKey(card, { type: 'ec:prime256v1', label: 'auth' });
  await card.close();
  return sim;
}

async function pkaHsm(): Promise<SmartCardHsmSimulator> {
  const sim = new SmartCardHsmSimulator();
  const card = await SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
  await initializeDevice(card, { confirm: true, soPin: SO_PIN, userPin: USER_PIN, publicKeyAuth: { total: 1, required: 1 } });
  await verifyPin(card, { pin: USER_PIN });
  await generateKey(card, { type: 'ec:prime256v1', label: 'ca' });
  await card.close();
  return sim;
}

test('explorer: pka export on the custodian, register + auth --with on the HSM, then keys sign works in that session', async (t) => {
  const alice = await custodianWithKey();
  const hsm = await pkaHsm();
  const exported = await explore(alice, ['pka export 1 alice.pka']);
  t.is(exported.code, 0, exported.stderr);
  t.regex(exported.stdout, /key UTSM\d{7}00001 of device UTSM\d{7}00000 written to alice\.pka \(old layout, \d+ bytes\)/);
  const others = new Map([['alice', alice]]);
  const r = await explore(
    hsm,
    [
      'pka status',
      'keys sign 1 ECDSA-SHA256 --text hello',
      'pka register alice.pka',
      'pka auth --with alice --pin-env A',
      'pka status',
      'keys sign 1 ECDSA-SHA256 --text hello',
    ],
    {
      cwd: exported.cwd,
      env: { A: USER_PIN },
      keepGoing: true,
      openOther: async (reader) => {
        const sim = others.get(reader);
        if (sim === undefined) throw new Error(`no card in ${reader}`);
        return createSimulatorTransport({ simulator: sim });
      },
    },
  );
  t.regex(r.stdout, /^1 public key\(s\) \(1 still to register\), 1 must authenticate, 0 authenticated$/m);
  t.regex(
    r.stderr,
    /<stdin>:2: SIGN with key 1 .*security status not satisfied \(SW=6982\)/,
    'the first sign is refused: nobody authenticated',
  );
  t.notRegex(r.stderr, /<stdin>:6/, 'the last sign is not refused');
  t.regex(r.stdout, /registered key UTSM\d{7}00001 of device UTSM\d{7}00000: 1 public key\(s\) \(all registered\)/);
  t.regex(r.stdout, /key UTSM\d{7}00001 \(key 1 on alice\) authenticated: .*1 authenticated/);
  t.regex(r.stdout, /this session is logged in/);
  t.regex(r.stdout, /^1 public key\(s\) \(all registered\), 1 must authenticate, 1 authenticated$/m);
  t.false(r.stdout.includes(USER_PIN) || r.stderr.includes(USER_PIN));
  t.regex(r.stdout, /ECDSA-SHA256 signature by key 1 \(\d+ bytes\), verified with the key's public key:\n30[0-9A-F]+\n$/);
  t.is(r.code, 1, 'the script had one failing line (the first sign)');
});
