/**
 * `schsm keys derive --ref SRC --to DST --param HEX`: login, then deriveKey (card/derive-key.ts) in one
 * exclusive section: DERIVE EC KEY, a CV request signed by the new key and checked with the public key
 * computed on this computer (Q + param·G), the request into CE<DST> and a PRKD into C4<DST>.
 */
import { deriveKey, plannedDerivation, type DerivedKey } from '../../../card/derive-key.ts';
import { occupiedObjects } from '../../../card/key-backup.ts';
import { InvalidArgumentError } from '../../../card/host-errors.ts';
import { spkiDer, spkiFingerprint } from '../../../card/formats/public-key.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { field, printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { keyRef, occupiedHint, parseHexId } from './key-ref.ts';
import { formatKeyId } from '../../../card/key-id.ts';

export interface DeriveArgs extends CardArgs, PinArgs {
  readonly ref: number;
  readonly to: number;
  readonly param: string;
  readonly label?: string | undefined;
  readonly id?: string | undefined;
  readonly replace?: boolean | undefined;
}

/** --param: hex bytes (spaces and colons allowed), at least one. */
function parseParam(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '').replace(/^0x/i, '');
  if (!/^([0-9a-fA-F]{2})+$/.test(clean))
    throw new UsageError(
      `--param ${JSON.stringify(text)} is not hex bytes`,
      'e.g. --param A9FB57DBA1EEA9BC3E660A909D838D72 (an even number of hex digits)',
    );
  return Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** Bad input found by the card layer (not an EC key, parameter out of range) is a usage error (exit 2). */
async function usage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) throw new UsageError(err.message, err.hint);
    throw err;
  }
}

function checkText(d: DerivedKey): string {
  return d.check === 'verified'
    ? 'ECDSA-SHA256 signature by the new key verifies with Q + param·G computed on this computer'
    : 'not checked: the key may not sign (its allowed-algorithm list, inherited from the source)';
}

export async function runKeysDerive(args: DeriveArgs, ctx: CliContext): Promise<number> {
  const source = keyRef(args.ref);
  const target = keyRef(args.to, '--to');
  if (source === target) throw new UsageError('--to must name another key reference than --ref');
  const options = {
    sourceRef: source,
    targetRef: target,
    param: parseParam(args.param),
    replace: args.replace === true,
    ...(args.label === undefined ? {} : { label: args.label }),
    ...(args.id === undefined ? {} : { id: parseHexId(args.id) }),
  };
  const d = await withDevice(args, ctx, async (card) => {
    await usage(() => plannedDerivation(card, options));
    const taken = await occupiedObjects(card, target);
    if (taken.length > 0 && args.replace !== true)
      throw new RefusedError(`key reference ${target} is in use (${taken.join(', ')})`, occupiedHint('--to', args));
    return withLogin(card, new SecretReader(ctx), args, () => usage(() => deriveKey(card, options)));
  });
  const fp = spkiFingerprint(spkiDer(d.publicKey));
  if (args.json === true) {
    printJson(ctx, {
      ref: d.ref,
      derivedFrom: d.sourceRef,
      kind: 'ec',
      curve: d.curve,
      size: d.size,
      id: formatKeyId(d.id),
      label: d.label ?? null,
      publicKeyFingerprint: fp,
      publicKeyPem: d.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      check: d.check,
    });
    return EXIT.OK;
  }
  line(ctx.stdout, field('Key reference', `${d.ref} (derived from key ${d.sourceRef})`));
  line(ctx.stdout, field('Type', `EC ${d.curve}`));
  line(ctx.stdout, field('ID', formatKeyId(d.id)));
  if (d.label !== undefined) line(ctx.stdout, field('Label', d.label));
  line(ctx.stdout, field('Public key SHA-256', fp));
  line(ctx.stdout, field('Check', checkText(d)));
  return EXIT.OK;
}
