/**
 * `schsm keys import FILE --share A.pbe … [--reader R …] [--out F]`, in an order that spends nothing
 * before it is safe to:
 *   1. read the files (key, shares, KEK — mode-checked) and tell what the key file is; no secret asked;
 *   2. open every device and name it on stderr; check each: complete DKEK (its KCV), key reference
 *      free (or --replace), user PIN neither blocked nor on its last try; all devices must share a DKEK;
 *   3. ask for the key file's password and the share passwords; assemble the DKEK and compare its KCV
 *      with every device's BEFORE anything is sent; build and self-check the blob (card/key-import.ts);
 *   4. per device: ask its PIN, then VERIFY + UNWRAP KEY + PRKD + certificate in one exclusive section,
 *      and prove the key (signature verified with its public key, or the AES-CMAC the host computed).
 * The DKEK and the key exist only in memory and are wiped in `finally`; `--out` writes the blob as
 * sc-hsm-tool's wrapped-key file (0600, never over an existing file without --force).
 */
import { fromHex } from '../../../apdu/hex.ts';
import { KcvMismatchError } from '../../../card/formats/errors.ts';
import { type ImportedKey, withCertificate } from '../../../card/formats/imported-key.ts';
import { dkekKcv, formatKcv } from '../../../card/formats/kcv.ts';
import { detectKeyFile, type KeyFileFormat, type KeyFileKind } from '../../../card/formats/key-file.ts';
import { wipeKeyBlobKey } from '../../../card/formats/private-key-der.ts';
import { buildKeyImport, forReference, importKeyBlob, wrappedKeyFileOf, type KeyImport } from '../../../card/key-import.ts';
import { PIN_REF } from '../../../card/constants.ts';
import { guardPinAttempt } from '../../../card/pin-guard.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import type { CardArgs } from '../../card-session.ts';
import { cardSource } from '../../command.ts';
import { line, type CardSource, type CliContext } from '../../context.ts';
import { EXIT, UsageError } from '../../exit-codes.ts';
import { checkWritable, writeSecretFile } from '../../files.ts';
import { userPinSpec, verifyUserPin } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { checkShareArgs, type ShareSecretArgs } from '../dkek/share-open.ts';
import { type ImportDevice, surveyDevice, withDevices } from './import-devices.ts';
import { type DeviceResult, deviceLine, printJsonReport, printKeySummary } from './import-report.ts';
import { assembleDkekFromShares, MAX_KEY_FILE, MAX_SHARE_FILE, openKeyFile, readBoundedFile, readKekFile } from './import-secrets.ts';

export interface KeysImportArgs extends Omit<CardArgs, 'reader'> {
  readonly file: string;
  readonly reader?: string | readonly string[] | undefined;
  readonly format?: KeyFileFormat | 'auto';
  readonly share: string | readonly string[];
  readonly passwordEnv?: readonly string[] | undefined;
  readonly passwordStdin?: boolean;
  readonly thresholdShares?: number | undefined;
  readonly sharesFile?: string | undefined;
  readonly shareIdBase?: 'hex' | 'decimal';
  readonly p12PasswordEnv?: string | undefined;
  readonly p12PasswordStdin?: boolean;
  readonly kekFile?: string | undefined;
  readonly ref?: number | undefined;
  readonly id?: string | undefined;
  readonly label?: string | undefined;
  readonly export?: boolean;
  readonly replace?: boolean;
  readonly out?: string | undefined;
  readonly cert?: string | undefined;
  readonly pinEnv?: string | readonly string[] | undefined;
  readonly pinStdin?: boolean;
  readonly pin?: string | undefined;
}

/** A repeated yargs string option arrives as an array, a single one as a string. */
const asList = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

