/**
 * `keys sign REF ALG (--in FILE | --text TEXT | --hex HEX) [--out FILE] [--raw] [--force]`: the host
 * hashes, the card signs (sign-message.ts, §3.13); the signature is checked with the key's public
 * key from CExx before it is shown or written.
 */
import { INPUT_LIMITS } from '../../transport/bounded-read.ts';
import { fromHex, hex2, toHex } from '../../apdu/hex.ts';
import { curveOfKey } from '../../card/cvc-key.ts';
import { ecdsaDerToRaw } from '../../card/formats/ecdsa-signature.ts';
import { exportPublicKey } from '../../card/keys.ts';
import { MECHANISM_NAMES, parseMechanism, signMessage, verifyMessageSignature } from '../../card/sign-message.ts';
import { arity, parseArgs } from '../args.ts';
import { completeWords } from '../complete.ts';
import { UsageError } from '../../transport/errors.ts';
import { completePath, readLocalFile, writeLocalFile } from '../local-files.ts';
import type { ExplorerSession } from '../session.ts';
import type { Subcommand } from '../types.ts';
import type { ParsedArgs } from '../args.ts';
import { keyRefArg } from './key-ref.ts';

const SPEC = { in: 'string', text: 'string', hex: 'string', out: 'string', raw: 'boolean', force: 'boolean' } as const;

async function message(session: ExplorerSession, args: ParsedArgs): Promise<Uint8Array> {
  const given = (['in', 'text', 'hex'] as const).filter((k) => args.values.has(k));
  if (given.length !== 1) throw new UsageError('give the data to sign once: --in FILE, --text TEXT or --hex HEX');
  const v = args.values.get(given[0] ?? 'in') ?? '';
  if (given[0] === 'in') return readLocalFile(session, v, 'input file', INPUT_LIMITS.signInput);
  return given[0] === 'text' ? new TextEncoder().encode(v) : fromHex(v);
}

export const keySign: Subcommand = {
  name: 'sign',
  args: 'REF ALG (--in FILE | --text TEXT | --hex HEX) [--out FILE] [--raw] [--force]',
  help: 'sign with a key (ECDSA-SHA256, SHA256-RSA-PKCS, RSA-PSS-SHA256 …); checked with its public key',
  complete: (session, i, partial, before) =>
    i === 1
      ? completeWords(
          MECHANISM_NAMES.map((m) => m.toLowerCase()),
          partial,
        )
      : before[before.length - 1]?.text === '--in' || before[before.length - 1]?.text === '--out'
        ? completePath(session, partial)
        : [],
  async run(session, tokens) {
    const args = parseArgs(tokens, SPEC);
    arity(args, 2, 2, 'keys sign REF ALG (--in FILE | --text TEXT | --hex HEX) [--out FILE] [--raw]');
    const ref = keyRefArg(args.positional[0]);
    const mech = parseMechanism(args.positional[1] ?? '');
    const data = await message(session, args);
    const card = await session.card();
    const der = await signMessage(card, ref, mech, data);
    const pub = await exportPublicKey(card, ref).catch(() => undefined);
    const ok = pub === undefined ? undefined : verifyMessageSignature(mech, data, der, pub);
    if (ok === false)
      throw new UsageError(
        `the signature of key ${ref} does not verify with the public key in CE${hex2(ref)}`,
        'the mechanism may not fit the key type',
      );
    const sig =
      args.flags.has('raw') && mech.family === 'ecdsa' && pub !== undefined ? ecdsaDerToRaw(der, Math.ceil(curveOfKey(pub).bits / 8)) : der;
    const out = args.values.get('out');
    if (out !== undefined) await writeLocalFile(session, out, sig, args.flags.has('force'));
    session.print(
      `${mech.name} signature by key ${ref} (${sig.length} bytes)${ok === true ? ", verified with the key's public key" : ''}${out === undefined ? ':' : ` written to ${out}`}`,
    );
    if (out === undefined) session.print(toHex(sig));
  },
};
