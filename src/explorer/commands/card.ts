/**
 * `status` (the device summary of SmartCardHsm.status(): PINs, DKEK, options, serial, keys — status
 * queries only, no PIN try spent), `reconnect` (open the card again, e.g. after it was pulled) and
 * `trace on FILE [--force] | off` (record this session's APDUs, secrets masked, with src/trace).
 */
import { hex4, toHex } from '../../apdu/hex.ts';
import { describePinState } from '../../card/pin-guard.ts';
import { arity, parseArgs } from '../args.ts';
import { completeWords } from '../complete.ts';
import { UsageError } from '../../transport/errors.ts';
import { completePath, resolveLocal } from '../local-files.ts';
import type { ExplorerSession } from '../session.ts';
import type { ExplorerCommand } from '../types.ts';

function field(session: ExplorerSession, name: string, value: string): void {
  session.print(`${`${name}:`.padEnd(14)}${value}`);
}

export const status: ExplorerCommand = {
  name: 'status',
  args: '',
  help: 'device summary: version, serial, PINs and tries left, DKEK, options, key count',
  async run(session, tokens) {
    arity(parseArgs(tokens), 0, 0, 'status');
    const card = await session.card();
    const st = await card.status();
    field(
      session,
      'device',
      `${st.appletType} ${st.version.major}.${st.version.minor}${st.serial === undefined ? '' : `, serial ${st.serial}`}`,
    );
    field(session, 'reader', `${card.transport.name}${card.transport.atr.length > 0 ? ` (ATR ${toHex(card.transport.atr, ' ')})` : ''}`);
    field(session, 'initialised', st.initialized ? 'yes' : 'no (run `schsm init` to initialise the device)');
    field(session, 'user PIN', describePinState(st.userPin));
    field(session, 'SO-PIN', describePinState(st.soPin));
    const d = st.dkek;
    field(
      session,
      'DKEK',
      d === undefined
        ? 'none (keys cannot be wrapped)'
        : d.outstanding > 0
          ? `${d.total - d.outstanding} of ${d.total} share(s) imported, ${d.outstanding} outstanding`
          : `${d.total === 0 ? 'random, made by the card (no shares: keys can be wrapped but not restored elsewhere)' : `complete (${d.total} share(s))`}, KCV ${d.kcvHidden ? 'not shown by the card until `verify user`' : d.kcv}`,
    );
    field(
      session,
      'options',
      st.options === undefined
        ? '-'
        : `${hex4(st.options.value)}${st.options.flags.length === 0 ? '' : ` (${st.options.flags.join(', ')})`}`,
    );
    field(session, 'keys', String(st.keyCount));
  },
};

export const reconnect: ExplorerCommand = {
  name: 'reconnect',
  args: '',
  help: 'connect to the card again (after it was removed or reset); the PIN must be verified again',
  timeoutMs: 30_000,
  async run(session, tokens) {
    arity(parseArgs(tokens), 0, 0, 'reconnect');
    const card = await session.reconnect();
    session.print(`connected to ${card.transport.name}: ${card.applet.typeName} ${card.applet.version.major}.${card.applet.version.minor}`);
  },
};

export const trace: ExplorerCommand = {
  name: 'trace',
  args: 'on FILE [--force] | off',
  help: 'record the APDUs of this session into a trace file (PINs and shares masked, mode 0600)',
  details: [
    'trace on session.trace   start (refuses to overwrite without --force)',
    'trace off                stop and close the file',
    'trace                    say whether a recording is on',
  ],
  complete: (session, i, partial) => (i === 0 ? completeWords(['on', 'off'], partial) : i === 1 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { force: 'boolean' });
    arity(args, 0, 2, 'trace on FILE [--force] | off');
    const [what, file] = args.positional;
    const rec = session.link.recording;
    if (what === undefined)
      session.print(rec === undefined ? 'not recording' : `recording into ${rec.file} (${rec.recorded} exchanges so far)`);
    else if (what === 'off') {
      const done = await session.link.stopRecording();
      session.print(done === undefined ? 'not recording' : `trace ${done.file} closed: ${done.recorded} exchange(s)`);
    } else if (what === 'on' && file !== undefined) {
      await session.card();
      const r = await session.link.startRecording({
        file: resolveLocal(session, file),
        force: args.flags.has('force'),
        header: { tool: 'schsm explore' },
      });
      session.print(`recording into ${r.file} (PINs, SO-PINs, DKEK shares, decrypted data and card random are masked)`);
    } else throw new UsageError('usage: trace on FILE [--force] | off');
  },
};
