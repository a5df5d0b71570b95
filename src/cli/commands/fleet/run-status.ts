/**
 * `schsm fleet status`: read every device of a pool (the local readers with a card, or those named
 * with --reader, plus every reader with a card behind each --socket), compare them (compare.ts) and
 * say which differ. Read-only without a PIN source; with --pin-env/--pin-stdin it logs in to each
 * device once (aes-kcv.ts). Exit 0 consistent, 1 not consistent or a device unreadable, 3 no device.
 */
import { AppletNotFoundError } from '../../../card/errors.ts';
import { PCSC_CODE, PcscError } from '../../../transport/pcsc-errors.ts';
import { RefusedError, SchsmError, UsageError } from '../../../transport/errors.ts';
import type { SmartCardHsm } from '../../../card/sc-hsm.ts';
import { withCardAt, type CardArgs } from '../../card-session.ts';
import { announceDevice } from '../../device.ts';
import { cardSource } from '../../command.ts';
import { line, type CardSource, type CliContext } from '../../context.ts';
import { EXIT } from '../../exit-codes.ts';
import { printJson } from '../../output.ts';
import type { PinArgs } from '../../pin-options.ts';
import { SecretReader } from '../../secret-input.ts';
import { loginReader } from './aes-kcv.ts';
import { compareFleet } from '../../../card/fleet/compare.ts';
import { readSnapshot, type DeviceSnapshot, type LoggedInReader } from '../../../card/fleet/snapshot.ts';
import { fleetJson, fleetLines, verdictLine, type Unreadable } from '../../../card/fleet/view.ts';

export interface FleetArgs extends Omit<CardArgs, 'reader'>, PinArgs {
  readonly reader?: string | readonly string[] | undefined;
  readonly socket?: string | readonly string[] | undefined;
  readonly local?: boolean | undefined;
}

interface Target {
  readonly host: string;
  readonly reader: string;
  readonly source: CardSource;
}

const asList = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : [...v]);

/** `PATH` or `PATH=label`; the label names the host in the report (default: the path). */
export function parseSocket(spec: string): { path: string; label: string } {
  const at = spec.lastIndexOf('=');
  const path = at > 0 ? spec.slice(0, at) : spec;
  const label = at > 0 ? spec.slice(at + 1) : spec;
  if (path === '' || label === '') throw new UsageError(`--socket "${spec}": give PATH or PATH=label`);
  return { path, label };
}

async function localTargets(args: FleetArgs): Promise<Target[]> {
  const base = cardSource({ ...args, reader: undefined });
  const named = asList(args.reader);
  if (new Set(named).size !== named.length) throw new UsageError('the same --reader is named twice');
  if (named.length > 0) return named.map((reader) => ({ host: 'local', reader, source: { ...base, reader } }));
  if (args.sim === true || args.simState !== undefined) return [{ host: 'local', reader: 'simulator', source: base }];
  if (args.local === false) return [];
  const { listReaders } = await import('../../../transport/pcsc.ts');
  const found = (await listReaders()).filter((r) => r.cardPresent);
  // a PIN is tried only on devices the user named: a stranger's card in a reader would lose a try
  if (pinGiven(args) && found.length > 1)
    throw new RefusedError(
      `${found.length} cards are present (${found.map((r) => `"${r.name}"`).join(', ')}) and the user PIN was given: schsm tries a PIN only on devices you name`,
      `name each device of the pool: ${found.map((r) => `--reader ${r.index}`).join(' ')} (or --no-local for the --socket hosts only)`,
    );
  return found.map((r) => ({ host: 'local', reader: r.name, source: { ...base, reader: r.name } }));
}

