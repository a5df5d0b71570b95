/** What `keys import` prints: the key as read, the DKEK check, and per device where the key went and its proof. */
import { algorithmNames } from '../../../card/formats/algorithm-names.ts';
import type { ImportedKey } from '../../../card/formats/imported-key.ts';
import { type KeyImport, proofText } from '../../../card/key-import.ts';
import type { KeyProof } from '../../../card/key-proof.ts';
import { line, type CliContext } from '../../context.ts';
import { field, printJson } from '../../output.ts';
import type { ImportDevice } from './import-devices.ts';
import { formatKeyId } from '../../../card/key-id.ts';

export interface DeviceResult {
  readonly device: ImportDevice;
  readonly ref: number;
  readonly proof: KeyProof;
}

export interface ImportReport {
  readonly file: string;
  readonly key: ImportedKey;
  readonly built: KeyImport;
  readonly results: readonly DeviceResult[];
  readonly out: string | undefined;
}

export function keyText(k: ImportedKey): string {
  return k.kind === 'ec' ? `EC ${k.curve?.name ?? '?'}` : `${k.kind.toUpperCase()} ${k.bits}`;
}

/** One line per device as soon as its key is in (text mode). */
export function deviceLine(r: DeviceResult): string {
  return `${r.device.name}: key ${r.ref} imported${r.device.replaces.length > 0 ? ` (replaced ${r.device.replaces.join(', ')})` : ''}; key check: ${proofText(r.proof)}`;
}

/** The key as read and built, before it goes anywhere (text mode). */
export function printKeySummary(ctx: CliContext, r: Omit<ImportReport, 'results' | 'out'>, devices: number): void {
  const k = r.key;
  line(ctx.stdout, field('Key file', `${r.file} (${k.source})`));
  line(ctx.stdout, field('Key', keyText(k)));
  if (r.built.fingerprint !== undefined) line(ctx.stdout, field('Public key SHA-256', r.built.fingerprint));
  line(ctx.stdout, field('Label', r.built.label === undefined ? '(none)' : JSON.stringify(r.built.label)));
  line(ctx.stdout, field('ID', formatKeyId(r.built.id)));
  line(ctx.stdout, field('Certificate', k.certificate === undefined ? 'none' : `${k.certificate.subject} (stored in CExx with the key)`));
  line(ctx.stdout, field('Allowed algorithms', algorithmNames(r.built.allowedAlgorithms).join(', ')));
  line(ctx.stdout, field('DKEK KCV', `${r.built.kcv}${devices > 0 ? ' (the shares match every device)' : ' (no device checked)'}`));
  for (const w of k.warnings) line(ctx.stderr, `warning: ${w}`);
}

export function printJsonReport(ctx: CliContext, r: ImportReport): void {
  const k = r.key;
  printJson(ctx, {
    file: r.file,
    source: k.source,
    kind: k.kind,
    bits: k.bits,
    curve: k.curve?.name ?? null,
    label: r.built.label ?? null,
    id: formatKeyId(r.built.id),
    publicKeyFingerprint: r.built.fingerprint ?? null,
    certificate: k.certificate === undefined ? null : { subject: k.certificate.subject, issuer: k.certificate.issuer },
    allowedAlgorithms: Array.from(r.built.allowedAlgorithms, (a) => a.toString(16).padStart(2, '0').toUpperCase()),
    exportable: r.built.allowedAlgorithms.includes(0x92),
    kcv: r.built.kcv,
    out: r.out ?? null,
    devices: r.results.map((d) => ({
      reader: d.device.reader,
      serial: d.device.serial ?? null,
      ref: d.ref,
      replaced: d.device.replaces,
      keyCheck: d.proof.result,
      method: d.proof.result === 'not-checked' ? d.proof.reason : d.proof.method,
    })),
    warnings: k.warnings,
  });
}
