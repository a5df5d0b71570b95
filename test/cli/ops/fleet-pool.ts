/**
 * A pool of simulated SmartCard-HSMs for the fleet tests: three devices with the peer DKEK (KCV from
 * sc-hsm-tool's share file), an EC and an AES key generated on A and cloned onto B and C with schsm's
 * clone (proven by signatures there), and the independent values the tests compare against.
 */
import { createCipheriv, createHash, createPublicKey } from 'node:crypto';
import { EXIT } from '../../../src/cli/exit-codes.ts';
import { TransportError } from '../../../src/transport/errors.ts';
import { createSimulatorTransport, type SmartCardHsmSimulator } from '../../../src/sim/index.ts';
import { newSim, runOn, runWith, setupCard, SO_PIN, USER_PIN } from './helpers.ts';

export const env = { P: USER_PIN, SO: SO_PIN };

/** Devices behind readers "A", "B", "C". */
export function pool(sims: Readonly<Record<string, SmartCardHsmSimulator>>) {
  return (argv: string[]) =>
    runWith(argv, {
      env,
      open: async (src) => {
        const sim = sims[src.reader ?? ''];
        if (sim === undefined) throw new TransportError(`no card in reader ${String(src.reader)}`, 'ERR_SCHSM_NO_CARD');
        return createSimulatorTransport({ simulator: sim });
      },
    });
}

export async function fingerprintOf(sim: SmartCardHsmSimulator, ref: number): Promise<string> {
  const pem = (await runOn(sim, ['keys', 'export-pub', '--ref', String(ref)])).stdout;
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex');
}

/** E_K(0^128), first 3 bytes: the customary AES key check value. */
export function aesKcv(key: Uint8Array): string {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  return Buffer.concat([c.update(Buffer.alloc(16)), c.final()])
    .subarray(0, 3)
    .toString('hex')
    .toUpperCase();
}

/** Three devices with the peer DKEK; A holds an EC and an AES key, cloned onto B and C. */
export type Pool = Record<'A' | 'B' | 'C', SmartCardHsmSimulator>;

export async function consistentPool(): Promise<Pool> {
  const sims = { A: newSim(), B: newSim(), C: newSim() };
  for (const s of Object.values(sims)) await setupCard(s, { dkek: true });
  for (const type of ['ec:prime256v1', 'aes:128'])
    if ((await runOn(sims.A, ['keys', 'generate', '--type', type, '--label', type, '--pin-env', 'P'], { env })).code !== EXIT.OK)
      throw new Error(`keys generate ${type} failed`);
  const run = pool(sims);
  for (const to of ['B', 'C'])
    if ((await run(['clone', '--from', 'A', '--to', to, '--pin-env', 'P', '--to-pin-env', 'P'])).code !== EXIT.OK)
      throw new Error(`clone to ${to} failed`);
  return sims;
}
