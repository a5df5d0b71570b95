// pin_info, verify, change, unblock: the exact APDUs (§3.6–§3.8, §11.1), the retry guard (no PIN is
// sent when one try is left unless --force), and PINs never echoed.
import test from 'ava';
import { asciiHex, explore, hexes, initialisedSim, sent, sessionWithPrompter, SO_PIN, USER_PIN } from './helpers.ts';

test('pin_info asks VERIFY-status only (case 1), for user, SO-PIN and CHV numbers', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, ['pin_info', 'pin_info so', 'pin_info CHV129', 'pin_info 0x85']);
  t.is(r.code, 0, r.stderr);
  t.true(sent(r.apdus, '00 20 00 81'));
  t.true(sent(r.apdus, '00 20 00 88'));
  t.true(sent(r.apdus, '00 20 00 85'));
  t.false(
    r.apdus.some((a) => a[1] === 0x20 && a.length > 4),
    'no PIN was sent',
  );
  t.regex(r.stdout, /^user PIN \(0x81, CHV129\): logged out, 3 tries left$/m);
  t.regex(r.stdout, /^SO-PIN \(0x88, CHV136\): logged out, 15 tries left$/m);
  t.regex(r.stdout, /biometric template \(0x85, CHV133\): not set/);
});

test('verify sends 00 20 00 81 | Lc | ASCII PIN after the status query; hex PINs work too', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [`verify user ${USER_PIN}`, 'pin_info', `verify CHV129 ${asciiHex(USER_PIN, ':')}`]);
  t.is(r.code, 0, r.stderr);
  const h = hexes(r.apdus);
  const i = h.indexOf(`00200081 06 ${asciiHex(USER_PIN)}`.replace(/ /g, ''));
  t.true(i > 0);
  t.is(h[i - 1], '00200081', 'the guard asks the status right before');
  t.regex(r.stdout, /Code correct: user PIN \(0x81, CHV129\) verified\./);
  t.regex(r.stdout, /logged in; verified in this session|logged in/);
  t.regex(r.stdout, /verified \(it was already\)/);
  t.false(r.stdout.includes(USER_PIN) || r.stderr.includes(USER_PIN));
});

test('§11.1 vector: verify user 648219 is 0020008106363438323139', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, 'verify user 648219');
  t.is(r.code, 1);
  t.true(sent(r.apdus, '00 20 00 81 06 36 34 38 32 31 39'));
  t.regex(r.stderr, /wrong user PIN, 2 tries left \(SW=63C2\)/);
});

test('the retry guard refuses the last try without sending the PIN; --force does not help, --allow-last-try sends it', async (t) => {
  const sim = await initialisedSim();
  const wrong = await explore(sim, ['verify user 000001', 'verify user 000002'].join('\n'), { keepGoing: true });
  t.regex(wrong.stderr, /1 try left/);
  const refused = await explore(sim, 'verify user 000003');
  t.is(refused.code, 1);
  t.regex(refused.stderr, /refusing to try the user PIN: only 1 try left/);
  t.regex(refused.stderr, /hint: make sure of the value, then: verify user --allow-last-try/);
  t.false(
    refused.apdus.some((a) => a[1] === 0x20 && a.length > 4),
    'no VERIFY with data',
  );
  const forced = await explore(sim, `verify user ${USER_PIN} --force`);
  t.is(forced.code, 1);
  t.regex(forced.stderr, /unknown option --force/, '--force never weakens the PIN guard');
  t.false(forced.apdus.some((a) => a[1] === 0x20 && a.length > 4));
  const ok = await explore(sim, `verify user ${USER_PIN} --allow-last-try`);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /verified/);
  const info = await explore(sim, 'pin_info');
  t.regex(info.stdout, /3 tries left/, 'a correct PIN resets the counter');
});

test('verify without a PIN and without a terminal fails before sending anything secret', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, 'verify user');
  t.is(r.code, 1);
  t.regex(r.stderr, /no User PIN given and no terminal to ask for it/);
  t.false(r.apdus.some((a) => a[1] === 0x20 && a.length > 4));
});

