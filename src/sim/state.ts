import { FID } from './constants.ts';
import { createDeviceIdentity } from './device-identity.ts';
import type { SimState } from './types.ts';

export interface NewCardOptions {
  /** Device serial, "UTSM" + 7 random digits by default. */
  readonly serial?: string;
  /** Creation time written into the device certificate (default: now). */
  readonly now?: Date;
}

/**
 * The persistent state of a card fresh from the factory: device identity (key 0 + EF 2F02) and
 * nothing else; not initialized (VERIFY 81/88 → 6A88, §7).
 */
export function createSimState(options: NewCardOptions = {}): SimState {
  const id = createDeviceIdentity(options);
  return {
    serial: id.serial,
    deviceKey: id.deviceKey,
    options: 0,
    initialized: false,
    transportPin: false,
    userPin: undefined,
    soPin: undefined,
    dkek: undefined,
    keys: new Map(),
    files: new Map([[FID.C_DEVAUT, id.cDevAut]]),
  };
}

/** Remove every key and file except the device identity (INITIALIZE DEVICE, §3.9). */
export function wipeUserObjects(state: SimState): void {
  state.keys.clear();
  for (const fid of [...state.files.keys()]) if (fid !== FID.C_DEVAUT) state.files.delete(fid);
}
