/**
 * `schsm clone`: plan (public reads, refuses on different DKEKs or conflicts), then
 *   source, one exclusive section: VERIFY, WRAP KEY + read C4/CE for every key to copy (+ AES CMACs);
 *   target, one exclusive section: VERIFY, UNWRAP KEY + PRKD/certificate, then prove each key (a fresh
 *   signature verified with the SOURCE public key; AES: equal CMACs) and compare the public keys.
 * --dry-run stops after the plan. Exit 0 when every key is copied and proven (or already present).
 */
import path from 'node:path';
import type { WrappedKeyFile } from '../../../card/formats/wrapped-key-file.ts';
import { exportWrappedKey, importWrappedKey } from '../../../card/key-backup.ts';
import { aesFingerprint, proveAesKey, proveKeyPair, type KeyProof } from '../../../card/key-proof.ts';
import { describeKey } from '../../../card/keys.ts';
import { spkiDer, spkiFingerprint } from '../../../card/formats/public-key.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { SchsmError } from '../../../transport/errors.ts';
import { withDeviceAt, type CardArgs } from '../../card-session.ts';
import { cardSource } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { askUserPin, guardOptions, validateUserPin, verifyUserPin, type PinArgs } from '../../pin-options.ts';
import { guardPinAttempt } from '../../../card/pin-guard.ts';
import { PIN_REF } from '../../../card/constants.ts';
import { SecretReader } from '../../secret-input.ts';
import { typeText } from '../keys/key-view.ts';
import { makePlan, type ClonePlan, type PlannedKey } from './plan.ts';

export interface CloneArgs extends CardArgs, PinArgs {
  readonly from: string;
  readonly to: string;
  readonly toPinEnv?: string | undefined;
  readonly dryRun?: boolean;
}

interface Exported {
  readonly planned: PlannedKey;
  readonly file: WrappedKeyFile | undefined;
  readonly aes: { challenge: Uint8Array; cmac: Uint8Array | undefined } | undefined;
  readonly error: string | undefined;
}

export interface KeyOutcome {
  readonly ref: number;
  readonly type: string;
  readonly label: string | undefined;
  readonly result: 'copied' | 'present' | 'failed';
  readonly check: string;
  readonly ok: boolean;
}

const errText = (err: unknown): string => (err instanceof SchsmError ? err.message : String(err));

async function exportAll(card: SmartCardHsm, plan: ClonePlan): Promise<Exported[]> {
  const out: Exported[] = [];
  for (const planned of plan.keys.filter((k) => k.action === 'copy')) {
    try {
      const aes = planned.key.kind === 'aes' ? await aesFingerprint(card, planned.key.ref) : undefined;
      out.push({ planned, file: await exportWrappedKey(card, planned.key.ref), aes, error: undefined });
    } catch (err) {
      out.push({ planned, file: undefined, aes: undefined, error: errText(err) });
    }
  }
  return out;
}

function proofText(p: KeyProof, sameKey: boolean | undefined): { check: string; ok: boolean } {
  if (p.result === 'not-checked')
    return { check: `copied, not proven (${p.reason})${sameKey === true ? '; public key equal' : ''}`, ok: sameKey !== false };
  const ok = p.result === 'verified' && sameKey !== false;
  return {
    check: `${p.method}: ${p.result === 'verified' ? 'verified' : 'MISMATCH'}${sameKey === undefined ? '' : sameKey ? '; public key equal' : '; public key DIFFERS'}`,
    ok,
  };
}

async function importOne(card: SmartCardHsm, e: Exported): Promise<{ check: string; ok: boolean }> {
  const { key, fingerprint } = e.planned;
  if (e.file === undefined) throw new Error('nothing to import');
  await importWrappedKey(card, key.ref, e.file);
  if (key.kind === 'aes')
    return proofText(await proveAesKey(card, key.ref, e.aes ?? { challenge: new Uint8Array(0), cmac: undefined }), undefined);
  if (key.publicKey === undefined) return { check: 'copied, not proven (the source key has no public key in CE)', ok: true };
  const there = await describeKey(card, key.ref);
  const sameKey = there.publicKey === undefined ? undefined : spkiFingerprint(spkiDer(there.publicKey)) === fingerprint;
  return proofText(await proveKeyPair(card, key.ref, key.publicKey), sameKey);
}

