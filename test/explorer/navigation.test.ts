// ls, cd, info, find, cat, asn1 over the in-process simulator, in script mode: what they print, the
// APDUs they send (hex literals from §2.3, §3.2, §3.5), and their failures.
import test from 'ava';
import { explore, initialisedSim, sent, USER_PIN } from './helpers.ts';

async function cardWithKey() {
  const sim = await initialisedSim();
  await explore(sim, [`verify user ${USER_PIN}`, 'keys generate ec:prime256v1 --label mykey']);
  return sim;
}

test('ls lists what ENUMERATE OBJECTS returns with kind, size and owner; keys show type from the PRKD', async (t) => {
  const sim = await cardWithKey();
  const r = await explore(sim, 'ls');
  t.is(r.code, 0, r.stderr);
  // ENUMERATE OBJECTS 80 58 00 00 | 00 00 00 (case 2E, §3.5) and SELECT of each EF 00 A4 00 00 02 FID 00 (§2.3)
  t.true(sent(r.apdus, '80 58 00 00 00 00 00'));
  t.true(sent(r.apdus, '00 A4 00 00 02 C4 01 00'));
  const lines = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' '));
  t.deepEqual(lines, [
    'FID Type Size Description',
    '2F02 device certificates 884 C_DevAut: device CVC and issuer (DICA) CVC',
    'C401 PRKD 62 description of key 1 "mykey"',
    'CC00 device key - PrK.DevAut, the device authentication key',
    'CC01 key EC 256 key 1 "mykey"',
    'CE01 CV request 490 of key 1',
  ]);
});

test('ls patterns glob over FIDs; no match says so', async (t) => {
  const sim = await cardWithKey();
  const r = await explore(sim, ['ls CC*', 'ls c4??', 'ls 9*']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /CC00 +device key/);
  t.regex(r.stdout, /CC01 +key +EC 256/);
  t.regex(r.stdout, /C401 +PRKD/);
  t.notRegex(r.stdout, /2F02/);
  t.regex(r.stdout, /\(no object matches\)/);
});

