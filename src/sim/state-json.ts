import { fromHex, toHex } from '../apdu/hex.ts';
import { SimStateError } from './errors.ts';
import type { DkekState, KeyRecord, PinRecord, PkaState, SimState } from './types.ts';

/**
 * `SimState` ⇄ plain JSON (what `--state FILE` holds). Binary values are hex strings; maps become
 * objects keyed by hex id. The reader validates every field and throws SimStateError naming the first
 * bad one: a corrupted file is reported, never silently replaced by a fresh card.
 */
export const STATE_FORMAT = 'schsm-sim-state' as const;
export const STATE_VERSION = 1 as const;

export interface KeyJson {
  kind: 'rsa' | 'ec' | 'aes';
  material: string;
  bits: number;
  curve?: string;
  algorithms?: string;
  useCounter?: number;
  domain?: number;
}

export interface SimStateJson {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  serial: string;
  deviceKey: KeyJson;
  options: number;
  initialized: boolean;
  transportPin: boolean;
  userPin: { value: string; retries: number; max: number } | null;
  soPin: { value: string; retries: number; max: number } | null;
  dkek: { total: number; outstanding: number; value: string } | null;
  /** Key reference (decimal) → key. */
  keys: Record<string, KeyJson>;
  /** FID (4 hex digits) → content (hex). */
  files: Record<string, string>;
  /** Number of key domain slots, INITIALIZE tag 97 (absent = 1: domain 0 only). */
  keyDomains?: number;
  /** DKEKs of key domains 1..keyDomains-1 in use, by domain number (decimal). Domain 0 is `dkek`. */
  domains?: Record<string, { total: number; outstanding: number; value: string }>;
  /** Public key authentication (absent in states written before it existed, and when not configured). */
  pka?: { total: number; required: number; keys: string[] };
}

function keyToJson(k: KeyRecord): KeyJson {
  const out: KeyJson = { kind: k.kind, material: toHex(k.material), bits: k.bits };
  if (k.curve !== undefined) out.curve = k.curve;
  if (k.algorithms !== undefined) out.algorithms = toHex(k.algorithms);
  if (k.useCounter !== undefined) out.useCounter = k.useCounter;
  if (k.domain !== undefined) out.domain = k.domain;
  return out;
}

const dkekToJson = (d: DkekState): { total: number; outstanding: number; value: string } => ({
  total: d.total,
  outstanding: d.outstanding,
  value: toHex(d.value),
});

const pinToJson = (p: PinRecord | undefined): SimStateJson['userPin'] =>
  p === undefined ? null : { value: toHex(p.value), retries: p.retries, max: p.max };

export function stateToJson(s: SimState): SimStateJson {
  const keys: Record<string, KeyJson> = {};
  for (const [id, k] of [...s.keys].sort((a, b) => a[0] - b[0])) keys[String(id)] = keyToJson(k);
  const files: Record<string, string> = {};
  for (const [fid, data] of [...s.files].sort((a, b) => a[0] - b[0])) files[fid.toString(16).padStart(4, '0').toUpperCase()] = toHex(data);
  const out: SimStateJson = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    serial: s.serial,
    deviceKey: keyToJson(s.deviceKey),
    options: s.options,
    initialized: s.initialized,
    transportPin: s.transportPin === true,
    userPin: pinToJson(s.userPin),
    soPin: pinToJson(s.soPin),
    dkek: s.dkek === undefined ? null : dkekToJson(s.dkek),
    keys,
    files,
  };
  if (s.keyDomains !== undefined) out.keyDomains = s.keyDomains;
  if (s.domains !== undefined && s.domains.size > 0) {
    const domains: Record<string, { total: number; outstanding: number; value: string }> = {};
    for (const [n, kek] of [...s.domains].sort((a, b) => a[0] - b[0])) domains[String(n)] = dkekToJson(kek);
    out.domains = domains;
  }
  if (s.pka !== undefined) out.pka = { total: s.pka.total, required: s.pka.required, keys: s.pka.keys.map((k) => toHex(k)) };
  return out;
}

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new SimStateError(`${path} ${what}`);
}
function obj(v: unknown, path: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
  return v as Obj;
}
function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `must be an integer ${min}..${max}`);
  return v;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'must be true or false');
  return v;
}
function bytes(v: unknown, path: string, lengths?: readonly number[]): Uint8Array {
  if (typeof v !== 'string' || !/^([0-9A-Fa-f]{2})*$/.test(v)) fail(path, 'must be a hex string');
  const b = fromHex(v);
  if (lengths !== undefined && !lengths.includes(b.length)) fail(path, `must be ${lengths.join(' or ')} bytes`);
  return b;
}