/** The devices named by the options; none with --out alone (offline). */
function deviceSources(args: KeysImportArgs): CardSource[] {
  const readers = asList(args.reader);
  if (readers.length === 0)
    return args.out !== undefined && args.sim !== true && args.simState === undefined ? [] : [cardSource({ ...args, reader: undefined })];
  if (new Set(readers).size !== readers.length) throw new UsageError('the same --reader is named twice');
  if (readers.length > 1 && args.record !== undefined)
    throw new UsageError('--record records one device; leave it out when importing into several');
  return readers.map((reader) => cardSource({ ...args, reader }));
}

function checkArgs(args: KeysImportArgs, devices: number): void {
  if (args.ref !== undefined && (!Number.isInteger(args.ref) || args.ref < 1 || args.ref > 255))
    throw new UsageError(`--ref must be 1..255, got ${args.ref}`);
  if (args.id !== undefined && !/^([0-9a-fA-F]{2}){1,64}$/.test(args.id))
    throw new UsageError(`--id must be 1..64 bytes of hex, got ${JSON.stringify(args.id)}`);
  const pins = asList(args.pinEnv);
  if (pins.length > 1 && pins.length !== devices)
    throw new UsageError(`give --pin-env once, or once per --reader (${devices} devices, ${pins.length} variables)`);
  if (args.p12PasswordStdin === true && args.p12PasswordEnv !== undefined)
    throw new UsageError('--p12-password-env and --p12-password-stdin exclude each other');
}

async function readPin(reader: SecretReader, args: KeysImportArgs, d: ImportDevice, i: number): Promise<string> {
  await guardPinAttempt(d.card, PIN_REF.USER, { allowLastTry: args.allowLastTry === true });
  const envs = asList(args.pinEnv);
  return reader.read(userPinSpec({ pinEnv: envs[i] ?? envs[0], pinStdin: args.pinStdin === true, pin: args.pin }, `user PIN of ${d.name}`));
}

async function importInto(
  ctx: CliContext,
  reader: SecretReader,
  args: KeysImportArgs,
  devices: readonly ImportDevice[],
  base: KeyImport,
  kind: { kind: 'rsa' | 'ec' | 'aes'; bits: number },
): Promise<DeviceResult[]> {
  const results: DeviceResult[] = [];
  for (const [i, d] of devices.entries()) {
    const built = forReference(base, d.ref, kind.kind, kind.bits);
    const pin = await readPin(reader, args, d, i);
    const proof = await d.card.exclusive(async () => {
      await verifyUserPin(d.card, pin, args);
      return importKeyBlob(d.card, built, { replace: args.replace === true });
    });
    const r = { device: d, ref: d.ref, proof };
    results.push(r);
    if (args.json !== true) line(ctx.stdout, deviceLine(r));
  }
  return results;
}

interface Inputs {
  readonly bytes: Uint8Array;
  cert: Uint8Array | undefined;
  readonly shareFiles: Uint8Array[];
  kek: Uint8Array | undefined;
}

/** The DKEK from the shares, checked against every device's KCV (nothing was sent yet), and the import built from it. */
async function buildChecked(
  ctx: CliContext,
  reader: SecretReader,
  args: KeysImportArgs,
  shareArgs: ShareSecretArgs,
  inputs: Inputs,
  devices: readonly ImportDevice[],
  key: ImportedKey,
): Promise<KeyImport> {
  const dkek = await assembleDkekFromShares(ctx, reader, shareArgs, inputs.shareFiles);
  try {
    const kcv = formatKcv(dkekKcv(dkek));
    for (const d of devices) if (d.kcv !== kcv) throw new KcvMismatchError(d.kcv, kcv, `the DKEK of ${d.name}`);
    const id = args.id === undefined ? undefined : fromHex(args.id);
    return buildKeyImport(key, dkek, { ref: devices[0]?.ref ?? args.ref ?? 1, label: args.label, id, noExport: args.export === false });
  } finally {
    dkek.fill(0);
  }
}

