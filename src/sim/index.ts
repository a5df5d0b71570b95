/**
 * `schsm/sim`: the SmartCard-HSM simulator: in-process transports, state files, a simulated reader with card removal and insertion, and the vpcd server that puts it behind pcscd.
 *
 * @module schsm/sim
 */
import type { DisposableTransport } from '../transport/transport.ts';
import { cardTransport } from './card-transport.ts';
import { openSimulatorState, persistentCard } from './persist.ts';
import { SmartCardHsmSimulator } from './sc-hsm.ts';

/**
 * The SmartCard-HSM simulator: an independent, in-process implementation of the card side of the
 * protocol (docs/protocol.md §12.2), usable in-process (`createSimulatorTransport`) or as a virtual
 * card behind pcscd (`serveVpcd`, `schsm sim`).
 */
export { SmartCardHsmSimulator, type SimulatorOptions } from './sc-hsm.ts';
export { createSimState, type NewCardOptions } from './state.ts';
export { SIM_PKI, simRootCertificate, simDicaCertificate, createDeviceIdentity, type DeviceIdentity } from './device-identity.ts';
export { SC_HSM_ATR, SC_HSM_AID, SIM_APPLET } from './constants.ts';
export { SimStateError } from './errors.ts';
export { loadSimulator, saveSimulator, openSimulatorState, persistentCard, leftoverNotice, type StateFileOptions } from './persist.ts';
export { STATE_FORMAT, STATE_VERSION, type SimStateJson } from './state-json.ts';
export { CardStatus } from './card-status.ts';
export type { VirtualCard } from './virtual-card.ts';
export { cardTransport } from './card-transport.ts';
export { SimulatedReader, type SimulatedReaderOptions } from './simulated-reader.ts';
export type { SimState, SimSession, KeyRecord, PinRecord, DkekState } from './types.ts';

export interface SimulatorTransportOptions {
  /** Keep the card in this file (created when missing, saved after every state change, mode 0600). */
  readonly stateFile?: string;
  /** Use this simulator instance (e.g. to inspect its state in a test). Ignored with `stateFile`. */
  readonly simulator?: SmartCardHsmSimulator;
  /** Told about leftovers of interrupted saves beside `stateFile`, removed at open (default: standard error). */
  readonly onNotice?: (message: string) => void;
}

/**
 * A Transport to a simulated SmartCard-HSM. Without options: a fresh, uninitialised card that lives
 * as long as the transport. With `stateFile`: the card stored there (a corrupted file is an error,
 * SimStateError, never overwritten).
 */
export async function createSimulatorTransport(options: SimulatorTransportOptions = {}): Promise<DisposableTransport> {
  if (options.stateFile !== undefined) {
    const sim = await openSimulatorState(options.stateFile, options.onNotice === undefined ? {} : { onNotice: options.onNotice });
    return cardTransport(persistentCard(sim, options.stateFile), `simulator:${options.stateFile}`);
  }
  return cardTransport(options.simulator ?? new SmartCardHsmSimulator(), 'simulator');
}
