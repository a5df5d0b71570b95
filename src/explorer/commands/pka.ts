/**
 * `pka status|export|register|auth`: public key authentication (n of m, §3.20), the explorer side of
 * `schsm pka …`. `pka auth --with READER` opens the key holder's device next to this session's card,
 * asks for ITS user PIN (hidden; `--pin-env VAR`), and authenticates this session: the shell's card then
 * stays logged in for the rest of the session, which is where PKA is useful (`keys sign` next).
 */
import { publicKeyAuthenticationStatus, type PkaStatus } from '../../card/commands/public-key-authentication.ts';
import { CardError } from '../../card/errors.ts';
import { LastPinTryError } from '../../card/host-errors.ts';
import { guardedVerifyPin } from '../../card/pin-guard.ts';
import { authenticateWithKey, exportPkaFile, registerPkaFile } from '../../card/pka.ts';
import { MAX_PKA_FILE, type PkaLayout } from '../../card/formats/pka-file.ts';
import { SmartCardHsm } from '../../card/sc-hsm.ts';
import { RefusedError, UsageError } from '../../transport/errors.ts';
import { arity, parseArgs } from '../args.ts';
import { family } from '../family.ts';
import { completePath, readLocalFile, writeLocalFile } from '../local-files.ts';
import type { ExplorerSession } from '../session.ts';
import type { Subcommand } from '../types.ts';

function describe(s: PkaStatus): string {
  return `${s.total} public key(s) (${s.missing > 0 ? `${s.missing} still to register` : 'all registered'}), ${s.required} must authenticate, ${s.authenticated} authenticated`;
}

const status: Subcommand = {
  name: 'status',
  args: '',
  help: 'public keys registered, missing, required and authenticated in this session (80 54)',
  async run(session, tokens) {
    arity(parseArgs(tokens), 0, 0, 'pka status');
    try {
      session.print(describe(await publicKeyAuthenticationStatus(await session.card())));
    } catch (err) {
      if (err instanceof CardError && err.sw === 0x6d00) session.print('public key authentication is not enabled on this device');
      else throw err;
    }
  },
};

function keyRefArg(text: string | undefined): number {
  const ref = Number(text);
  if (!Number.isInteger(ref) || ref < 1 || ref > 255) throw new UsageError(`key reference must be 1..255, got ${text ?? 'nothing'}`);
  return ref;
}

const exportCmd: Subcommand = {
  name: 'export',
  args: 'REF FILE [--layout old|new] [--force]',
  help: "write key REF's CV request and this device's certificates for registration elsewhere",
  complete: (session, i, partial) => (i === 1 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { layout: 'string', force: 'boolean' });
    arity(args, 2, 2, 'pka export REF FILE [--layout old|new] [--force]');
    const layout = args.values.get('layout') ?? 'old';
    if (layout !== 'old' && layout !== 'new') throw new UsageError(`--layout must be old or new, got ${layout}`);
    const { bytes, file } = await exportPkaFile(await session.card(), keyRefArg(args.positional[0]), layout as PkaLayout);
    const name = args.positional[1] ?? '';
    await writeLocalFile(session, name, bytes, args.flags.has('force'));
    session.print(
      `key ${file.request.request.body.chr} of device ${file.device.body.chr} written to ${name} (${layout} layout, ${bytes.length} bytes)`,
    );
  },
};

const register: Subcommand = {
  name: 'register',
  args: 'FILE',
  help: 'register the public key in a PKA file (schsm or sc-hsm-tool export) on this device',
  complete: (session, i, partial) => (i === 0 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 1, 1, 'pka register FILE');
    const { file, status: st } = await registerPkaFile(
      await session.card(),
      await readLocalFile(session, args.positional[0] ?? '', 'PKA file', MAX_PKA_FILE),
    );
    session.print(`registered key ${file.request.request.body.chr} of device ${file.device.body.chr}: ${describe(st)}`);
  },
};

async function holderPin(session: ExplorerSession, reader: string, envVar: string | undefined): Promise<string> {
  if (envVar === undefined)
    return session.askSecret(
      `User PIN of the key holder in ${reader}: `,
      'user PIN',
      'use --pin-env VAR, or run the explorer on a terminal',
    );
  const v = session.env[envVar];
  if (v === undefined || v === '') throw new UsageError(`environment variable ${envVar} is not set`);
  return v;
}

const auth: Subcommand = {
  name: 'auth',
  args: '--with READER [--key REF] [--pin-env VAR] [--allow-last-try]',
  help: "authenticate this session with a registered key on the device in READER (that device's PIN)",
  timeoutMs: 180_000,
  async run(session, tokens) {
    const args = parseArgs(tokens, { with: 'string', key: 'string', 'pin-env': 'string', 'allow-last-try': 'boolean' });
    arity(args, 0, 0, 'pka auth --with READER [--key REF] [--pin-env VAR]');
    const reader = args.values.get('with');
    if (reader === undefined) throw new UsageError('pka auth needs --with READER: the device that holds a registered key');
    const target = await session.card();
    if (reader === target.transport.name) throw new UsageError("--with names this session's own card: a key must come from ANOTHER device");
    const ref = args.values.has('key') ? keyRefArg(args.values.get('key')) : undefined;
    const transport = await session.openOther(reader);
    try {
      const holder = await SmartCardHsm.open(transport);
      const pin = await holderPin(session, reader, args.values.get('pin-env'));
      await guardedVerifyPin(holder, pin, { allowLastTry: args.flags.has('allow-last-try') }).catch((err: unknown) => {
        if (err instanceof LastPinTryError) throw new RefusedError(err.message, 'make sure of the PIN, then: pka auth … --allow-last-try');
        throw err;
      });
      const r = await authenticateWithKey(target, holder, ref);
      session.print(`key ${r.chr} (key ${r.ref} on ${reader}) authenticated: ${describe(r.status)}`);
      if (r.status.authenticated >= r.status.required)
        session.print('this session is logged in (until reset, reconnect or SELECT of the applet)');
    } finally {
      await transport.close();
    }
  },
};

export const pka = family('pka', 'public key authentication (n of m keys on other devices): status, export, register, auth', [
  status,
  exportCmd,
  register,
  auth,
]);
