/**
 * The fuzz loop shared by `npm run fuzz` and the CI slice: each target gets its share of the input
 * budget from a PRNG seeded by the run's seed and the target's name (so a finding replays with the same
 * seed), every input is timed, and the findings are crashes (an exception that is not one of schsm's
 * typed errors, or any exception or bad answer of the simulator) and hangs (one input over 2 s).
 */
import { readFileSync } from 'node:fs';
import { Rng } from './mutate.ts';
import { isTyped, SimulatorFinding, type FuzzTarget } from './targets.ts';

export const HANG_MS = 2000;

export interface Finding {
  readonly target: string;
  readonly kind: 'crash' | 'hang';
  readonly detail: string;
  /** The input (hex for bytes, JSON for text), cut to 400 characters. */
  readonly input: string;
  /** How many inputs gave this finding. */
  count: number;
}

export interface TargetReport {
  readonly name: string;
  readonly inputs: number;
  readonly seconds: number;
  readonly slowestMs: number;
  /** Inputs refused with a typed error (the parser saw them and said what is wrong). */
  readonly refused: number;
  readonly findings: readonly Finding[];
}

export interface FuzzReport {
  readonly seed: number;
  readonly inputs: number;
  readonly targets: readonly TargetReport[];
  readonly findings: readonly Finding[];
  /** Peak resident set size of this process, in MB (VmHWM). */
  readonly peakRssMb: number;
}

function seedFor(seed: number, name: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function show(input: unknown): string {
  const text =
    input instanceof Uint8Array
      ? Buffer.from(input).toString('hex')
      : Array.isArray(input)
        ? input.map((x) => (x instanceof Uint8Array ? Buffer.from(x).toString('hex') : String(x))).join(' ')
        : JSON.stringify(input);
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

export function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to the current RSS
  }
  return process.memoryUsage().rss / 2 ** 20;
}

async function runTarget(target: FuzzTarget, count: number, seed: number): Promise<TargetReport> {
  const rng = new Rng(seedFor(seed, target.name));
  const findings = new Map<string, Finding>();
  const note = (kind: Finding['kind'], detail: string, input: unknown): void => {
    const key = `${kind}:${detail.split('\n')[0]}`;
    const old = findings.get(key);
    if (old !== undefined) old.count++;
    else findings.set(key, { target: target.name, kind, detail, input: show(input), count: 1 });
  };
  let slowest = 0;
  let refused = 0;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const input = target.make(rng);
    const start = performance.now();
    try {
      const p = target.feed(input);
      if (p !== undefined) await p;
    } catch (err) {
      if (err instanceof SimulatorFinding || !isTyped(err)) {
        const e = err as Error;
        note('crash', `${e?.name ?? 'throw'}: ${e?.message ?? String(err)}\n${(e?.stack ?? '').split('\n').slice(1, 4).join('\n')}`, input);
      } else refused++;
    }
    const ms = performance.now() - start;
    if (ms > slowest) slowest = ms;
    if (ms > HANG_MS) note('hang', `${ms.toFixed(0)} ms on one input`, input);
  }
  return {
    name: target.name,
    inputs: count,
    seconds: (performance.now() - t0) / 1000,
    slowestMs: slowest,
    refused,
    findings: [...findings.values()],
  };
}

/** Run every target (or those whose name contains `only`) with `total` inputs split by weight. */
export async function runFuzz(
  targets: readonly FuzzTarget[],
  options: { total: number; seed: number; only?: string; onTarget?: (r: TargetReport) => void },
): Promise<FuzzReport> {
  const chosen = options.only === undefined ? targets : targets.filter((t) => t.name.includes(options.only ?? ''));
  const weights = chosen.reduce((s, t) => s + t.weight, 0);
  const reports: TargetReport[] = [];
  for (const t of chosen) {
    const r = await runTarget(t, Math.ceil((options.total * t.weight) / weights), options.seed);
    reports.push(r);
    options.onTarget?.(r);
  }
  return {
    seed: options.seed,
    inputs: reports.reduce((s, r) => s + r.inputs, 0),
    targets: reports,
    findings: reports.flatMap((r) => r.findings),
    peakRssMb: peakRssMb(),
  };
}
