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
 *
 * The identity (a fresh brainpoolP256r1 key and its certificate, and the random serial) is made when
 * first read: the serial, the device key or any file. WHY: making it, with the first use of OpenSSL in
 * the process, was about a sixth of `schsm apdu --sim`'s start (issue 11 item 3), and a SELECT or a
 * GET CHALLENGE never needs it. Everything reads the same identity once it exists.
 */
export function createSimState(options: NewCardOptions = {}): SimState {
  let id: ReturnType<typeof createDeviceIdentity> | undefined;
  const identity = (): ReturnType<typeof createDeviceIdentity> => (id ??= createDeviceIdentity(options));
  const state = {
    options: 0,
    initialized: false,
    transportPin: false,
    userPin: undefined,
    soPin: undefined,
    dkek: undefined,
    keys: new Map(),
    files: new FilesWithDeviceCertificate(() => identity().cDevAut),
  };
  Object.defineProperties(state, {
    serial: { get: () => options.serial ?? identity().serial, enumerable: true },
    deviceKey: { get: () => identity().deviceKey, enumerable: true },
  });
  return state as typeof state & Pick<SimState, 'serial' | 'deviceKey'>;
}

/**
 * The file map of a new card: EF 2F02 (C_DEVAUT) is put first, from `make`, before anything reads or
 * changes the map, so its content and its place in the order are those of a map filled at once.
 */
class FilesWithDeviceCertificate extends Map<number, Uint8Array> {
  #make: (() => Uint8Array) | undefined;
  constructor(make: () => Uint8Array) {
    super();
    this.#make = make;
  }
  #fill(): void {
    const make = this.#make;
    if (make === undefined) return;
    this.#make = undefined;
    super.set(FID.C_DEVAUT, make());
  }
  override get(k: number): Uint8Array | undefined {
    this.#fill();
    return super.get(k);
  }
  override has(k: number): boolean {
    this.#fill();
    return super.has(k);
  }
  override set(k: number, v: Uint8Array): this {
    this.#fill();
    return super.set(k, v);
  }
  override delete(k: number): boolean {
    this.#fill();
    return super.delete(k);
  }
  override clear(): void {
    this.#make = undefined;
    super.clear();
  }
  override get size(): number {
    this.#fill();
    return super.size;
  }
  override forEach(fn: (v: Uint8Array, k: number, m: Map<number, Uint8Array>) => void, thisArg?: unknown): void {
    this.#fill();
    super.forEach(fn, thisArg);
  }
  override entries(): MapIterator<[number, Uint8Array]> {
    this.#fill();
    return super.entries();
  }
  override keys(): MapIterator<number> {
    this.#fill();
    return super.keys();
  }
  override values(): MapIterator<Uint8Array> {
    this.#fill();
    return super.values();
  }
  override [Symbol.iterator](): MapIterator<[number, Uint8Array]> {
    this.#fill();
    return super[Symbol.iterator]();
  }
}

/** Remove every key and file except the device identity (INITIALIZE DEVICE, §3.9). */
export function wipeUserObjects(state: SimState): void {
  state.keys.clear();
  for (const fid of [...state.files.keys()]) if (fid !== FID.C_DEVAUT) state.files.delete(fid);
}