test('omitted PINs are asked at hidden prompts (new ones twice); a mismatch sends nothing', async (t) => {
  const sim = await initialisedSim();
  const answers = [USER_PIN, USER_PIN, '314159', '314159', USER_PIN, '271000', '271001'];
  const { session, apdus, asked, run } = await sessionWithPrompter(sim, answers);
  await run('verify user');
  await run('change user');
  const err = await run('change user').catch((e: Error) => e);
  t.true(err instanceof Error);
  t.regex((err as Error).message, /the two entries of the new user PIN differ/);
  t.deepEqual(asked, [
    ['User PIN: ', true],
    ['Current user PIN: ', true],
    ['New user PIN: ', true],
    ['Repeat new user PIN: ', true],
    ['Current user PIN: ', true],
    ['New user PIN: ', true],
    ['Repeat new user PIN: ', true],
  ]);
  t.true(sent(apdus, `00 20 00 81 06 ${asciiHex(USER_PIN)}`));
  t.true(sent(apdus, `00 24 00 81 0C ${asciiHex(USER_PIN)} ${asciiHex('314159')}`));
  t.false(
    apdus.some((a) => Buffer.from(a).toString('hex').includes(Buffer.from('271000').toString('hex'))),
    'nothing sent after a mismatch',
  );
  await session.close();
});

test('change user sends old ‖ new; SO-PIN change sends 8 ‖ 8 bytes; the new PIN works', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, [
    `change user ${USER_PIN} 314159`,
    'verify user 314159',
    `change so ${SO_PIN} 0011223344556677`,
    'pin_info so',
  ]);
  t.is(r.code, 0, r.stderr);
  // CHANGE REFERENCE DATA 00 24 00 81 | 0C | old ‖ new (§3.7)
  t.true(sent(r.apdus, `00 24 00 81 0C ${asciiHex(USER_PIN)} ${asciiHex('314159')}`));
  t.true(sent(r.apdus, `00 24 00 88 10 ${SO_PIN} 0011223344556677`));
  t.regex(r.stdout, /user PIN \(0x81, CHV129\) changed\./);
  t.regex(r.stdout, /SO-PIN \(0x88, CHV136\) changed\./);
  const weak = await explore(sim, ['change user 314159 123456']);
  t.regex(weak.stderr, /warning: the user PIN is a published example\/default or trivial value/);
});

test('unblock: SO-PIN alone resets the counter (P1 01); with a new PIN P1 00; only the user PIN', async (t) => {
  const sim = await initialisedSim();
  await explore(sim, ['verify user 000001', 'verify user 000002', 'verify user 000003 --allow-last-try'].join('\n'), { keepGoing: true });
  let r = await explore(sim, 'pin_info');
  t.regex(r.stdout, /BLOCKED/);
  r = await explore(sim, [`unblock user ${SO_PIN}`, 'pin_info', `unblock user ${SO_PIN} 161803`, 'verify user 161803']);
  t.is(r.code, 0, r.stderr);
  // RESET RETRY COUNTER 00 2C 01 81 | 08 | SO-PIN  and  00 2C 00 81 | 0E | SO-PIN ‖ new PIN (§3.8)
  t.true(sent(r.apdus, `00 2C 01 81 08 ${SO_PIN}`));
  t.true(sent(r.apdus, `00 2C 00 81 0E ${SO_PIN} ${asciiHex('161803')}`));
  t.regex(r.stdout, /unblocked \(retry counter reset, PIN unchanged\)/);
  t.regex(r.stdout, /unblocked and set to the new value/);
  const so = await explore(sim, `unblock so ${SO_PIN}`);
  t.regex(so.stderr, /only the user PIN can be unblocked/);
  const empty = await explore(sim, `unblock user ${SO_PIN} ""`);
  t.is(empty.code, 0, empty.stderr);
  t.true(sent(empty.apdus, `00 2C 01 81 08 ${SO_PIN}`));
});
