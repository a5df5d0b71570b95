/**
 * `schsm keys generate`: login, then generateKey (GAKP or GENERATE SYMMETRIC KEY, CE check, OpenSC-style
 * PRKD into C4xx, §3.11, §5.2) in one exclusive section. RSA generation takes seconds to minutes on a
 * real card: a ticking progress line shows on a terminal.
 */
import { generateKey, parseKeyType, type GeneratedKey } from '../../../card/generate-key.ts';
import { spkiDer, spkiFingerprint } from '../../../card/formats/public-key.ts';
import { SchsmError } from '../../../transport/errors.ts';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, RefusedError, UsageError } from '../../exit-codes.ts';
import { field, printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { startTicker } from '../../progress.ts';
import { SecretReader } from '../../secret-input.ts';
import { domainArg } from '../domain/domain-view.ts';
import { keyRef, occupiedHint, parseAlgorithmList, parseHexId } from './key-ref.ts';
import { occupiedObjects } from '../../../card/key-backup.ts';
import { formatKeyId } from '../../../card/key-id.ts';

export interface GenerateArgs extends CardArgs, PinArgs {
  readonly type?: string | undefined;
  readonly id?: string | undefined;
  readonly label?: string | undefined;
  readonly ref?: number | undefined;
  readonly algorithms?: string | undefined;
  readonly domain?: number | undefined;
  readonly replace?: boolean | undefined;
}

function typeOf(g: GeneratedKey): string {
  return g.kind === 'ec' ? `EC ${g.curve ?? ''}` : `${g.kind.toUpperCase()} ${g.size}`;
}

function spec(args: GenerateArgs): ReturnType<typeof parseKeyType> {
  if (args.type === undefined) throw new UsageError('name the key type: schsm keys generate TYPE', 'e.g. ec:prime256v1, rsa:2048, aes:256');
  try {
    return parseKeyType(args.type);
  } catch (err) {
    throw new UsageError(err instanceof SchsmError ? err.message : String(err), err instanceof SchsmError ? err.hint : undefined);
  }
}

export async function runKeysGenerate(args: GenerateArgs, ctx: CliContext): Promise<number> {
  const type = spec(args);
  const options = {
    type,
    ...(args.ref === undefined ? {} : { keyRef: keyRef(args.ref) }),
    ...(args.id === undefined ? {} : { id: parseHexId(args.id) }),
    ...(args.label === undefined ? {} : { label: args.label }),
    ...(args.algorithms === undefined ? {} : { algorithms: parseAlgorithmList(args.algorithms) }),
    ...(args.domain === undefined ? {} : { keyDomain: domainArg(args.domain) ?? 0 }),
    ...(args.replace === true ? { replace: true } : {}),
  };
  const g = await withDevice(args, ctx, async (card) => {
    // an occupied --ref is refused before the PIN is asked for (exit 4, as keys unwrap|derive|import)
    if (args.ref !== undefined && args.replace !== true) {
      const taken = await occupiedObjects(card, options.keyRef ?? args.ref);
      if (taken.length > 0)
        throw new RefusedError(`key reference ${args.ref} is in use (${taken.join(', ')})`, occupiedHint('--ref', args));
    }
    return withLogin(card, new SecretReader(ctx), args, async () => {
      const ticker = startTicker(ctx, `generating ${args.type} on the card`);
      try {
        const key = await generateKey(card, options);
        ticker.done(`generated ${args.type}`);
        return key;
      } catch (err) {
        ticker.done();
        throw err;
      }
    });
  });
  const fp = g.publicKey === undefined ? undefined : spkiFingerprint(spkiDer(g.publicKey));
  if (args.json === true) {
    printJson(ctx, {
      ref: g.ref,
      kind: g.kind,
      size: g.size,
      curve: g.curve ?? null,
      id: formatKeyId(g.id),
      label: g.label ?? null,
      publicKeyFingerprint: fp ?? null,
      domain: args.domain ?? null,
    });
    return EXIT.OK;
  }
  line(ctx.stdout, field('Key reference', g.ref));
  line(ctx.stdout, field('Type', typeOf(g)));
  line(ctx.stdout, field('ID', formatKeyId(g.id)));
  if (g.label !== undefined) line(ctx.stdout, field('Label', g.label));
  if (args.domain !== undefined) line(ctx.stdout, field('Key domain', args.domain));
  if (fp !== undefined) line(ctx.stdout, field('Public key SHA-256', fp));
  return EXIT.OK;
}
