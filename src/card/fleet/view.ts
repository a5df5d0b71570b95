/** How `schsm fleet status` shows the fleet: a block per device, the differences, the verdict; and --json. */
import type { PinStatus } from '../commands/verify-pin.ts';
import type { FleetVerdict } from './compare.ts';
import type { DeviceSnapshot, FleetKey } from './snapshot.ts';

/** A device that could not be read (lost card, refused connection, no SmartCard-HSM applet). */
export interface Unreadable {
  readonly host: string;
  readonly reader: string;
  readonly error: string;
  readonly code: string | undefined;
}

export interface FleetReport {
  readonly devices: readonly DeviceSnapshot[];
  readonly unreadable: readonly Unreadable[];
  /** Readers with a card that is no SmartCard-HSM: left out. */
  readonly skipped: readonly Unreadable[];
  readonly verdict: FleetVerdict;
}

/** `DECC0100001 (Virtual PCD 00 00)`, `DECC0100002 (rack-b: Virtual PCD 00 00)`. */
export function deviceName(d: Pick<DeviceSnapshot, 'host' | 'reader' | 'serial'>): string {
  const where = d.host === 'local' ? d.reader : `${d.host}: ${d.reader}`;
  return `${d.serial ?? '(no serial)'} (${where})`;
}

function pinText(p: PinStatus): string {
  if (p.state === 'not-verified') return `${p.retriesLeft ?? '?'} tries left`;
  return p.state === 'blocked' ? 'BLOCKED' : p.state;
}

function dkekText(d: DeviceSnapshot): string {
  if (d.domains === undefined) return 'none';
  return d.domains
    .map((x) => {
      const v =
        x.outstanding > 0 ? `incomplete, ${x.outstanding} of ${x.total} share(s) missing` : (x.kcv ?? 'hidden by the card until login');
      return d.domains?.length === 1 && x.domain === 0 ? v : `domain ${x.domain}: ${v}`;
    })
    .join('; ');
}

function keyText(k: FleetKey): string {
  const parts = [`ref ${k.ref}`, k.type];
  if (k.label !== undefined) parts.push(JSON.stringify(k.label));
  if (k.id !== undefined) parts.push(`ID ${k.id}`);
  if (k.fingerprint !== undefined) parts.push(`SHA-256 ${k.fingerprint}`);
  if (k.aes !== undefined)
    parts.push(k.aes.kind === 'value' ? `check value ${k.aes.value} (${k.aes.method})` : `check value ${k.aes.reason}`);
  return parts.join('  ');
}

function deviceLines(d: DeviceSnapshot, i: number, differs: boolean): string[] {
  return [
    `Device ${i + 1}: ${deviceName(d)}${d.label === undefined ? '' : ` ${JSON.stringify(d.label)}`}${differs ? '  <- differs' : ''}`,
    `  firmware ${d.firmware}, user PIN ${pinText(d.userPin)}, SO-PIN ${pinText(d.soPin)}${d.initialized ? '' : ', NOT INITIALISED'}`,
    `  DKEK KCV ${dkekText(d)}`,
    ...(d.keys.length === 0 ? ['  no keys'] : d.keys.map((k) => `  key ${keyText(k)}`)),
  ];
}

/** The human-readable report. */
export function fleetLines(r: FleetReport): string[] {
  const out: string[] = [];
  r.devices.forEach((d, i) => {
    out.push(...deviceLines(d, i, r.verdict.differing.includes(i)), '');
  });
  for (const u of [...r.unreadable, ...r.skipped]) out.push(`${u.host === 'local' ? u.reader : `${u.host}: ${u.reader}`}: ${u.error}`);
  for (const diff of r.verdict.differences) {
    out.push(`${diff.counts ? 'Differs' : 'Note'}: ${diff.what}`);
    diff.values.forEach((v, i) => {
      const d = r.devices[i];
      if (d !== undefined) out.push(`  ${diff.differing.includes(i) ? '*' : ' '} device ${i + 1} ${deviceName(d)}: ${v ?? 'unknown'}`);
    });
  }
  for (const n of r.verdict.notVerified) out.push(`Not verified: ${n}`);
  out.push(verdictLine(r));
  return out;
}

export function verdictLine(r: FleetReport): string {
  const n = r.devices.length;
  const lost = r.unreadable.length;
  if (n === 0) return 'NOT consistent: no SmartCard-HSM could be read';
  const unread = lost === 0 ? '' : `; ${lost} device(s) could not be read`;
  if (!r.verdict.consistent) {
    const who = r.verdict.differing.map((i) => `device ${i + 1}`).join(', ');
    return `NOT consistent: ${who} differ${r.verdict.differing.length === 1 ? 's' : ''} from the others${unread}`;
  }
  const keys = r.devices[0]?.keys.length ?? 0;
  if (lost > 0) return `NOT consistent: ${lost} device(s) could not be read (the ${n} read agree: same DKEK, same ${keys} key(s))`;
  return `Consistent: ${n} device(s), same DKEK and the same ${keys} key(s) on each`;
}

function keyJson(k: FleetKey): unknown {
  return {
    ref: k.ref,
    match: k.match,
    type: k.type,
    label: k.label ?? null,
    id: k.id ?? null,
    publicKeyFingerprint: k.fingerprint ?? null,
    aesCheckValue:
      k.aes === undefined
        ? null
        : k.aes.kind === 'value'
          ? { value: k.aes.value, method: k.aes.method }
          : { value: null, reason: k.aes.reason },
  };
}

function deviceJson(d: DeviceSnapshot, i: number, r: FleetReport): unknown {
  return {
    index: i + 1,
    host: d.host,
    reader: d.reader,
    serial: d.serial ?? null,
    label: d.label ?? null,
    firmware: d.firmware,
    initialized: d.initialized,
    userPin: { state: d.userPin.state, retriesLeft: d.userPin.retriesLeft ?? null },
    soPin: { state: d.soPin.state, retriesLeft: d.soPin.retriesLeft ?? null },
    dkek: d.domains?.map((x) => ({ ...x, kcv: x.kcv ?? null })) ?? null,
    keys: d.keys.map(keyJson),
    differs: r.verdict.differing.includes(i),
  };
}

/** The --json document. */
export function fleetJson(r: FleetReport): unknown {
  return {
    consistent: r.verdict.consistent && r.unreadable.length === 0,
    devices: r.devices.map((d, i) => deviceJson(d, i, r)),
    unreadable: r.unreadable.map((u) => ({ ...u, code: u.code ?? null })),
    skipped: r.skipped.map((u) => ({ ...u, code: u.code ?? null })),
    differences: r.verdict.differences.map((d) => ({
      aspect: d.aspect,
      what: d.what,
      countsAgainstConsistency: d.counts,
      values: d.values.map((v) => v ?? null),
      differing: d.differing.map((i) => i + 1),
    })),
    notVerified: r.verdict.notVerified,
  };
}
