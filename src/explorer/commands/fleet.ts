/**
 * `fleet [status] [READER...]`: the explorer side of `schsm fleet status` (card/fleet/: the same
 * snapshot, comparison and text). This session's card is device 1, compared with every other reader
 * holding a SmartCard-HSM, or with the readers named. Read-only and PIN-less: no VERIFY with a PIN, so
 * no AES check values (they need the user PIN on each card: `schsm fleet status --pin-env VAR`). This
 * session's card is read through the session itself, never opened a second time: a second connection
 * would SELECT the applet, which resets the PIN verification (§2.3), and the shell stays logged in as
 * it was. On the simulator (no PC/SC) only this card is shown, with a note saying so.
 */
import { AppletNotFoundError } from '../../card/errors.ts';
import { compareFleet } from '../../card/fleet/compare.ts';
import { readSnapshot, type DeviceSnapshot } from '../../card/fleet/snapshot.ts';
import { fleetLines, type Unreadable } from '../../card/fleet/view.ts';
import { SmartCardHsm } from '../../card/sc-hsm.ts';
import { RefusedError, SchsmError, UsageError } from '../../transport/errors.ts';
import { selectReader } from '../../transport/select-reader.ts';
import { parseArgs } from '../args.ts';
import type { ExplorerSession } from '../session.ts';
import type { ExplorerCommand } from '../types.ts';

/** How a PIN would be given, in the "not computed"/"not verified" texts: the CLI, which can log in. */
const LOGIN_HINT = '`schsm fleet status --pin-env VAR`';

type Outcome = { kind: 'device'; snapshot: DeviceSnapshot } | { kind: 'skipped' | 'unreadable'; entry: Unreadable };

/** The other readers to read: those named (resolved like --reader), else every other reader with a card. */
async function otherReaders(session: ExplorerSession, own: string, named: readonly string[]): Promise<string[]> {
  const list = session.listReaders;
  if (named.length === 0) {
    if (list === undefined) return [];
    return (await list()).filter((r) => r.cardPresent && r.name !== own).map((r) => r.name);
  }
  // without PC/SC a name is handed to the opener as given (`sim:FILE`)
  const names = list === undefined ? undefined : (await list()).map((r) => r.name);
  const out: string[] = [];
  for (const word of named) {
    const name = names === undefined ? word : selectReader(names, word);
    if (name === own) session.print(`${word}: this session's card (device 1), read through the session`);
    else if (!out.includes(name)) out.push(name);
  }
  return out;
}

async function readOther(session: ExplorerSession, reader: string): Promise<Outcome> {
  try {
    const transport = await session.openOther(reader);
    try {
      return { kind: 'device', snapshot: await readSnapshot(await SmartCardHsm.open(transport), 'local', undefined, LOGIN_HINT) };
    } finally {
      await transport.close();
    }
  } catch (err) {
    // a wrong word or a refusal is the command's; a card that cannot be read is one line of the report
    if (!(err instanceof SchsmError) || err instanceof UsageError || err instanceof RefusedError) throw err;
    const entry = { host: 'local', reader, error: err.message, code: err.code };
    if (err instanceof AppletNotFoundError) return { kind: 'skipped', entry: { ...entry, error: 'not a SmartCard-HSM (skipped)' } };
    return { kind: 'unreadable', entry: { ...entry, error: `could not be read: ${err.message}` } };
  }
}

export const fleet: ExplorerCommand = {
  name: 'fleet',
  args: '[status] [READER...]',
  help: 'compare this card with the SmartCard-HSMs in the other readers: DKEK KCV, keys (no PIN)',
  details: [
    'fleet                    this card and every other reader holding a SmartCard-HSM',
    'fleet status "Virtual PCD 00 01"   this card and the readers named (name, unique part or index)',
    'Consistent: the same DKEK KCV per key domain and the same keys (by ID, else label): type, label, public-key fingerprint.',
    'Read-only, no PIN: this session stays logged in (or not) as it was; its card is read through the session.',
    'No AES check values here (they need the user PIN on each card): `schsm fleet status --pin-env VAR` computes them.',
    'On the simulator there are no other readers: this card is shown alone.',
  ],
  timeoutMs: 180_000,
  async run(session, tokens) {
    const args = parseArgs(tokens);
    const named = args.positional[0] === 'status' ? args.positional.slice(1) : args.positional;
    if (session.df.kind === 'aid')
      throw new UsageError(
        'another application is selected: fleet reads the SmartCard-HSM applet',
        '`cd aid:E82B0601040181C31F0201` first (that SELECT logs out)',
      );
    const card = await session.card();
    const own = card.transport.name;
    const others = await otherReaders(session, own, named);
    if (session.listReaders === undefined && named.length === 0)
      session.print('no other readers are available: the explorer runs on the simulator (no PC/SC); comparing this card alone');
    else if (others.length === 0) session.print('no other reader holds a card: comparing this card alone');
    else session.print(`comparing this session's card (device 1) with ${others.length} other reader(s)`);
    const outcomes: Outcome[] = [{ kind: 'device', snapshot: await readSnapshot(card, 'local', undefined, LOGIN_HINT) }];
    for (const reader of others) outcomes.push(await readOther(session, reader));
    const devices = outcomes.flatMap((o) => (o.kind === 'device' ? [o.snapshot] : []));
    const pick = (kind: 'skipped' | 'unreadable'): Unreadable[] => outcomes.flatMap((o) => (o.kind === kind ? [o.entry] : []));
    const report = { devices, unreadable: pick('unreadable'), skipped: pick('skipped'), verdict: compareFleet(devices, LOGIN_HINT) };
    for (const l of fleetLines(report)) session.print(l);
  },
};
