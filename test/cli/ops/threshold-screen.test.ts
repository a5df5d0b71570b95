import test from 'ava';
import { PassThrough } from 'node:stream';
import type { CliContext } from '../../../src/cli/context.ts';
import { SecretReader } from '../../../src/cli/secret-input.ts';
import { presentShares } from '../../../src/cli/commands/dkek/threshold-io.ts';
import { splitPassword } from '../../../src/card/formats/threshold.ts';

const CLEAR = '\u001b[H\u001b[2J\u001b[3J';

class FakeTty extends PassThrough {
  isTTY = true;
  isRaw = false;
  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }
}

test("on a terminal each custodian's share gets its own screen: shown after <enter>, wiped (with scrollback) after the next", async (t) => {
  // prime and coefficient fixed so the expected screens can be written out: f(x) = 0x0102030405060708 + 5x mod p
  const split = splitPassword(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 2, 3, { prime: 0xfffffffffffffe95n, coefficients: [5n] });
  const tty = new FakeTty();
  let out = '';
  const ctx: CliContext = {
    stdout: (s) => (out += s),
    stderr: (s) => (out += s),
    stdin: tty,
    env: {},
    cwd: '/',
    isTTY: true,
    color: false,
    openTransport: () => Promise.reject(new Error('no card')),
  };
  const timer = setInterval(() => {
    if (/press <enter>[^\n]*\n?$/i.test(out) && !tty.isPaused()) {
      tty.write('\r');
    }
  }, 5);
  await presentShares(ctx, new SecretReader(ctx), split);
  clearInterval(timer);
  const screens = out.split(CLEAR);
  // intro + "press enter for share 1", then per share: the share screen, then the "press enter" for the next
  t.is(screens.length, 7);
  t.regex(screens[0] ?? '', /any 2 of them open the DKEK share file/);
  t.regex(screens[0] ?? '', /Press <enter> to display key share 1 of 3/);
  t.notRegex(screens[0] ?? '', /Share value/, 'nothing secret before the first <enter>');
  for (const [i, x] of [
    [1, 1n],
    [3, 2n],
    [5, 3n],
  ] as const) {
    const y = (0x0102030405060708n + 5n * x) % 0xfffffffffffffe95n;
    t.true(
      (screens[i] ?? '').startsWith(
        `Share ${x} of 3\n\nPrime       : ff:ff:ff:ff:ff:ff:fe:95\nShare ID    : ${x}\nShare value : ${y.toString(16).padStart(16, '0').match(/../g)?.join(':')}\n`,
      ),
    );
    t.regex(screens[i] ?? '', /Please note ALL values above and press <enter> when finished/);
  }
  t.is(screens[6], '', 'the last share is wiped at the end');
});
