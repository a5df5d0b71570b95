/**
 * `schsm clone`: plan (public reads, refuses on different DKEKs or conflicts), then
 *   source, one exclusive section: VERIFY, WRAP KEY + read C4/CE for every key to copy (+ AES CMACs);
 *   target, one exclusive section: VERIFY, UNWRAP KEY + PRKD/certificate, then prove each key (a fresh
 *   signature verified with the SOURCE public key; AES: equal CMACs) and compare the public keys.
 * --dry-run stops after the plan. Exit 0 when every key is copied and proven (or already present).
 */
import path from 'node:path';
import { toHex } from '../../../apdu/hex.ts';
import { decodeKeyBlob } from '../../../card/formats/key-blob.ts';
import type { WrappedKeyFile } from '../../../card/formats/wrapped-key-file.ts';
import { exportWrappedKey, importWrappedKey } from '../../../card/key-backup.ts';
import { aesFingerprint, proveAesKey, proveKeyPair, type KeyProof } from '../../../card/key-proof.ts';
import { describeKey } from '../../../card/keys.ts';
import { copyObjects, planObjectCopy, type PlannedObject } from '../../../card/object-copy.ts';
import { spkiDer, spkiFingerprint } from '../../../card/formats/public-key.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { SchsmError } from '../../../transport/errors.ts';
import { withDeviceAt, type CardArgs } from '../../card-session.ts';
import { cardSource } from '../../command.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import { askUserPin, guardOptions, validateUserPin, verifyUserPin, type PinArgs } from '../../pin-options.ts';
import { guardPinAttempt } from '../../../card/pin-guard.ts';
import { PIN_REF } from '../../../card/constants.ts';
import { SecretReader } from '../../secret-input.ts';
import { typeText } from '../keys/key-view.ts';
import { kcvAfterLogin, kcvOfBlobs, kcvOrigin, requireSameKcv } from './kcv.ts';
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

/** The KCV line: the common KCV and where it came from (kcv.ts), or why it is not known. */
interface KcvReport {
  readonly kcv: string | undefined;
  readonly origin: string;
}

/** Key-domain mode: one line per domain compared (plan.ts pairDomains). */
function domainReport(plan: ClonePlan): string[] {
  return (plan.domains ?? []).map((d) => `key domain ${d.domain}: DKEK KCV ${d.kcv} on both devices`);
}

type ObjectOutcome = { object: PlannedObject; ok: boolean; result: string };

function objectLines(ctx: CliContext, objects: readonly PlannedObject[], outcomes: readonly ObjectOutcome[] | undefined): void {
  const what = (o: PlannedObject): string => `${o.kind === 'ca-certificate' ? 'CA certificate' : 'data object'} ${o.name}`;
  if (outcomes !== undefined) for (const o of outcomes) line(ctx.stdout, `  ${what(o.object)} — ${o.result}`);
  else
    for (const o of objects)
      line(
        ctx.stdout,
        `  ${what(o)} — ${o.action === 'copy' ? 'would be copied' : o.action === 'present' ? 'already on the target' : `not copied: ${o.reason ?? ''}`}`,
      );
}

function objectsJson(objects: readonly PlannedObject[], outcomes: readonly ObjectOutcome[] | undefined): unknown {
  if (outcomes !== undefined) return outcomes.map((o) => ({ kind: o.object.kind, name: o.object.name, ok: o.ok, result: o.result }));
  return objects.map((o) => ({ kind: o.kind, name: o.name, action: o.action, reason: o.reason ?? null }));
}

