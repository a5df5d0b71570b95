// The right device, always (issue 9 finding 9), through the REAL pcscd with a simulated SmartCard-HSM
// in each of the two vpcd readers (both locked). Without --reader, destructive or secret-consuming
// commands refuse (exit 4) and list both cards with reader, serial and label, touching neither; with
// --reader they name the device before asking for any secret; read-only commands and the explorer
// take the first card and say which. Never skipped in CI.
import test from 'ava';
import { PassThrough } from 'node:stream';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createChannel, GuessedCardError } from '../../src/apdu/index.ts';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { encodeTokenInfo } from '../../src/card/token-info.ts';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { runCliCaptured, type CliResult } from '../helpers/cli.ts';
import { requirePcscd, withVirtualCards } from '../helpers/vpcd.ts';
import { setupCard, SO_PIN, tempDir, USER_PIN } from '../cli/ops/helpers.ts';

const LABEL = 0x2f03;
const SERIALS = ['UTSM1111111', 'UTSM2222222'] as const;
const env = { P: USER_PIN, SO: SO_PIN };
const hexBytes = (h: string): Uint8Array => Buffer.from(h, 'hex');
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex').toUpperCase();
const INIT = `8050000019800200018106${ascii(USER_PIN)}8208${SO_PIN}910103`;

async function device(serial: string, label: string): Promise<SmartCardHsmSimulator> {
  const sim = new SmartCardHsmSimulator({ serial });
  await setupCard(sim);
  sim.state.files.set(LABEL, encodeTokenInfo(label));
  return sim;
}

function cli(argv: readonly string[], cwd: string, more: { stdinStream?: NodeJS.ReadableStream; onStderr?: (t: string) => void } = {}) {
  return runCliCaptured(argv, { cwd, env: { ...env, XDG_STATE_HOME: cwd }, open: openDefaultTransport, ...more });
}

/** Both cards are listed with reader index, serial and label, and the refusal names --reader. */
function listsBoth(t: import('ava').ExecutionContext, r: CliResult, indices: readonly number[]): void {
  t.is(r.code, 4, r.stderr);
  t.regex(r.stderr, /error: 2 cards are present .* no reader was named: schsm does not guess the card .*\(--reader chooses\)/);
  t.regex(r.stderr, new RegExp(`--reader ${indices[0]} +SmartCard-HSM ${SERIALS[0]} "HSM A" in Virtual PCD 00 00`));
  t.regex(r.stderr, new RegExp(`--reader ${indices[1]} +SmartCard-HSM ${SERIALS[1]} "HSM B" in Virtual PCD 00 01`));
}

test.serial('two cards, no --reader: erasing, PIN-spending and raw commands refuse and list both; read-only ones say which', async (t) => {
  if (!(await requirePcscd(t))) return;
  const a = await device(SERIALS[0], 'HSM A');
  const b = await device(SERIALS[1], 'HSM B');
  const dir = tempDir('schsm-devices-');
  writeFileSync(path.join(dir, 'wipe.apdu'), `00A40400:E82B0601040181C31F0201/00\n${INIT}\n`);
  writeFileSync(path.join(dir, 'look.txt'), 'pin_info\n');
  await withVirtualCards([a, b], async (readers) => {
    const indices = readers.map((r) => r.index);
    listsBoth(t, await cli(['init', '--yes', '--so-pin-env', 'SO', '--pin-env', 'P'], dir), indices);
    listsBoth(t, await cli(['pin', 'verify', '--pin-env', 'P'], dir), indices);
    listsBoth(t, await cli(['keys', 'delete', '--ref', '1', '--yes', '--pin-env', 'P'], dir), indices);
    listsBoth(t, await cli(['domain', 'delete', '--domain', '0', '--yes', '--pin-env', 'P'], dir), indices);
    listsBoth(t, await cli(['domain', 'clear', '--domain', '0', '--yes', '--pin-env', 'P'], dir), indices);
    listsBoth(t, await cli(['apdu', '--yes', '00A40400:E82B0601040181C31F0201/00', INIT], dir), indices);
    listsBoth(t, await cli(['run', '--yes', 'wipe.apdu'], dir), indices);
    for (const sim of [a, b]) {
      t.true(sim.state.files.has(LABEL), 'neither card was erased');
      t.is(sim.state.userPin?.retries, 3, 'no PIN was tried on either card');
    }
    const status = await cli(['status'], dir);
    t.is(status.code, 0, status.stderr);
    t.regex(status.stderr, /note: 2 cards present; using the one in "Virtual PCD 00 00" \(the first\); --reader chooses/);
    const shell = await cli(['explore', '--script', 'look.txt', '--no-history'], dir);
    t.is(shell.code, 0, shell.stderr);
    t.regex(shell.stderr, /note: 2 cards present; using the one in "Virtual PCD 00 00"/, 'npm start says which card it took');
  });
});

