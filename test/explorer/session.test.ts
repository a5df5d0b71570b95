// The session across card trouble and recordings: a lost card keeps the shell alive, the next card
// command (or `reconnect`) resumes; `trace on|off` records the APDUs with secrets masked (mode 0600,
// no overwrite), and the recording continues across a reconnect.
import test from 'ava';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asciiHex, explore, initialisedSim, loggedSim, tempDir, USER_PIN } from './helpers.ts';
import { TransportError } from '../../src/transport/errors.ts';
import { decorate } from '../../src/transport/decorate.ts';
import type { Transport } from '../../src/transport/transport.ts';
import type { SmartCardHsmSimulator } from '../../src/sim/index.ts';

/** A card that can be "pulled": while out, opening and transmitting fail like PC/SC does. */
function pullableCard(sim: SmartCardHsmSimulator) {
  const state = { out: false, opened: 0 };
  const removed = (): TransportError =>
    new TransportError('SCardTransmit on "Test Reader": SCARD_W_REMOVED_CARD (card removed)', 'ERR_SCHSM_PCSC_CARD_REMOVED', {
      hint: 'insert the card',
    });
  const open = async (): Promise<Transport> => {
    if (state.out) throw new TransportError('no card in reader "Test Reader"', 'ERR_SCHSM_PCSC_NO_CARD');
    state.opened++;
    const t = await loggedSim(sim, []);
    return decorate(t, {
      transmit: async (c) => {
        if (state.out) throw removed();
        return t.transmit(c);
      },
    });
  };
  return { state, open };
}

test('card pulled mid-session: clear message, shell alive, next command fails while out, resumes when back', async (t) => {
  const sim = await initialisedSim();
  const card = pullableCard(sim);
  const { runExplorer } = await import('../../src/explorer/explorer.ts');
  const { PassThrough } = await import('node:stream');
  const stdin = new PassThrough();
  stdin.end(
    ['pin_info', 'echo pull', 'pin_info', 'echo still here', 'pin_info', 'echo insert', 'pin_info', 'reconnect', 'pin_info'].join('\n'),
  );
  let stdout = '';
  let stderr = '';
  const code = await runExplorer({
    openTransport: card.open,
    stdin,
    color: false,
    cwd: tempDir(),
    env: {},
    keepGoing: true,
    stdout: (s) => {
      stdout += s;
      if (s === 'pull\n') card.state.out = true; // the card leaves the reader between two lines
      if (s === 'insert\n') card.state.out = false;
    },
    stderr: (s) => (stderr += s),
  });
  t.is(code, 1, 'two lines failed');
  t.regex(stderr, /^error: <stdin>:3: SCardTransmit on "Test Reader": SCARD_W_REMOVED_CARD \(card removed\)$/m);
  t.regex(stderr, /warning: lost the card connection; the shell stays open: insert the card and type `reconnect`/);
  t.regex(stderr, /^error: <stdin>:5: no card: no card in reader "Test Reader"$/m);
  t.regex(stderr, /hint: insert the card \(or plug the token in\) and type `reconnect`/);
  t.notRegex(stderr, /<stdin>:[79]:/, 'after re-insertion the commands work');
  t.is(stdout.match(/logged out, 3 tries left/g)?.length, 3);
  t.regex(stdout, /^still here$/m);
  t.regex(stdout, /^connected to simulator: SmartCard-HSM/m);
  t.is(card.state.opened, 3, 'first connect, automatic reconnect at line 7, `reconnect` at line 8');
});

test('trace on FILE records the APDUs with the PIN masked and the command lines as comments; off closes it', async (t) => {
  const sim = await initialisedSim();
  const dir = tempDir();
  const r = await explore(sim, ['trace', 'trace on s.trace', `verify user ${USER_PIN}`, 'trace', 'trace off', 'pin_info', 'trace off'], {
    cwd: dir,
  });
  t.is(r.code, 0, r.stderr);
  const file = path.join(dir, 's.trace');
  t.is(statSync(file).mode & 0o777, 0o600);
  const text = readFileSync(file, 'utf8');
  t.regex(text, /^# schsm APDU trace$/m);
  t.regex(text, /^# tool: schsm explore$/m);
  t.regex(text, /^# explore> verify user$/m, 'the line without its PIN');
  t.regex(text, /^=> 00 20 00 81$/m);
  t.regex(text, /^=> 00 20 00 81 06 \.\. \.\. \.\. \.\. \.\. \.\.(\s+#.*)?$/m);
  t.false(text.toUpperCase().includes(asciiHex(USER_PIN, ' ')));
  t.false(text.includes(USER_PIN));
  // the check before a PIN is asked, the channel guard's query right before the VERIFY, the VERIFY
  t.is(text.match(/^=> /gm)?.length, 3, 'only the three VERIFYs: pin_info came after trace off');
  t.regex(r.stdout, /^not recording$/m);
  t.regex(r.stdout, /recording into .*s\.trace \(3 exchanges so far\)/);
  t.regex(r.stdout, /trace .*s\.trace closed: 3 exchange\(s\)/);
  const again = await explore(sim, ['trace on s.trace'], { cwd: dir });
  t.is(again.code, 1);
  t.regex(again.stderr, /s\.trace/);
  const forced = await explore(sim, ['trace on s.trace --force', 'pin_info'], { cwd: dir });
  t.is(forced.code, 0, forced.stderr);
  t.is(readFileSync(file, 'utf8').match(/^=> /gm)?.length, 1);
});

test('--record records from the start and keeps recording across reconnect into the same file', async (t) => {
  const sim = await initialisedSim();
  const dir = tempDir();
  const r = await explore(sim, ['pin_info', 'reconnect', 'pin_info'], {
    cwd: dir,
    record: { file: 'all.trace', force: false, redact: true },
  });
  t.is(r.code, 0, r.stderr);
  const text = readFileSync(path.join(dir, 'all.trace'), 'utf8');
  // SELECT applet at start and at reconnect (§2.3), each pin_info one VERIFY-status
  t.is(text.match(/^=> 00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00$/gm)?.length, 2);
  t.is(text.match(/^=> 00 20 00 81$/gm)?.length, 2);
  writeFileSync(path.join(dir, 'exists.trace'), 'x');
  const refused = await explore(sim, ['pin_info'], { cwd: dir, record: { file: 'exists.trace', force: false, redact: true } }).catch(
    (e: Error) => e,
  );
  t.true(refused instanceof Error);
  t.is(readFileSync(path.join(dir, 'exists.trace'), 'utf8'), 'x', 'never overwritten without --force');
});
