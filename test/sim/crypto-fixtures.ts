import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { encodeCommand, parseCommand } from '../../src/apdu/command.ts';
import { CardStatus } from '../../src/sim/card-status.ts';
import type { InsHandler, KeyRecord, SimContext, SimState } from '../../src/sim/types.ts';

/**
 * Test scaffolding for the crypto handlers: a SimContext built by hand (no simulator class needed),
 * keys made by node:crypto, and a `call` that runs one handler on an encoded APDU the way the
 * dispatcher does (CardStatus → status word).
 */

export interface ContextOptions {
  readonly userAuthenticated?: boolean;
  /** Final DKEK value; undefined = card without DKEK. */
  readonly dkek?: Uint8Array | undefined;
  readonly outstanding?: number;
  /** Deterministic card RNG (default: node's). */
  readonly random?: (n: number) => Uint8Array;
}

export function makeContext(options: ContextOptions = {}): SimContext {
  const dkek = 'dkek' in options ? options.dkek : new Uint8Array(32);
  const state: SimState = {
    serial: 'UTTEST00001',
    deviceKey: { kind: 'aes', material: new Uint8Array(16), bits: 128 },
    options: 1,
    initialized: true,
    userPin: { value: new TextEncoder().encode('648219'), retries: 3, max: 3 },
    soPin: { value: new Uint8Array(8), retries: 15, max: 15 },
    dkek: dkek === undefined ? undefined : { total: 1, outstanding: options.outstanding ?? 0, value: dkek },
    keys: new Map(),
    files: new Map(),
  };
  return {
    state,
    session: {
      appletSelected: true,
      userAuthenticated: options.userAuthenticated ?? true,
      soAuthenticated: false,
      currentEf: undefined,
      pendingResponse: undefined,
      chain: undefined,
    },
    random: options.random ?? ((n) => new Uint8Array(randomBytes(n))),
  };
}

export interface Reply {
  readonly data: Uint8Array;
  readonly sw: number;
}

/** Run `handler` on `cla ins p1 p2 data` (extended Le 0000 like OpenSC) and return data + SW. */
export async function call(
  handler: InsHandler,
  ctx: SimContext,
  header: readonly [number, number, number, number],
  data: Uint8Array = new Uint8Array(0),
): Promise<Reply> {
  const [cla, ins, p1, p2] = header;
  const cmd = parseCommand(encodeCommand({ cla, ins, p1, p2, data, ne: 65536, form: 'extended' }));
  try {
    const r = await handler(cmd, ctx);
    return { data: r.data ?? new Uint8Array(0), sw: r.sw };
  } catch (e) {
    if (e instanceof CardStatus) return { data: new Uint8Array(0), sw: e.sw };
    throw e;
  }
}

export interface TestKey {
  readonly record: KeyRecord;
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

export function rsaKey(bits = 2048, extra: Partial<KeyRecord> = {}): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const material = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  return { record: { kind: 'rsa', material, bits, ...extra }, publicKey, privateKey };
}

export function ecKey(curve: string, bits: number, extra: Partial<KeyRecord> = {}): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  const material = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  return { record: { kind: 'ec', material, bits, curve, ...extra }, publicKey, privateKey };
}

export function aesKey(bytes: number, extra: Partial<KeyRecord> = {}): KeyRecord {
  return { kind: 'aes', material: new Uint8Array(randomBytes(bytes)), bits: bytes * 8, ...extra };
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
