/** How the data commands name and show a data object, and which one the options select. */
import { hex4 } from '../../../apdu/hex.ts';
import type { DataObjectInfo } from '../../../card/data-objects.ts';
import { UsageError } from '../../exit-codes.ts';

/** `--label L` or `--fid CDxx`: exactly one of them. */
export function selection(args: { label?: string | undefined; fid?: string | undefined }): { label?: string; fid?: number } {
  if ((args.label === undefined) === (args.fid === undefined))
    throw new UsageError('name the data object with --label or --fid (one of them)');
  if (args.label !== undefined) return { label: args.label };
  const t = (args.fid ?? '').replace(/^0x/i, '');
  if (!/^(C9|CD|CF)[0-9A-F]{2}$/i.test(t))
    throw new UsageError(
      `--fid ${JSON.stringify(args.fid)} is not a data object file`,
      'CDxx (private), CFxx (public) or C9xx (description)',
    );
  return { fid: parseInt(t, 16) };
}

/** "CD00, C900". */
export function objectFiles(o: DataObjectInfo): string {
  return `${hex4(o.fid)}${o.dcodFid === undefined ? '' : `, ${hex4(o.dcodFid)}`}`;
}

export function objectName(o: DataObjectInfo): string {
  return `${o.label === undefined ? 'data object' : JSON.stringify(o.label)} (${objectFiles(o)})`;
}

export function objectLines(o: DataObjectInfo): string[] {
  const row = (label: string, value: string): string => `  ${label.padEnd(14)}: ${value}`;
  return [
    `Data object ${o.label === undefined ? '(no description)' : JSON.stringify(o.label)}`,
    row('Application', o.applicationName ?? '-'),
    row('OID', o.applicationOid ?? '-'),
    row('Access', o.private ? 'private (read needs the user PIN)' : 'public'),
    row('Size', o.size === undefined ? '?' : `${o.size} bytes`),
    row(
      'Files',
      `${hex4(o.fid)}${o.dcodFid === undefined ? ' (no C9xx description: invisible to PKCS#11)' : `, description ${hex4(o.dcodFid)}`}`,
    ),
  ];
}

export function objectJson(o: DataObjectInfo): unknown {
  return {
    label: o.label ?? null,
    application: o.applicationName ?? null,
    oid: o.applicationOid ?? null,
    private: o.private,
    size: o.size ?? null,
    fid: hex4(o.fid),
    dcod: o.dcodFid === undefined ? null : hex4(o.dcodFid),
  };
}