function keyFromJson(v: unknown, path: string): KeyRecord {
  const o = obj(v, path);
  if (o.kind !== 'rsa' && o.kind !== 'ec' && o.kind !== 'aes') fail(`${path}.kind`, 'must be "rsa", "ec" or "aes"');
  const k: { -readonly [P in keyof KeyRecord]: KeyRecord[P] } = {
    kind: o.kind,
    material: bytes(o.material, `${path}.material`),
    bits: int(o.bits, `${path}.bits`, 1, 16384),
  };
  if (o.curve !== undefined) {
    if (typeof o.curve !== 'string' || !/^[A-Za-z0-9-]{1,40}$/.test(o.curve)) fail(`${path}.curve`, 'must be a curve name');
    k.curve = o.curve;
  }
  if (o.algorithms !== undefined) k.algorithms = bytes(o.algorithms, `${path}.algorithms`);
  if (o.useCounter !== undefined) k.useCounter = int(o.useCounter, `${path}.useCounter`, 0, 0xffffffff);
  if (o.domain !== undefined) k.domain = int(o.domain, `${path}.domain`, 0, 0xff);
  return k;
}

function pinFromJson(v: unknown, path: string): PinRecord | undefined {
  if (v === null) return undefined;
  const o = obj(v, path);
  const max = int(o.max, `${path}.max`, 1, 255);
  return { value: bytes(o.value, `${path}.value`), retries: int(o.retries, `${path}.retries`, 0, max), max };
}

function dkekFromJson(v: unknown, path = 'dkek'): DkekState | undefined {
  if (v === null) return undefined;
  const o = obj(v, path);
  const total = int(o.total, `${path}.total`, 0, 255);
  return { total, outstanding: int(o.outstanding, `${path}.outstanding`, 0, total), value: bytes(o.value, `${path}.value`, [32]) };
}

function domainsFromJson(v: unknown, count: number | undefined): Map<number, DkekState> | undefined {
  if (v === undefined) return undefined;
  const out = new Map<number, DkekState>();
  for (const [i, [n, d]] of Object.entries(obj(v, 'domains')).entries()) {
    if (!/^[1-9][0-9]{0,2}$/.test(n) || Number(n) >= (count ?? 1))
      fail(`domains (entry ${i + 1})`, 'has a name that is not a key domain 1..keyDomains-1');
    const kek = dkekFromJson(obj(d, `domains.${n}`), `domains.${n}`);
    if (kek !== undefined) out.set(Number(n), kek);
  }
  return out;
}

function keysFromJson(v: unknown): Map<number, KeyRecord> {
  const out = new Map<number, KeyRecord>();
  for (const [i, [id, k]] of Object.entries(obj(v, 'keys')).entries()) {
    // A bad name is not repeated: messages never quote a state file's content.
    if (!/^[1-9][0-9]{0,2}$/.test(id) || Number(id) > 255) fail(`keys (entry ${i + 1})`, 'has a name that is not a key reference 1..255');
    out.set(Number(id), keyFromJson(k, `keys.${id}`));
  }
  return out;
}

function filesFromJson(v: unknown): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  for (const [i, [fid, data]] of Object.entries(obj(v, 'files')).entries()) {
    if (!/^[0-9A-Fa-f]{4}$/.test(fid)) fail(`files (entry ${i + 1})`, 'has a name that is not a 4-hex-digit file identifier');
    out.set(parseInt(fid, 16), bytes(data, `files.${fid}`));
  }
  return out;
}

function pkaFromJson(v: unknown): PkaState | undefined {
  if (v === undefined) return undefined;
  const o = obj(v, 'pka');
  const total = int(o.total, 'pka.total', 1, 90);
  const required = int(o.required, 'pka.required', 1, total);
  if (!Array.isArray(o.keys) || o.keys.length > total) fail('pka.keys', `must be a list of at most ${total} keys`);
  return { total, required, keys: o.keys.map((k, i) => bytes(k, `pka.keys.${i}`)) };
}

/** Validate and convert; throws SimStateError (without a file name — the caller adds it). */
export function stateFromJson(json: unknown): SimState {
  const o = obj(json, 'state');
  if (o.format !== STATE_FORMAT) fail('format', `must be "${STATE_FORMAT}" (this is not a schsm simulator state)`);
  if (o.version !== STATE_VERSION)
    fail(
      'version',
      `${Number.isSafeInteger(o.version) ? String(o.version) : '(not a number)'} is not supported (this schsm reads version ${STATE_VERSION})`,
    );
  if (typeof o.serial !== 'string' || !/^[A-Z]{2}[A-Z0-9]{1,9}$/.test(o.serial))
    fail('serial', 'must be a device serial such as "UTSM0123456"');
  const pka = pkaFromJson(o.pka);
  const keyDomains = o.keyDomains === undefined ? undefined : int(o.keyDomains, 'keyDomains', 1, 255);
  const domains = domainsFromJson(o.domains, keyDomains);
  return {
    serial: o.serial,
    deviceKey: keyFromJson(o.deviceKey, 'deviceKey'),
    options: int(o.options, 'options', 0, 0xffff),
    initialized: bool(o.initialized, 'initialized'),
    transportPin: bool(o.transportPin, 'transportPin'),
    userPin: pinFromJson(o.userPin, 'userPin'),
    soPin: pinFromJson(o.soPin, 'soPin'),
    dkek: dkekFromJson(o.dkek),
    keys: keysFromJson(o.keys),
    files: filesFromJson(o.files),
    ...(pka === undefined ? {} : { pka }),
    ...(keyDomains === undefined ? {} : { keyDomains }),
    ...(domains === undefined ? {} : { domains }),
  };
}
