/**
 * Is a pool of HSMs "keys consistent" (the WebADM guide's words: the same keys on every device)? Pure
 * comparison of device snapshots. Devices are consistent when every device has the same DKEK per key
 * domain (KCV) and the same key set: keys matched by PKCS#15 ID (else label, else reference; the
 * reference itself may differ), each with the same type, label, public-key fingerprint and, where the
 * card computed one on every device, AES check value. Firmware and PIN state are compared too, but
 * only reported: they do not make a pool inconsistent.
 */
import { CLI_LOGIN_HINT, type DeviceSnapshot, type DomainKcv, type FleetKey } from './snapshot.ts';

export type Aspect = 'dkek' | 'keys' | 'firmware' | 'user-pin';

export interface Difference {
  readonly aspect: Aspect;
  /** What differs: "DKEK (key domain 0)", `key ID 01 "signer"`, "firmware". */
  readonly what: string;
  /** Each device's value (index into the snapshots); undefined: unknown on that device. */
  readonly values: readonly (string | undefined)[];
  /** The devices that differ from the others (all that hold a value when no value has a majority). */
  readonly differing: readonly number[];
  /** Counts against consistency (DKEK and keys do). */
  readonly counts: boolean;
}

export interface FleetVerdict {
  readonly consistent: boolean;
  readonly differences: readonly Difference[];
  /** Devices named in a counting difference. */
  readonly differing: readonly number[];
  /** What could not be compared, one sentence each. */
  readonly notVerified: readonly string[];
}

/** The devices outside the strict-majority value; all devices holding a value when there is none. */
export function outliers(values: readonly (string | undefined)[]): number[] {
  const groups = new Map<string, number[]>();
  values.forEach((v, i) => {
    if (v !== undefined) groups.set(v, [...(groups.get(v) ?? []), i]);
  });
  if (groups.size <= 1) return [];
  const sizes = [...groups.values()].map((g) => g.length).sort((a, b) => b - a);
  const top = [...groups.values()].find((g) => g.length === sizes[0]);
  const all = [...groups.values()].flat().sort((a, b) => a - b);
  if (top === undefined || sizes[0] === sizes[1]) return all;
  return all.filter((i) => !top.includes(i));
}

function domainValue(d: DomainKcv | undefined): string | undefined {
  if (d === undefined) return 'none';
  if (d.outstanding > 0) return `incomplete (${d.outstanding} of ${d.total} share(s) missing)`;
  return d.kcv;
}

function keyValue(k: FleetKey | undefined, withAes: boolean): string {
  if (k === undefined) return 'missing';
  const parts = [k.type, k.label === undefined ? 'no label' : JSON.stringify(k.label)];
  if (k.fingerprint !== undefined) parts.push(`SHA-256 ${k.fingerprint}`);
  if (withAes && k.aes?.kind === 'value') parts.push(`check value ${k.aes.value} (${k.aes.method})`);
  return parts.join(', ');
}

function pinValue(s: DeviceSnapshot): string {
  const p = s.userPin;
  return p.state === 'not-verified' ? `${p.retriesLeft ?? '?'} tries left` : p.state;
}

function difference(aspect: Aspect, what: string, values: readonly (string | undefined)[], counts: boolean): Difference | undefined {
  const differing = outliers(values);
  return differing.length === 0 ? undefined : { aspect, what, values, differing, counts };
}

function keyName(match: string): string {
  const [kind, ...rest] = match.split(':');
  const value = rest.join(':');
  return kind === 'id' ? `key ID ${value}` : kind === 'label' ? `key "${value}" (no ID)` : `key ${value} (no ID, no label)`;
}

function dkekDifferences(devices: readonly DeviceSnapshot[], notVerified: string[], loginHint: string): Difference[] {
  const domains = [...new Set(devices.flatMap((d) => (d.domains ?? []).map((x) => x.domain)))].sort((a, b) => a - b);
  if (domains.length === 0) domains.push(0);
  const out: Difference[] = [];
  for (const domain of domains) {
    const values = devices.map((d) => (d.domains === undefined ? 'none' : domainValue(d.domains.find((x) => x.domain === domain))));
    values.forEach((v, i) => {
      if (v === undefined)
        notVerified.push(
          `DKEK KCV of key domain ${domain} on device ${i + 1}: the card hides it (with ${loginHint} it is read after login)`,
        );
    });
    const diff = difference('dkek', `DKEK (key domain ${domain})`, values, true);
    if (diff !== undefined) out.push(diff);
  }
  return out;
}

function keyDifferences(devices: readonly DeviceSnapshot[], notVerified: string[], loginHint: string): Difference[] {
  const matches = [...new Set(devices.flatMap((d) => d.keys.map((k) => k.match)))].sort();
  const out: Difference[] = [];
  for (const match of matches) {
    const keys = devices.map((d) => d.keys.find((k) => k.match === match));
    const aesKnown = keys.every((k) => k === undefined || k.aes === undefined || k.aes.kind === 'value');
    if (!aesKnown)
      notVerified.push(`${keyName(match)}: its AES check value is not known on every device (give the user PIN: ${loginHint})`);
    const label = keys.find((k) => k?.label !== undefined)?.label;
    const what = `${keyName(match)}${label === undefined || match.startsWith('label:') ? '' : ` "${label}"`}`;
    const diff = difference(
      'keys',
      what,
      keys.map((k) => keyValue(k, aesKnown)),
      true,
    );
    if (diff !== undefined) out.push(diff);
  }
  return out;
}

/** Compare the snapshots (at least one); `loginHint` says how a PIN would be given (in "not verified"). */
export function compareFleet(devices: readonly DeviceSnapshot[], loginHint = CLI_LOGIN_HINT): FleetVerdict {
  const notVerified: string[] = [];
  const differences = [
    ...dkekDifferences(devices, notVerified, loginHint),
    ...keyDifferences(devices, notVerified, loginHint),
    difference(
      'firmware',
      'firmware',
      devices.map((d) => d.firmware),
      false,
    ),
    difference('user-pin', 'user PIN', devices.map(pinValue), false),
  ].filter((d): d is Difference => d !== undefined);
  const differing = [...new Set(differences.filter((d) => d.counts).flatMap((d) => d.differing))].sort((a, b) => a - b);
  return { consistent: differing.length === 0, differences, differing, notVerified };
}