/** Steps 2–4 on the open devices. */
async function importOnDevices(
  ctx: CliContext,
  args: KeysImportArgs,
  shareArgs: ShareSecretArgs,
  inputs: Inputs,
  kind: KeyFileKind,
  cards: readonly SmartCardHsm[],
) {
  const survey = { ref: args.ref, replace: args.replace === true, allowLastTry: args.allowLastTry === true };
  const devices: ImportDevice[] = [];
  for (const [i, card] of cards.entries()) devices.push(await surveyDevice(ctx, card, i, cards.length, survey));
  const kcvs = new Set(devices.map((d) => d.kcv));
  if (kcvs.size > 1)
    throw new UsageError(`the devices have different DKEKs (KCV ${[...kcvs].join(', ')}): one set of shares cannot serve them all`);
  const reader = new SecretReader(ctx);
  const opened = await openKeyFile(ctx, reader, args, { bytes: inputs.bytes, file: args.file, kind, kek: inputs.kek });
  let key = opened;
  try {
    if (inputs.cert !== undefined && args.cert !== undefined) key = withCertificate(opened, inputs.cert, args.cert);
    if (key.certificate === undefined && key.publicKey !== undefined && args.json !== true)
      line(ctx.stderr, 'note: no certificate is stored with the key, so the devices will not show its public key (--cert FILE stores one)');
    const base = await buildChecked(ctx, reader, args, shareArgs, inputs, devices, key);
    if (args.json !== true) printKeySummary(ctx, { file: args.file, key, built: base }, devices.length);
    if (args.out !== undefined) {
      await writeSecretFile(ctx, args.out, wrappedKeyFileOf(base), args.force === true);
      if (args.json !== true) line(ctx.stdout, `wrapped key written to ${args.out} (sc-hsm-tool --unwrap-key format, mode 0600)`);
    }
    const results = await importInto(ctx, reader, args, devices, base, key);
    if (args.json === true) printJsonReport(ctx, { file: args.file, key, built: base, results, out: args.out });
    return results.some((r) => r.proof.result === 'mismatch') ? EXIT.FAILED : EXIT.OK;
  } finally {
    wipeKeyBlobKey(opened.key);
  }
}

export async function runKeysImport(args: KeysImportArgs, ctx: CliContext): Promise<number> {
  const shareArgs: ShareSecretArgs = { ...args, files: asList(args.share), fileOption: '--share' };
  checkShareArgs(shareArgs);
  const sources = deviceSources(args);
  checkArgs(args, sources.length);
  if (args.out !== undefined) await checkWritable(ctx, args.out, args.force === true);
  const inputs: Inputs = {
    bytes: await readBoundedFile(ctx, args.file, 'key file', MAX_KEY_FILE),
    cert: undefined,
    shareFiles: [],
    kek: undefined,
  };
  try {
    for (const f of shareArgs.files) inputs.shareFiles.push(await readBoundedFile(ctx, f, 'DKEK share file', MAX_SHARE_FILE));
    if (args.cert !== undefined) inputs.cert = await readBoundedFile(ctx, args.cert, 'certificate file', MAX_KEY_FILE);
    inputs.kek = args.kekFile === undefined ? undefined : await readKekFile(ctx, args.kekFile);
    const kind = detectKeyFile(inputs.bytes, args.file, args.format ?? 'auto', inputs.kek !== undefined);
    if (kind.needsKek && inputs.kek === undefined)
      throw new UsageError(`${args.file} is to be unwrapped: give the key-encryption key with --kek-file`);
    if (!kind.needsKek && inputs.kek !== undefined) throw new UsageError('--kek-file is for AES-wrapped keys only (--format wrapped)');
    return await withDevices(ctx, sources, (cards) => importOnDevices(ctx, args, shareArgs, inputs, kind, cards), {
      allowLastTry: args.allowLastTry,
    });
  } finally {
    inputs.bytes.fill(0);
    inputs.kek?.fill(0);
    for (const f of inputs.shareFiles) f.fill(0);
  }
}
