// The library example of README, type-checked by `tsc --noEmit` (part of npm test) so it cannot rot.
import { openPcscTransport, SmartCardHsm, listKeys, verifyPin } from '../src/index.ts';
import { createSimulatorTransport } from '../src/sim/index.ts';

export async function readmeExample(): Promise<void> {
  const transport = process.env.CARD === 'sim' ? await createSimulatorTransport() : await openPcscTransport({ reader: '0' });
  const card = await SmartCardHsm.open(transport); // SELECT applet, version from tag 85
  console.log(await card.status()); // PINs, retries, DKEK shares and KCV, serial, keys
  await card.exclusive(async () => {
    await verifyPin(card, { pin: process.env.PIN ?? '' }); // refuses the last try unless { allowLastTry: true }
    for (const key of await listKeys(card)) console.log(key.ref, key.label, key.kind);
  });
  await card.close();
}