async function importAll(card: SmartCardHsm, exported: readonly Exported[]): Promise<KeyOutcome[]> {
  const out: KeyOutcome[] = [];
  for (const e of exported) {
    const base = { ref: e.planned.key.ref, type: typeText(e.planned.key), label: e.planned.key.label };
    if (e.error !== undefined) {
      out.push({ ...base, result: 'failed', check: `not exported: ${e.error}`, ok: false });
      continue;
    }
    try {
      out.push({ ...base, result: 'copied', ...(await importOne(card, e)) });
    } catch (err) {
      out.push({ ...base, result: 'failed', check: `not imported: ${errText(err)}`, ok: false });
    }
  }
  return out;
}

function presentOutcomes(plan: ClonePlan): KeyOutcome[] {
  return plan.keys
    .filter((k) => k.action === 'present')
    .map((k) => ({
      ref: k.key.ref,
      type: typeText(k.key),
      label: k.key.label,
      result: 'present' as const,
      check: 'already on the target (same public key)',
      ok: true,
    }));
}

function report(ctx: CliContext, args: CloneArgs, plan: ClonePlan, outcomes: readonly KeyOutcome[] | undefined): void {
  if (args.json === true) {
    const keys =
      outcomes ?? plan.keys.map((k) => ({ ref: k.key.ref, type: typeText(k.key), label: k.key.label ?? null, action: k.action }));
    printJson(ctx, { from: args.from, to: args.to, kcv: plan.kcv, dryRun: args.dryRun === true, keys });
    return;
  }
  line(ctx.stdout, `DKEK KCV ${plan.kcv} on both devices`);
  if (plan.keys.length === 0) line(ctx.stdout, 'the source has no keys to copy');
  if (outcomes === undefined) {
    for (const k of plan.keys)
      line(
        ctx.stdout,
        `  key ${k.key.ref}: ${typeText(k.key)}${k.key.label === undefined ? '' : ` "${k.key.label}"`} — ${k.action === 'copy' ? 'would be copied' : 'already on the target'}`,
      );
    return;
  }
  for (const o of outcomes)
    line(ctx.stdout, `  key ${o.ref}: ${o.type}${o.label === undefined ? '' : ` "${o.label}"`} — ${o.result}: ${o.check}`);
}

/** Guard the target's user PIN, then read it (its own source flags; same reader as the source PIN). */
async function targetPin(target: SmartCardHsm, reader: SecretReader, args: CloneArgs): Promise<string> {
  await guardPinAttempt(target, PIN_REF.USER, guardOptions(args));
  return reader.read({
    what: 'user PIN of the target',
    envVar: args.toPinEnv,
    stdin: args.pinStdin === true,
    flags: '--to-pin-env VAR or --pin-stdin (second line)',
    validate: validateUserPin,
  });
}

/** `--record x.trace`: the target's exchanges go to `x.target.trace` (one trace file per card). */
export function targetTraceFile(file: string): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.target${ext}`;
}

/** Plan, then (unless a dry run or nothing to copy) wrap on the source and unwrap on the target. */
async function cloneBetween(ctx: CliContext, args: CloneArgs, source: SmartCardHsm, target: SmartCardHsm): Promise<number> {
  const plan = await makePlan(source, target);
  if (args.dryRun === true || plan.keys.every((k) => k.action !== 'copy')) {
    report(ctx, args, plan, args.dryRun === true ? undefined : presentOutcomes(plan));
    return EXIT.OK;
  }
  const reader = new SecretReader(ctx);
  const sourcePin = await askUserPin(source, reader, args);
  const destPin = await targetPin(target, reader, args);
  const exported = await source.exclusive(async () => {
    await verifyUserPin(source, sourcePin, args);
    return exportAll(source, plan);
  });
  const outcomes = await target.exclusive(async () => {
    await verifyUserPin(target, destPin, args);
    return importAll(target, exported);
  });
  const all = [...presentOutcomes(plan), ...outcomes].sort((a, b) => a.ref - b.ref);
  report(ctx, args, plan, all);
  return all.every((o) => o.ok) ? EXIT.OK : EXIT.FAILED;
}

/** Both devices are named (--from, --to) and announced on stderr before any PIN is asked for. */
export async function runClone(args: CloneArgs, ctx: CliContext): Promise<number> {
  if (args.from === args.to) throw new UsageError('--from and --to name the same reader');
  const base = cardSource(args);
  const policy = { allowLastTry: args.allowLastTry };
  const toSource = { ...base, reader: args.to, ...(base.record === undefined ? {} : { record: targetTraceFile(base.record) }) };
  return withDeviceAt(
    ctx,
    { ...base, reader: args.from },
    (source) => withDeviceAt(ctx, toSource, (target) => cloneBetween(ctx, args, source, target), policy, 'target device'),
    policy,
    'source device',
  );
}
