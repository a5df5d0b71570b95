// `schsm readers` and `schsm doctor`: ATR identification offline; the commands through the real
// pcscd with the echo card and the SmartCard-HSM simulator behind vpcd; doctor in-process.
import test from 'ava';
import { existsSync } from 'node:fs';
import { identifyAtr, identifyKnownAtr, lookupSmartcardList, SMARTCARD_LIST } from '../../src/cli/commands/readers/identify-atr.ts';
import { describeVersionTag, versionTag } from '../../src/cli/commands/doctor/card-checks.ts';
import { createEchoCard } from '../../src/sim/echo-card.ts';
import { createSimulatorTransport, SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { openDefaultTransport } from '../../src/cli/default-context.ts';
import { apdu, hex } from '../helpers/apdu.ts';
import { runSchsm } from '../helpers/cli.ts';
import { requirePcscd, withVirtualCard } from '../helpers/vpcd.ts';

test('the SmartCard-HSM ATRs of §2.1 are recognised; a JCOP 2.4.1 ATR only as a candidate', (t) => {
  t.is(identifyKnownAtr('3BFE1800008131FE458031815448534D31738021408107FA')?.scHsm, 'yes');
  t.is(identifyKnownAtr('3B8E80018031815448534D3173802140810718')?.scHsm, 'yes');
  t.regex(identifyKnownAtr('3BDE18FF8191FE1FC38031815448534D317380214081071C')?.description[0] ?? '', /4K USB-Token/);
  t.is(identifyKnownAtr('3BDE96FF8191FE1FC38031815448534D3173802140810792')?.scHsm, 'yes');
  t.is(identifyKnownAtr('3BF81300008131FE454A434F5076323431B7')?.scHsm, 'maybe');
  t.is(identifyKnownAtr('3B8C8001476F494400000000000000007E')?.scHsm, 'maybe', 'GoID pattern 3B 8n 80 01 47 6F 49 44');
  t.is(identifyKnownAtr('3B8F8001804F0CA000000306030001000000006A'), undefined);
});

test('smartcard_list.txt format: regular expressions over spaced hex, whole-ATR match, tab-indented text', (t) => {
  const list =
    '# comment\n\n3B 8F 80 01 80 4F 0C A0 00 00 03 06 .. .. .. 00 00 00 00 ..\n\tPC/SC storage card\n\thttps://example\n\n3B 02 14 50\n\tSchlumberger Multiflex 3k\n';
  t.deepEqual(lookupSmartcardList(list, '3B8F8001804F0CA000000306030001000000006A'), ['PC/SC storage card', 'https://example']);
  t.is(lookupSmartcardList(list, '3B021450AA'), undefined, 'a prefix is not a match');
  t.deepEqual(lookupSmartcardList(list, '3b021450'), ['Schlumberger Multiflex 3k']);
});

test('identifyAtr falls back to the installed smartcard_list.txt', async (t) => {
  if (!existsSync(SMARTCARD_LIST)) {
    t.log(`${SMARTCARD_LIST} is not installed (pcsc-tools): only the built-in table was checked`);
    t.is(await identifyAtr(hex('3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A')), undefined);
    return;
  }
  const id = await identifyAtr(hex('3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A'));
  t.is(id?.source, 'smartcard_list.txt');
  t.true((id?.description.length ?? 0) > 0);
  t.is((await identifyAtr(hex('3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA')))?.source, 'schsm');
});

test('tag 85 of the FCP: 5-byte form [options][type][major][minor] and the 2-byte form of versions < 2.0 (§2.4)', (t) => {
  const fcp = hex('62 17 82 01 38 84 0B E8 2B 06 01 04 01 81 C3 1F 02 01 85 05 00 01 FF 03 07');
  t.deepEqual(versionTag(fcp), hex('00 01 FF 03 07'));
  t.is(describeVersionTag(hex('00 01 FF 03 07')), 'SmartCard-HSM version 3.7');
  t.is(describeVersionTag(hex('00 00 00 03 05')), 'SmartCard-HSM Applet for JCOP version 3.5');
  t.is(describeVersionTag(hex('00 00 01 02 00')), 'SmartCard-HSM Demo Applet for JCOP version 2.0');
  t.is(describeVersionTag(hex('01 03')), 'SmartCard-HSM version 1.3');
  t.deepEqual(versionTag(hex('6F 04 85 02 01 03')), hex('01 03'), 'inside an FCI 6F too');
  t.is(versionTag(hex('62 03 82 01 38')), undefined, 'no tag 85');
  t.is(versionTag(hex('62 05 85')), undefined, 'malformed TLV');
});

test('doctor --sim: applet version, extended length and PIN state of a fresh and an initialised simulator', async (t) => {
  const fresh = await runSchsm(['doctor', '--sim', '--json'], () => createSimulatorTransport());
  t.is(fresh.code, 0, fresh.stderr);
  const doc = JSON.parse(fresh.stdout) as {
    ok: boolean;
    findings: Array<{ check: string; verdict: string; detail: string; hint?: string }>;
  };
  const by = (check: string) => doc.findings.find((f) => f.check === check);
  t.is(by('SmartCard-HSM applet')?.detail, 'SmartCard-HSM Applet for JCOP version 3.5');
  t.is(by('extended length')?.verdict, 'ok');
  t.is(by('user PIN')?.verdict, 'warn');
  t.is(by('user PIN')?.hint, 'schsm init');
  const sim = new SmartCardHsmSimulator();
  await sim.process(apdu`00 A4 04 00 | 0B | E8 2B 06 01 04 01 81 C3 1F 02 01 | 00`);
  await sim.process(apdu`80 50 00 00 | 19 | 80 02 00 01 | 81 06 36 34 38 32 31 39 | 82 08 35 37 36 32 31 38 38 30 | 91 01 03`);
  await sim.process(apdu`00 20 00 81 | 06 | 30 30 30 30 30 30`); // one wrong PIN: 2 tries left
  sim.reset();
  const used = await runSchsm(['doctor', '--sim'], () => createSimulatorTransport({ simulator: sim }));
  t.is(used.code, 0, used.stderr);
  t.regex(used.stdout, /\[ok {2}\] user PIN: set, not verified, 2 tries left/);
});

test('doctor --sim with a blocked PIN fails (exit 1) and says how to unblock', async (t) => {
  const sim = new SmartCardHsmSimulator();
  await sim.process(apdu`00 A4 04 00 | 0B | E8 2B 06 01 04 01 81 C3 1F 02 01 | 00`);
  await sim.process(apdu`80 50 00 00 | 19 | 80 02 00 01 | 81 06 36 34 38 32 31 39 | 82 08 35 37 36 32 31 38 38 30 | 91 01 01`);
  t.deepEqual(await sim.process(apdu`00 20 00 81 | 06 | 30 30 30 30 30 30`), hex('69 83'), 'retry counter 1: one wrong PIN blocks');
  sim.reset();
  const r = await runSchsm(['doctor', '--sim'], () => createSimulatorTransport({ simulator: sim }));
  t.is(r.code, 1);
  t.regex(r.stdout, /\[FAIL\] user PIN: blocked \(6983\)\n +→ unblock it with the SO-PIN: schsm pin unblock/);
});

test.serial('readers and doctor through pcscd: the echo card is named, doctor says it is no SmartCard-HSM', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(createEchoCard(), async ({ readerName, index }) => {
    const r = await runSchsm(['readers', '--reader', String(index)], openDefaultTransport);
    t.is(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    t.is(lines[0], `${index}: ${readerName}`);
    t.regex(lines[1] ?? '', /^ {3}card present \(.*PRESENT.*\)$/);
    t.is(lines[2], '   ATR 3B 8A 80 01 73 63 68 73 6D 2D 65 63 68 6F 41');
    t.is(lines[3], '   schsm echo test card (virtual, src/sim/echo-card.ts)');
    t.is(lines.length, 5);
    const json = await runSchsm(['readers', '--json'], openDefaultTransport);
    const list = JSON.parse(json.stdout) as Array<{ name: string; atr: string; cardPresent: boolean; identity?: { source: string } }>;
    const ours = list.find((x) => x.name === readerName);
    t.is(ours?.atr, '3B8A8001736368736D2D6563686F41');
    t.is(ours?.identity?.source, 'schsm');
    const doc = await runSchsm(['doctor', '--reader', readerName], openDefaultTransport);
    t.is(doc.code, 0, doc.stdout + doc.stderr);
    t.regex(doc.stdout, /\[ok {2}\] pcscd: reachable; \d+ reader\(s\)/);
    t.regex(doc.stdout, /\[warn\] SmartCard-HSM applet: SELECT E82B0601040181C31F0201 answered 6A82/);
    t.regex(doc.stdout, /\[ok {2}\] extended length: a 512-byte response to an extended Le came back whole/);
  });
});

test.serial('doctor through pcscd with the SmartCard-HSM simulator behind vpcd', async (t) => {
  if (!(await requirePcscd(t))) return;
  await withVirtualCard(new SmartCardHsmSimulator(), async ({ readerName }) => {
    const r = await runSchsm(['doctor', '--reader', readerName, '--json'], openDefaultTransport);
    t.is(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as { findings: Array<{ check: string; verdict: string; detail: string; reader?: string }> };
    const mine = doc.findings.filter((f) => f.reader === readerName);
    t.deepEqual(
      mine.map((f) => [f.check, f.verdict]),
      [
        ['card', 'ok'],
        ['connection', 'ok'],
        ['SmartCard-HSM applet', 'ok'],
        ['extended length', 'ok'],
        ['user PIN', 'warn'],
      ],
    );
    t.regex(mine[0]?.detail ?? '', /ATR 3B FE 18 00 00 81 31 FE 45 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 FA — SmartCard-HSM/);
    t.is(mine[1]?.detail, 'connected (T=1)');
  });
});