test.serial(
  'two cards, no --reader: keys derive, data put|delete, the explorer and the library spend no PIN try on the first card',
  async (t) => {
    if (!(await requirePcscd(t))) return;
    const a = await device(SERIALS[0], 'HSM A');
    const b = await device(SERIALS[1], 'HSM B');
    const dir = tempDir('schsm-devices-');
    writeFileSync(path.join(dir, 'note.txt'), 'not for the wrong card\n');
    writeFileSync(path.join(dir, 'login.txt'), `verify user ${USER_PIN}\n`);
    await withVirtualCards([a, b], async (readers) => {
      const indices = readers.map((r) => r.index);
      listsBoth(t, await cli(['keys', 'derive', '--ref', '1', '--to', '2', '--param', '01', '--pin-env', 'P'], dir), indices);
      listsBoth(t, await cli(['data', 'put', 'note.txt', '--label', 'note', '--pin-env', 'P'], dir), indices);
      listsBoth(t, await cli(['data', 'delete', '--label', 'note', '--pin-env', 'P'], dir), indices);
      // the explorer takes the first card (saying which), and refuses to log in to it
      const shell = await cli(['explore', '--script', 'login.txt', '--no-history'], dir);
      t.is(shell.code, 1, 'the script stops at the refused login');
      t.regex(shell.stderr, /note: 2 cards present; using the one in "Virtual PCD 00 00"/);
      t.regex(
        shell.stderr,
        /refusing to send VERIFY \(user PIN\): 2 cards are present \("Virtual PCD 00 00", "Virtual PCD 00 01"\) and no reader was named/,
      );
      t.notRegex(shell.stdout + shell.stderr, new RegExp(USER_PIN));
      // the library: a transport opened without a reader carries the guess, and the channel's guard refuses
      // the PIN try itself (not only the CLI's early check), whatever the policy
      const transport = await openDefaultTransport({});
      try {
        t.deepEqual(transport.guessedFrom, ['Virtual PCD 00 00', 'Virtual PCD 00 01']);
        const channel = createChannel(transport, { guard: { allowLastTry: true } });
        t.is(
          (await channel.send({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: hexBytes('E82B0601040181C31F0201') })).sw,
          0x9000,
          'SELECT passes',
        );
        const err = await t.throwsAsync(channel.send({ cla: 0, ins: 0x20, p1: 0, p2: 0x81, data: Buffer.from(USER_PIN) }), {
          instanceOf: GuessedCardError,
        });
        t.is(err?.code, 'ERR_SCHSM_AMBIGUOUS_CARD');
      } finally {
        await transport.close();
      }
      for (const sim of [a, b]) {
        t.is(sim.state.userPin?.retries, 3, 'no PIN was tried on either card');
      }
      t.false(
        [...a.state.files.keys(), ...b.state.files.keys()].some((fid) => fid >> 8 === 0xcd),
        'no data object was stored',
      );
    });
  },
);

test.serial('with --reader the command names the device (reader, serial, label) before it reads a secret', async (t) => {
  if (!(await requirePcscd(t))) return;
  const a = await device(SERIALS[0], 'HSM A');
  const b = await device(SERIALS[1], 'HSM B');
  const dir = tempDir('schsm-devices-');
  await withVirtualCards([a, b], async (readers) => {
    // stdin gets the PIN only once the device line was printed: a command that asked first would wait
    // for ever (a cap turns that into a clear failure).
    const stdin = new PassThrough();
    const cap = setTimeout(() => stdin.end(), 120_000);
    const r = await cli(['pin', 'verify', '--pin-stdin', '--reader', readers[1].readerName], dir, {
      stdinStream: stdin,
      onStderr: (text) => {
        if (text.startsWith('device: ')) stdin.end(`${USER_PIN}\n`);
      },
    });
    clearTimeout(cap);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stderr, new RegExp(`^device: SmartCard-HSM ${SERIALS[1]} "HSM B" in Virtual PCD 00 01$`, 'm'));
    t.regex(r.stdout, /user PIN verified/);
    const raw = await cli(['apdu', '--reader', String(readers[0].index), '--yes', '00A40400:E82B0601040181C31F0201/00', INIT], dir);
    t.is(raw.code, 0, raw.stderr);
    t.regex(raw.stderr, new RegExp(`^device: SmartCard-HSM ${SERIALS[0]} "HSM A" in Virtual PCD 00 00$`, 'm'));
    t.false(a.state.files.has(LABEL), 'the named card was erased, as confirmed');
    t.true(b.state.files.has(LABEL), 'the other one was not');
  });
});
