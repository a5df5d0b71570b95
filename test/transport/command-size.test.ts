// Issue 9 finding 13: a 70 kB command APDU through pcscd failed as SCARD_E_INSUFFICIENT_BUFFER with
// "report this as a bug". Commands are measured before sending: the error says what is too large and
// by how much, exit 2, and nothing reaches the card.
import test from 'ava';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { exitCodeFor } from '../../src/cli/exit-codes.ts';
import { CommandTooLargeError, PCSC_MAX_TRANSMIT, withCommandSizeLimit } from '../../src/transport/command-size.ts';
import { pcscErrorFrom } from '../../src/transport/pcsc-errors.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { scripted } from '../helpers/scripted-transport.ts';
import { requirePcscd, withVirtualCard } from '../helpers/vpcd.ts';
import { initialisedSim, tempDir } from '../explorer/helpers.ts';

test("pcsc-lite's transmit buffer is MAX_BUFFER_SIZE_EXTENDED = 4 + 3 + 65536 + 3 + 2 (PCSC/pcsclite.h)", (t) => {
  t.is(PCSC_MAX_TRANSMIT, 65548);
});

test('a command longer than the limit is refused before the inner transport sees it; one at the limit goes through', async (t) => {
  const inner = scripted([[new Uint8Array(PCSC_MAX_TRANSMIT), Uint8Array.of(0x67, 0x00)]]);
  const limited = withCommandSizeLimit(inner);
  const err = await t.throwsAsync(limited.transmit(new Uint8Array(70_000)), { instanceOf: CommandTooLargeError });
  t.is(err?.code, 'ERR_SCHSM_APDU_TOO_LARGE');
  t.is(exitCodeFor(err), 2);
  t.is(err?.message, "command APDU of 70000 bytes is 4452 byte(s) over pcsc-lite's transmit buffer of 65548 bytes; nothing was sent");
  t.deepEqual(await limited.transmit(new Uint8Array(PCSC_MAX_TRANSMIT)), Uint8Array.of(0x67, 0x00));
  inner.assertConsumed();
});

test('SCARD_E_INSUFFICIENT_BUFFER no longer says "report this as a bug"', (t) => {
  const e = pcscErrorFrom(new Error('SCardTransmit error: Insufficient buffer.(0x80100008)'), 'SCardTransmit', 'R');
  t.notRegex(e.hint ?? '', /report this as a bug/);
  t.regex(e.hint ?? '', /65548/);
});

test.serial('a 70 kB raw APDU in a script through pcscd: exit 2 naming size, limit and excess; the card sees nothing of it', async (t) => {
  t.timeout(300_000);
  if (!(await requirePcscd(t))) return;
  const dir = tempDir('schsm-size-');
  writeFileSync(path.join(dir, 'big.apdu'), `00A40400:E82B0601040181C31F0201/00\n00D60000${'AB'.repeat(69_996)}\n`);
  const sim = await initialisedSim();
  await withVirtualCard(sim, async (reader) => {
    const seen: number[] = [];
    const r = await runCliCaptured(['run', '--reader', reader.readerName, 'big.apdu'], {
      cwd: dir,
      open: openDefaultTransport,
    });
    for (const e of reader.events) if (e.kind === 'apdu') seen.push(e.command.length);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, /command APDU of 70000 bytes is 4452 byte\(s\) over pcsc-lite's transmit buffer of 65548 bytes; nothing was sent/);
    t.notRegex(r.stderr, /report this as a bug|INSUFFICIENT_BUFFER/);
    t.deepEqual(
      seen.filter((n) => n > 1000),
      [],
      'no oversized APDU reached the card',
    );
    t.true(seen.length >= 1, 'the SELECT before it did');
  });
});
