import { UsageError } from '../../exit-codes.ts';

/** --ref N: an integer 1..255 (key 0 is the device key and never a target). */
export function keyRef(n: number | undefined, flag = '--ref'): number {
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > 255)
    throw new UsageError(
      `${flag} must be a key reference 1..255, got ${n}`,
      'key 0 is the device authentication key; `schsm keys list` shows the others',
    );
  return n;
}

/** "73,92" / "73 92" / "7392" → [0x73, 0x92]. */
export function parseAlgorithmList(text: string): number[] {
  const parts = text.includes(',') || text.includes(' ') ? text.split(/[\s,]+/).filter((p) => p !== '') : (text.match(/../g) ?? []);
  const out = parts.map((p) => {
    if (!/^[0-9a-fA-F]{2}$/.test(p))
      throw new UsageError(
        `--algorithms: ${JSON.stringify(p)} is not a hex algorithm id`,
        'e.g. --algorithms 73,92 (ECDSA-SHA256 and wrap)',
      );
    return parseInt(p, 16);
  });
  if (out.length === 0 || out.length > 16) throw new UsageError('--algorithms needs 1..16 ids');
  return out;
}

/** Hex text (spaces and colons allowed) → bytes. */
export function parseHexId(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(clean))
    throw new UsageError(`--id ${JSON.stringify(text)} is not hex bytes`, 'e.g. --id 01 or --id 4d8b45c6');
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/**
 * The refusal's hint when a key reference is in use: `--replace` replaces the key on the card; `--force`
 * (given or not) only ever overwrites local files, which an old script may not know.
 */
export function occupiedHint(free: string, args: { readonly force?: boolean | undefined }): string {
  const base = `choose a free ${free}, or --replace to delete the key there, its PRKD and certificate first`;
  return args.force === true ? `${base} (--force only overwrites local files; it never replaces a key on the card)` : base;
}
