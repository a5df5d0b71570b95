/**
 * `schsm keys sign --ref N --alg ALG --in FILE --out FILE`: hash on the host, SIGN on the card
 * (sign-message.ts), right after VERIFY in the same exclusive section; then check the signature with
 * the key's public key (from CExx) before writing it, so a wrong key or mechanism never yields a file.
 */
import { INPUT_LIMITS } from '../../../transport/bounded-read.ts';
import { hex2 } from '../../../apdu/hex.ts';
import { curveOfKey } from '../../../card/cvc-key.ts';
import { ecdsaDerToRaw } from '../../../card/formats/ecdsa-signature.ts';
import { readFileIfExists } from '../../../card/files.ts';
import { FID_PREFIX } from '../../../card/constants.ts';
import { publicKeyFromCertificateFile } from '../../../card/keys.ts';
import { parseMechanism, signMessage, verifyMessageSignature, type MessageMechanism } from '../../../card/sign-message.ts';
import { SchsmError } from '../../../transport/errors.ts';
import type { KeyObject } from 'node:crypto';
import { withDevice, type CardArgs } from '../../card-session.ts';
import { line, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { checkWritable, readInputFile, readStdin, reportContext, writePublicFile } from '../../files.ts';
import { printJson } from '../../output.ts';
import { withLogin, type PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { keyRef } from './key-ref.ts';

export interface SignArgs extends CardArgs, PinArgs {
  readonly ref: number;
  readonly alg: string;
  readonly in: string;
  readonly out: string;
  readonly signatureFormat?: 'der' | 'raw';
}

/** The signature check failed: the card signed with something other than the listed public key. */
export class SignatureCheckError extends SchsmError {
  override name = 'SignatureCheckError';
  constructor(ref: number, alg: string) {
    super(
      `the signature made by key ${ref} with ${alg} does not verify with the key's public key (CE${hex2(ref)})`,
      'ERR_SCHSM_SIGNATURE_CHECK',
      {
        hint: 'the certificate file does not belong to the key, or the mechanism does not match the key type; nothing was written',
      },
    );
  }
}

function mechanism(alg: string): MessageMechanism {
  try {
    return parseMechanism(alg);
  } catch (err) {
    throw new UsageError(err instanceof SchsmError ? err.message : String(err), err instanceof SchsmError ? err.hint : undefined);
  }
}

async function readMessage(ctx: CliContext, args: SignArgs): Promise<Uint8Array> {
  if (args.in !== '-') return readInputFile(ctx, args.in, 'input file', INPUT_LIMITS.signInput);
  if (args.pinStdin === true)
    throw new UsageError('--in - and --pin-stdin both want stdin', 'pass the PIN with --pin-env VAR or the prompt');
  return readStdin(ctx, 'input file', INPUT_LIMITS.signInput);
}

function encodeSignature(sig: Uint8Array, mech: MessageMechanism, key: KeyObject | undefined, format: 'der' | 'raw'): Uint8Array {
  if (mech.family !== 'ecdsa' || format === 'der') return sig;
  if (key === undefined) throw new UsageError("--signature-format raw needs the key's curve, but the key has no public key on the card");
  return ecdsaDerToRaw(sig, curveOfKey(key).fieldBytes);
}

export async function runKeysSign(args: SignArgs, ctx: CliContext): Promise<number> {
  const ref = keyRef(args.ref);
  const mech = mechanism(args.alg);
  await checkWritable(ctx, args.out, args.force === true);
  const message = await readMessage(ctx, args);
  const { sig, key } = await withDevice(args, ctx, async (card) => {
    const ce = await readFileIfExists(card, (FID_PREFIX.EE_CERTIFICATE << 8) | ref);
    const pub = ce === undefined || ce.length === 0 ? undefined : publicKeyFromCertificateFile(ce)?.publicKey;
    const signature = await withLogin(card, new SecretReader(ctx), args, () => signMessage(card, ref, mech, message));
    return { sig: signature, key: pub };
  });
  const verified = key === undefined ? undefined : verifyMessageSignature(mech, message, sig, key);
  if (verified === false) throw new SignatureCheckError(ref, mech.name);
  const out = encodeSignature(sig, mech, key, args.signatureFormat ?? 'der');
  await writePublicFile(ctx, args.out, out, args.force === true);
  const check = verified === true ? 'verified with the public key' : 'not checked (no public key or prepared input)';
  const out2 = reportContext(ctx, args.out);
  if (args.json === true)
    printJson(out2, { ref, mechanism: mech.name, in: args.in, out: args.out, bytes: out.length, verified: verified ?? null });
  else line(out2.stdout, `signed ${args.in} with key ${ref} (${mech.name}): ${out.length}-byte signature in ${args.out}, ${check}`);
  return EXIT.OK;
}