/** The readers with a card behind each --socket; a host whose pcscd does not answer is reported, not fatal. */
async function remoteTargets(args: FleetArgs): Promise<{ targets: Target[]; unreachable: Unreadable[] }> {
  const sockets = asList(args.socket).map(parseSocket);
  if (new Set(sockets.map((s) => s.label)).size !== sockets.length) throw new UsageError('two --socket options have the same label');
  const targets: Target[] = [];
  const unreachable: Unreadable[] = [];
  if (sockets.length === 0) return { targets, unreachable };
  const { listPcscSocketReaders } = await import('../../../transport/pcsc-socket.ts');
  for (const s of sockets) {
    try {
      for (const r of await listPcscSocketReaders(s.path))
        if (r.cardPresent) targets.push({ host: s.label, reader: r.name, source: { reader: r.name, pcscSocket: s.path } });
    } catch (err) {
      // no socket at that path at all is the user's mistake: stop (exit 3) before reading anything
      if (!(err instanceof SchsmError) || err.code === 'ERR_SCHSM_TRANSPORT_SOCKET') throw err;
      unreachable.push({ host: s.label, reader: '(pcscd)', error: `could not list the readers: ${err.message}`, code: err.code });
    }
  }
  return { targets, unreachable };
}

type Outcome = { kind: 'device'; snapshot: DeviceSnapshot } | { kind: 'skipped' | 'unreadable'; entry: Unreadable };

async function readTarget(ctx: CliContext, t: Target, login: LoggedInReader | undefined, args: FleetArgs): Promise<Outcome> {
  try {
    const snapshot = await withCardAt(ctx, t.source, (card) => readSnapshot(card, t.host, login), { allowLastTry: args.allowLastTry });
    return { kind: 'device', snapshot };
  } catch (err) {
    // a wrong option or secret source, or a refusal to protect a PIN, is the command's, not the device's
    if (!(err instanceof SchsmError) || err instanceof UsageError || err instanceof RefusedError) throw err;
    const entry = { host: t.host, reader: t.reader, error: err.message, code: err.code };
    if (err instanceof AppletNotFoundError) return { kind: 'skipped', entry: { ...entry, error: 'not a SmartCard-HSM (skipped)' } };
    return { kind: 'unreadable', entry: { ...entry, error: `could not be read: ${err.message}` } };
  }
}

function pinGiven(args: PinArgs): boolean {
  return args.pinEnv !== undefined || args.pinStdin === true || args.pin !== undefined;
}

export async function runFleetStatus(args: FleetArgs, ctx: CliContext): Promise<number> {
  const remote = await remoteTargets(args);
  const targets = [...(await localTargets(args)), ...remote.targets];
  if (targets.length === 0 && remote.unreachable.length === 0)
    throw new PcscError('no card in any reader (local or behind --socket)', PCSC_CODE.SCARD_E_NO_SMARTCARD, {
      hint: 'insert the devices, name them with --reader, or add remote ones with --socket PATH',
    });
  if (targets.length > 1 && args.record !== undefined)
    throw new UsageError(
      `--record records one device, and ${targets.length} were found`,
      'name one device with --reader, or leave --record out',
    );
  const announce = async (card: SmartCardHsm): Promise<void> => void (await announceDevice(ctx, card, 'logging in to'));
  const login = pinGiven(args) ? loginReader(new SecretReader(ctx), args, announce) : undefined;
  const outcomes: Outcome[] = [];
  for (const t of targets) outcomes.push(await readTarget(ctx, t, login, args));
  const devices = outcomes.flatMap((o) => (o.kind === 'device' ? [o.snapshot] : []));
  const pick = (kind: 'skipped' | 'unreadable'): Unreadable[] => outcomes.flatMap((o) => (o.kind === kind ? [o.entry] : []));
  const report = {
    devices,
    unreadable: [...remote.unreachable, ...pick('unreadable')],
    skipped: pick('skipped'),
    verdict: compareFleet(devices),
  };
  if (args.json === true) printJson(ctx, fleetJson(report));
  else for (const l of fleetLines(report)) line(ctx.stdout, l);
  if (devices.length === 0) {
    line(ctx.stderr, 'error: no SmartCard-HSM could be read');
    return report.unreadable.length > 0 ? EXIT.FAILED : EXIT.NO_CARD;
  }
  if (report.verdict.consistent && report.unreadable.length === 0) return EXIT.OK;
  if (args.json === true) line(ctx.stderr, verdictLine(report));
  return EXIT.FAILED;
}