function report(
  ctx: CliContext,
  args: CloneArgs,
  plan: ClonePlan,
  kcv: KcvReport,
  outcomes: readonly KeyOutcome[] | undefined,
  objects: readonly PlannedObject[] = [],
  objectOutcomes: readonly ObjectOutcome[] | undefined = undefined,
): void {
  if (args.json === true) {
    const keys =
      outcomes ?? plan.keys.map((k) => ({ ref: k.key.ref, type: typeText(k.key), label: k.key.label ?? null, action: k.action }));
    printJson(ctx, {
      from: args.from,
      to: args.to,
      kcv: kcv.kcv ?? null,
      kcvOrigin: kcv.origin.trim() || null,
      ...(plan.domains === undefined ? {} : { domains: plan.domains }),
      dryRun: args.dryRun === true,
      keys,
      objects: objectsJson(objects, objectOutcomes),
    });
    return;
  }
  if (plan.domains !== undefined) for (const l of domainReport(plan)) line(ctx.stdout, l);
  else line(ctx.stdout, kcv.kcv === undefined ? `DKEK KCV not compared${kcv.origin}` : `DKEK KCV ${kcv.kcv} on both devices${kcv.origin}`);
  if (plan.keys.length === 0) line(ctx.stdout, 'the source has no keys to copy');
  if (outcomes === undefined) {
    for (const k of plan.keys)
      line(
        ctx.stdout,
        `  key ${k.key.ref}: ${typeText(k.key)}${k.key.label === undefined ? '' : ` "${k.key.label}"`} — ${k.action === 'copy' ? 'would be copied' : 'already on the target'}`,
      );
    objectLines(ctx, objects, objectOutcomes);
    return;
  }
  for (const o of outcomes)
    line(ctx.stdout, `  key ${o.ref}: ${o.type}${o.label === undefined ? '' : ` "${o.label}"`} — ${o.result}: ${o.check}`);
  objectLines(ctx, objects, objectOutcomes);
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

const blobsOf = (exported: readonly Exported[]): WrappedKeyFile[] => exported.flatMap((e) => (e.file === undefined ? [] : [e.file]));

/**
 * Source side, one exclusive section: VERIFY, the KCV (after login when the query hid it), then every
 * wrap (a dry run wraps only the first key to copy, and only when the KCV is still hidden: WRAP KEY
 * changes nothing on the card). A KCV hidden even after login is taken from the blobs.
 */
async function sourceSide(source: SmartCardHsm, pin: string, args: CloneArgs, plan: ClonePlan) {
  return source.exclusive(async () => {
    await verifyUserPin(source, pin, args);
    const shown = plan.domains === undefined ? await kcvAfterLogin(source, plan.sourceKcv) : undefined;
    const probe = plan.keys.filter((k) => k.action === 'copy').slice(0, shown === undefined && plan.domains === undefined ? 1 : 0);
    const exported = await exportAll(source, args.dryRun === true ? { ...plan, keys: probe } : plan);
    const kcv = plan.domains === undefined ? (shown ?? kcvOfBlobs(blobsOf(exported))) : undefined;
    return { exported: args.dryRun === true ? [] : exported, kcv };
  });
}

/**
 * Target side, one exclusive section: VERIFY (unless a dry run can do without), the target KCV, the
 * comparison (refuses before anything is imported), then the imports. The blobs' own KCV must match too.
 */
async function targetSide(
  target: SmartCardHsm,
  pin: string | undefined,
  args: CloneArgs,
  plan: ClonePlan,
  source: SourceResult,
  objects: readonly PlannedObject[],
) {
  return target.exclusive(async () => {
    if (pin !== undefined) await verifyUserPin(target, pin, args);
    if (plan.domains !== undefined)
      return {
        ...(await domainsTargetSide(target, args, plan, source)),
        objectOutcomes: args.dryRun === true || pin === undefined ? undefined : await copyObjects(target, objects),
      };
    const targetKcv = pin === undefined ? plan.targetKcv : await kcvAfterLogin(target, plan.targetKcv);
    const nothingToCopy = plan.keys.every((k) => k.action !== 'copy');
    const copied = async () => (args.dryRun === true || pin === undefined ? undefined : await copyObjects(target, objects));
    if (nothingToCopy && (source.kcv === undefined || targetKcv === undefined))
      return {
        kcv: { kcv: undefined, origin: ' (a device does not show it, not even after login; nothing to copy)' },
        outcomes: undefined,
        objectOutcomes: await copied(),
      };
    const kcv = requireSameKcv(source.kcv, targetKcv);
    const fromBlobs = kcvOfBlobs(blobsOf(source.exported));
    if (fromBlobs !== undefined) requireSameKcv(fromBlobs, targetKcv);
    const origin = source.kcv === undefined || targetKcv === undefined ? '' : kcvOrigin(source.kcv, targetKcv);
    const outcomes = args.dryRun === true ? undefined : await importAll(target, source.exported);
    return { kcv: { kcv, origin }, outcomes, objectOutcomes: await copied() };
  });
}

type SourceResult = Awaited<ReturnType<typeof sourceSide>>;

/**
 * Key-domain mode, inside the target's logged-in section: every blob must carry the KCV of a domain
 * the plan compared (the target card then unwraps it into that domain, §3.10); refuse before importing.
 */
async function domainsTargetSide(target: SmartCardHsm, args: CloneArgs, plan: ClonePlan, source: SourceResult) {
  const known = new Set((plan.domains ?? []).map((d) => d.kcv));
  for (const file of blobsOf(source.exported)) {
    const kcv = toHex(decodeKeyBlob(file.blob).kcv);
    if (!known.has(kcv))
      throw new RefusedError(
        `a source key is wrapped under KCV ${kcv}, which is no key domain compared on both devices`,
        'nothing was imported; see `schsm domain list` on both devices',
      );
  }
  const kcv: KcvReport = { kcv: undefined, origin: '' };
  return { kcv, outcomes: args.dryRun === true ? undefined : await importAll(target, source.exported) };
}

/** Plan, compare the KCVs (after login where a device hides it), then wrap on the source and unwrap on the target. */
async function cloneBetween(ctx: CliContext, args: CloneArgs, source: SmartCardHsm, target: SmartCardHsm): Promise<number> {
  const reader = new SecretReader(ctx);
  const plan = await makePlan(source, target);
  const objects = await planObjectCopy(source, target);
  const dry = args.dryRun === true;
  const nothingToCopy = plan.keys.every((k) => k.action !== 'copy') && objects.every((o) => o.action !== 'copy');
  if ((dry || nothingToCopy) && (plan.kcv !== undefined || plan.domains !== undefined || !dry)) {
    const hidden = plan.kcv === undefined && plan.domains === undefined;
    const kcv = { kcv: plan.kcv, origin: hidden ? ' (a device shows its KCV only after login; nothing to copy)' : '' };
    const conflicts = objects.some((o) => o.action === 'conflict');
    report(
      ctx,
      args,
      plan,
      kcv,
      dry ? undefined : presentOutcomes(plan),
      objects,
      dry
        ? undefined
        : objects.map((o) => ({
            object: o,
            ok: o.action !== 'conflict',
            result: o.action === 'present' ? 'already on the target' : `not copied: ${o.reason ?? ''}`,
          })),
    );
    return conflicts && !dry ? EXIT.FAILED : EXIT.OK;
  }
  if (dry) line(ctx.stderr, 'a device shows its DKEK key check value only after the user PIN is verified: logging in to compare');
  const sourcePin = !dry || plan.sourceKcv === undefined ? await askUserPin(source, reader, args) : undefined;
  const destPin = !dry || plan.targetKcv === undefined ? await targetPin(target, reader, args) : undefined;
  const fromSource: SourceResult =
    sourcePin === undefined ? { exported: [], kcv: plan.sourceKcv } : await sourceSide(source, sourcePin, args, plan);
  const { kcv, outcomes, objectOutcomes } = await targetSide(target, destPin, args, plan, fromSource, objects);
  const all = outcomes === undefined ? undefined : [...presentOutcomes(plan), ...outcomes].sort((a, b) => a.ref - b.ref);
  report(ctx, args, plan, kcv, all, objects, objectOutcomes);
  const objectsOk = (objectOutcomes ?? []).every((o) => o.ok);
  return (all === undefined || all.every((o) => o.ok)) && objectsOk ? EXIT.OK : EXIT.FAILED;
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