test('cd .. goes to the virtual MF (no APDU), ls there shows the applet; cd aid: re-selects it and logs out', async (t) => {
  const sim = await initialisedSim();
  const r = await explore(sim, ['cd ..', 'ls', 'info', 'cd ..', `verify user ${USER_PIN}`, 'cd aid:E82B0601040181C31F0201', 'pin_info']);
  t.regex(r.stdout, /^E82B0601040181C31F0201 {2}DF {2}SmartCard-HSM applet/m);
  t.regex(r.stdout, /DF: +3F00 \(MF; virtual/);
  t.regex(r.stderr, /script|<stdin>:4: already at the MF 3F00/);
  t.is(r.code, 1);
  const r2 = await explore(sim, [
    'cd ..',
    `verify user ${USER_PIN}`,
    'cd aid:E82B0601040181C31F0201',
    'pin_info',
    'cd 3F00',
    'cd aid:e82b0601040181c31f0201',
  ]);
  t.is(r2.code, 0, r2.stderr);
  // SELECT by AID 00 A4 04 00 | 0B | E82B0601040181C31F0201 | 00 (§2.3): at connect and at cd aid: (twice)
  t.is(r2.apdus.filter((a) => Buffer.from(a).toString('hex') === '00a404000be82b0601040181c31f020100').length, 3);
  t.regex(r2.stdout, /resets the PIN verification/);
  t.regex(r2.stdout, /user PIN \(0x81, CHV129\): logged out, 3 tries left/);
});

test('cd to an EF or an unknown AID fails clearly', async (t) => {
  const sim = await initialisedSim();
  let r = await explore(sim, 'cd C401');
  t.is(r.code, 1);
  t.regex(r.stderr, /C401 is not a DF/);
  r = await explore(sim, 'cd aid:A000000063504B43532D3135');
  t.is(r.code, 1);
  t.true(sent(r.apdus, '00 A4 04 00 0C A000000063504B43532D3135 00'));
  t.regex(r.stderr, /error: <stdin>:1: SELECT AID/);
  r = await explore(sim, 'cd aid:12');
  t.regex(r.stderr, /an AID is 5\.\.16 bytes/);
});

test('info FID decodes the FCI; info alone describes the applet from tag 85', async (t) => {
  const sim = await cardWithKey();
  const r = await explore(sim, ['info C401', 'info']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /file ID: +C401/);
  t.regex(r.stdout, /object: +PRKD \(description of key 1\)/);
  t.regex(r.stdout, /type: +working EF, transparent \(descriptor 01\)/);
  t.regex(r.stdout, /size: +62 bytes/);
  t.regex(r.stdout, /80 file size \(2\): 003E/);
  t.regex(r.stdout, /DF name \(AID\): +E82B0601040181C31F0201 \(E82B\/0601\/0401\/81C3\/1F02\/01\)/);
  t.regex(r.stdout, /options: +0001 \(user PIN reset with SO-PIN enabled\)/);
  t.regex(r.stdout, /85 proprietary .*\(5\): 0001/);
});

test('find selects each FID of the range and lists those that exist', async (t) => {
  const sim = await cardWithKey();
  const r = await explore(sim, 'find CE00 CE03');
  t.is(r.code, 0, r.stderr);
  for (const fid of ['CE00', 'CE01', 'CE02', 'CE03']) t.true(sent(r.apdus, `00 A4 00 00 02 ${fid} 00`), fid);
  t.regex(r.stdout, /^CE01 +certificate +490$/m);
  t.notRegex(r.stdout, /CE02/);
  t.regex(r.stdout, /1 file\(s\) found in CE00\.\.CE03/);
  const bad = await explore(sim, 'find CE03 CE00');
  t.regex(bad.stderr, /end CE00 is before start CE03/);
});

test('find over more than 4096 FIDs reports its progress on stderr after every 4096 (issue 11 item 12)', async (t) => {
  const sim = await cardWithKey();
  const r = await explore(sim, 'find C000 EFFF');
  t.is(r.code, 0, r.stderr);
  t.deepEqual(r.stderr.match(/^find: .*$/gm), ['find: C000..CFFF searched (33%), 4 found', 'find: C000..DFFF searched (66%), 4 found']);
  t.regex(r.stdout, /4 file\(s\) found in C000\.\.EFFF/);
  t.is((await explore(sim, 'find CE00 CEFF')).stderr, '', 'a short range stays quiet');
});

test('cat shows the hexdump and the decoded PRKD; cat without FID uses the current EF', async (t) => {
  const sim = await cardWithKey();
  const r = await explore(sim, ['cat C401', 'cat']);
  t.is(r.code, 0, r.stderr);
  // READ BINARY 00 B1 C4 01 | Lc 00 00 04 | 54 02 00 00 | Le 04 00 (§3.2; case 4E, 1024-byte chunks)
  t.true(sent(r.apdus, '00 B1 C4 01 | 00 00 04 | 54 02 00 00 | 04 00'));
  t.regex(r.stdout, /^0000 {2}A0 3C 30 0E 0C 05 6D 79 6B 65 79/m);
  t.regex(r.stdout, /PRKD: EC private key, 256 bits/);
  t.regex(r.stdout, /label: +"mykey"/);
  t.regex(r.stdout, /usage: +sign, signRecover, derive/);
  t.regex(r.stdout, /key ref: +1/);
  t.is(r.stdout.match(/PRKD: EC private key/g)?.length, 2);
});

test('cat of the CV request verifies its self-signature; of EF 2F02 the device chain', async (t) => {
  const sim = await cardWithKey();
  const r = await explore(sim, ['cat CE01', 'cat 2F02']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /CV request \(authenticated by the device\):/);
  t.regex(r.stdout, /CAR: +UTCA00001/);
  t.regex(r.stdout, /public key: +EC prime256v1 \(256 bits\)/);
  t.regex(r.stdout, /self-signature: valid/);
  t.regex(r.stdout, /device certificate \(C_DevAut\):/);
  t.regex(r.stdout, /chain: \S+00000 ← UTDICASIM00001 ← UTSRCASIM00001 \(schsm simulator root, simulated device\): verified$/m);
});

test('asn1 prints the TLV tree with tag names, then the decoded view', async (t) => {
  const sim = await cardWithKey();
  const r = await explore(sim, 'asn1 CE01');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /^67 authenticated CV request \(\d+\)$/m);
  t.regex(r.stdout, /^ {4}7F4E certificate body/m);
  t.regex(r.stdout, /5F20 certificate holder reference \(CHR\) \(16\): "UTSM\d+00001"/);
  t.regex(r.stdout, /self-signature: valid/);
});

test('cat of a key, of a missing file, without a current EF, and asn1 of non-TLV data fail clearly', async (t) => {
  const sim = await cardWithKey();
  const cases: Array<[string, RegExp]> = [
    ['cat CC01', /CC01 is a key: keys never leave the card/],
    ['cat CF42', /READ BINARY EF CF42.*\(SW=6A82\)/],
    ['cat', /no current EF/],
    ['asn1', /no current EF/],
  ];
  for (const [line, re] of cases) {
    const r = await explore(sim, line);
    t.is(r.code, 1, line);
    t.regex(r.stderr, re, line);
  }
  const r = await explore(sim, [`verify user ${USER_PIN}`, 'update_binary CF01 0 "plain text"', 'asn1 CF01']);
  t.is(r.code, 1);
  t.regex(r.stderr, /CF01 is not BER-TLV/);
});
