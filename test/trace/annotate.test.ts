import test from 'ava';
import { annotate, annotateCommand, annotateResponse, lengthInfo } from '../../src/trace/annotate.ts';
import { annotationJson, dataJson } from '../../src/trace/annotate-json.ts';
import { parseTrace } from '../../src/trace/format.ts';
import { describeCla } from '../../src/trace/ins-names.ts';
import { parsePattern } from '../../src/trace/pattern.ts';
import { renderAnnotation } from '../../src/trace/render.ts';

const cmd = (h: string) => annotateCommand(parsePattern(h));
const resp = (h: string, ins: number) => annotateResponse(parsePattern(h), ins);

test('SELECT the SmartCard-HSM applet and its FCP (bytes from 03-card-name.opensc.log)', (t) => {
  const c = cmd('00 A4 04 00 0B E8 2B 06 01 04 01 81 C3 1F 02 01 00');
  t.is(c.name, 'SELECT');
  t.is(c.cla.text, '00: ISO');
  t.is(c.params, 'P1 04: select by DF name (AID) · P2 00: return FCI');
  t.like(c.lengths, { case: '4S', form: 'short', nc: 11, ne: 256, text: 'case 4S · Lc 0B (Nc 11) · Le 00 (Ne 256)' });
  t.deepEqual(c.data, {
    kind: 'fields',
    what: 'DF name',
    fields: [{ name: 'AID', value: 'E82B0601040181C31F0201 (SmartCard-HSM applet)' }],
  });
  const r = resp('62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 30 8A 01 05 85 05 00 00 FF 06 06 90 00', 0xa4);
  t.like(r, { sw: '9000', swName: 'OK', success: true, dataLength: 36, retriesLeft: undefined });
  t.is(r.data?.kind, 'tlv');
  const tree = dataJson(r.data);
  t.deepEqual(tree?.kind === 'tlv' ? tree.lines : [], [
    '62 FCP template (34)',
    '  81 file size (total) (2): 0000',
    '  82 file descriptor (1): 01',
    '  83 file identifier (2): 0000',
    '  84 DF name (AID) (11): 2B0601040181C31F020130',
    '  8A life cycle status (1): 05',
    '  85 proprietary (SmartCard-HSM options, type, version) (5): 0000FF0606',
  ]);
});

test('VERIFY: status query (case 1) answered 63C3 gives 3 tries left; a masked PIN is only counted', (t) => {
  const q = cmd('00 20 00 81');
  t.is(q.params, 'P1 00: - · P2 81: user PIN (status query: no PIN sent)');
  t.is(q.lengths.case, '1');
  t.like(resp('63 C3', 0x20), { sw: '63C3', swName: 'PIN_INCORRECT', retriesLeft: 3, success: false });
  const v = cmd('00 20 00 81 06 .. .. .. .. .. ..');
  t.deepEqual(v.data, { kind: 'secret', what: 'PIN', length: 6 });
  t.is(v.masked, 6);
  // Even a trace recorded with redaction off never has its PIN decoded.
  t.deepEqual(cmd('00 20 00 81 06 36 34 38 32 31 39').data, { kind: 'secret', what: 'PIN', length: 6 });
  t.is(cmd('00 20 00 88 08 .. .. .. .. .. .. .. ..').params, 'P1 00: - · P2 88: SO-PIN (initialization code)');
});

test('ENUMERATE OBJECTS (2E) and its list of file identifiers with their prefixes (§5)', (t) => {
  const c = cmd('80 58 00 00 00 00 00');
  t.is(c.name, 'ENUMERATE OBJECTS');
  t.like(c.cla, { proprietary: true, chaining: false, secureMessaging: 'none', text: '80: proprietary' });
  t.like(c.lengths, { case: '2E', form: 'extended', ne: 65536 });
  t.deepEqual(resp('C4 00 CC 00 CC 01 C4 01 CE 01 C8 03 CA 03 C9 04 CF 04 90 00', 0x58).data, {
    kind: 'fids',
    what: 'objects',
    entries: [
      { fid: 'C400', meaning: 'PRKD (key description) of key 0' },
      { fid: 'CC00', meaning: 'key 0 = PrK.DevAut (device key)' },
      { fid: 'CC01', meaning: 'key 1' },
      { fid: 'C401', meaning: 'PRKD (key description) of key 1' },
      { fid: 'CE01', meaning: 'certificate of key 1' },
      { fid: 'C803', meaning: 'CD (certificate description) of CA certificate 3' },
      { fid: 'CA03', meaning: 'CA certificate 3' },
      { fid: 'C904', meaning: 'DCOD (data object description) 4' },
      { fid: 'CF04', meaning: 'public data object 4' },
    ],
  });
});

test('SIGN (4E) with ECDSA + SHA-256 and a DER signature answer', (t) => {
  const c = cmd(`80 68 01 73 00 00 20 ${'AB '.repeat(32)}02 00`);
  t.is(c.name, 'SIGN');
  t.is(c.params, 'P1 01: key 1 · P2 73: algorithm ECDSA + SHA-256');
  t.like(c.lengths, { case: '4E', nc: 32, ne: 512, text: 'case 4E · Lc 00 00 20 (Nc 32) · Le 02 00 (Ne 512)' });
  t.deepEqual(c.data, { kind: 'bytes', what: 'input (hash, DigestInfo or padded block)', length: 32, masked: 0 });
  const r = resp('30 08 02 02 01 02 02 02 03 04 90 00', 0x68);
  t.deepEqual(dataJson(r.data), {
    kind: 'tlv',
    what: 'ECDSA signature (DER)',
    length: 10,
    lines: ['30 SEQUENCE (8)', '  02 INTEGER (2): 0102', '  02 INTEGER (2): 0304'],
  });
});

test('GENERATE ASYMMETRIC KEY PAIR: key ids in P1/P2', (t) => {
  const c = cmd('00 46 02 00 00 00 06 5F 29 01 00 42 00 00 00');
  t.is(c.params, 'P1 02: new key 2 · P2 00: outer request signed by key 0 (device key)');
  t.like(c.lengths, { case: '4E', nc: 6, ne: 65536 });
});

test('INITIALIZE DEVICE parameters decoded, PIN and SO-PIN by length only (layout from 05-initialize)', (t) => {
  const c = cmd('80 50 00 00 1C 80 02 00 01 81 06 .. .. .. .. .. .. 82 08 .. .. .. .. .. .. .. .. 91 01 03 92 01 01');
  t.deepEqual(c.data, {
    kind: 'fields',
    what: 'initialization parameters',
    fields: [
      { name: '80 options', value: '0001 (RESET RETRY COUNTER enabled)' },
      { name: '81 initial user PIN', value: 'secret, 6 bytes' },
      { name: '82 SO-PIN (initialization code)', value: 'secret, 8 bytes' },
      { name: '91 user PIN retry counter', value: '3' },
      { name: '92 DKEK shares', value: '1' },
    ],
  });
});

test('IMPORT DKEK SHARE: share secret, status answer decoded (KCV from 13-kcv-with-pin-raw)', (t) => {
  t.deepEqual(cmd(`80 52 00 00 20 ${'.. '.repeat(32)}00`).data, { kind: 'secret', what: 'DKEK share', length: 32 });
  t.deepEqual(resp('01 00 6C 60 98 24 B9 CA 28 EB 90 00', 0x52).data, {
    kind: 'fields',
    what: 'DKEK status',
    fields: [
      { name: 'total shares', value: '1' },
      { name: 'outstanding shares', value: '0' },
      { name: 'key check value', value: '6C609824B9CA28EB' },
    ],
  });
  t.is(cmd('80 52 00 00 00').lengths.text, 'case 2S · Le 00 (Ne 256)');
});

test('READ/UPDATE BINARY with odd INS: FID in P1P2, offset and data TLVs', (t) => {
  const r = cmd('00 B1 00 00 04 54 02 01 00 00');
  t.is(r.params, 'P1P2 0000: current EF');
  t.deepEqual(r.data, { kind: 'fields', what: 'offset', fields: [{ name: '54 offset', value: '256' }] });
  t.is(cmd('00 B1 CE 01 04 54 02 00 00 00').params, 'P1P2 CE01: certificate of key 1');
  const u = cmd('00 D7 C4 02 06 54 02 00 00 53 00');
  t.deepEqual(u.data, {
    kind: 'fields',
    what: 'offset',
    fields: [
      { name: '54 offset', value: '0' },
      { name: '53 data', value: '0 bytes (creates an empty EF)' },
    ],
  });
  t.is(cmd('00 E4 02 00 02 CC 03').params, 'P1 02: EF or key named by the data · P2 00: -');
});

test('GET CHALLENGE answers are secret; a masked status word is said to be masked', (t) => {
  t.deepEqual(resp('.. .. .. .. 90 00', 0x84).data, { kind: 'secret', what: 'card random', length: 4 });
  t.like(resp('01 .. ..', 0xb0), { sw: '....', swName: 'MASKED', success: false });
});

test('class byte: chaining, secure messaging, channels, proprietary and invalid classes (ISO 7816-4 §5.4.1)', (t) => {
  t.like(describeCla(0x10), { chaining: true, secureMessaging: 'none', channel: 0, text: '10: ISO, chaining: more commands follow' });
  t.like(describeCla(0x0c), { secureMessaging: 'iso-header-authenticated', text: '0C: ISO, secure messaging (iso-header-authenticated)' });
  t.like(describeCla(0x03), { channel: 3 });
  t.like(describeCla(0x90), { proprietary: true, chaining: true });
  t.like(describeCla(0x7f), { chaining: true, secureMessaging: 'iso', channel: 19 });
  t.like(describeCla(0xff), { text: 'FF: invalid class (PPS or PC/SC reader pseudo-APDU)' });
});

test('length forms: 3E, malformed short and extended', (t) => {
  t.like(lengthInfo(Uint8Array.from([0, 0xd7, 0, 0, 0, 1, 0, ...new Array<number>(256).fill(1)])), { case: '3E', nc: 256 });
  t.like(lengthInfo(Uint8Array.from([0, 0xa4, 4, 0, 5, 1, 2])), { case: 'malformed', text: 'malformed: short Lc 5 but 2 byte(s) follow' });
  t.like(lengthInfo(Uint8Array.from([0, 0xa4, 4, 0, 0, 0])), { case: 'malformed' });
  t.like(lengthInfo(Uint8Array.from([0, 0xa4, 4])), { case: 'malformed' });
  t.like(cmd('00 A4 04 00 05 01 02'), { name: 'SELECT', data: undefined });
});

test('annotate numbers exchanges, keeps resets and line numbers; text rendering', (t) => {
  const trace = parseTrace('# atr: 3B 00\n\n=> 00 20 00 81\n<= 63 C3 @0.250ms\nreset 3B 01\n# again\n=> 00 20 00 81\n<= 63 C3\n');
  const list = annotate(trace);
  t.deepEqual(
    list.map((a) => [a.kind, a.line, a.kind === 'exchange' ? a.number : 0]),
    [
      ['exchange', 3, 1],
      ['reset', 5, 0],
      ['exchange', 7, 2],
    ],
  );
  t.is(
    renderAnnotation(list[0]!),
    [
      '#1  line 3  0.250 ms',
      '=> 00 20 00 81',
      '   VERIFY · CLA 00: ISO · P1 00: - · P2 81: user PIN (status query: no PIN sent)',
      '   case 1 (no data, no Le)',
      '<= 63 C3',
      '   63C3 PIN_INCORRECT: verification failed, 3 tries left',
    ].join('\n'),
  );
  t.is(renderAnnotation(list[1]!), 'reset  ATR 3B 01  (line 5)');
  const json = JSON.parse(JSON.stringify(annotationJson(list[0]!))) as {
    command: { hex: string; name: string };
    response: { hex: string; retriesLeft: number };
  };
  t.like(json, { command: { hex: '00 20 00 81', name: 'VERIFY' }, response: { hex: '63 C3', retriesLeft: 3 } });
  t.true(renderAnnotation(list[2]!).startsWith('# again\n#2  line 7\n'));
});

test('repeated exchanges: the same bytes annotate alike, and a response is read for the instruction it answers', (t) => {
  // The annotator shares the annotation of a repeated command or response (issue 11 item 18); each
  // exchange must still read as on its own, whatever came before it.
  const text = [
    '=> 00 A4 00 00 02 2F 02 00',
    '<= 62 0E 81 02 01 BB 82 01 01 83 02 2F 02 8A 01 05 90 00',
    '=> 00 B1 00 00 04 54 02 00 00 00',
    '<= 62 0E 81 02 01 BB 82 01 01 83 02 2F 02 8A 01 05 90 00',
    '=> 00 20 00 81 06 .. .. .. .. .. ..',
    '<= 90 00',
    '=> 00 20 00 81 06 00 00 00 00 00 00',
    '<= 90 00',
  ].join('\n');
  const json = (a: ReturnType<typeof annotate>[number]) => {
    const j = annotationJson(a);
    return j.kind === 'exchange' ? { command: j.command, response: j.response } : j;
  };
  const first = annotate(parseTrace(text)).map(json);
  for (let round = 0; round < 3; round++) t.deepEqual(annotate(parseTrace(`${text}\n${text}`)).map(json), [...first, ...first]);
  const [select, read, masked, plain] = first as { command: { data: unknown }; response: { data: unknown } }[];
  t.like(select?.response.data as object, { kind: 'tlv', what: 'file control information' });
  t.like(read?.response.data as object, { kind: 'tlv', what: 'data', length: 16 });
  t.deepEqual(masked?.command.data, { kind: 'secret', what: 'PIN', length: 6 });
  t.deepEqual(plain?.command.data, { kind: 'secret', what: 'PIN', length: 6 });
  const verify = annotate(parseTrace(text))[2];
  t.is(verify?.kind === 'exchange' ? verify.command.masked : -1, 6);
  const verifyPlain = annotate(parseTrace(text))[3];
  t.is(verifyPlain?.kind === 'exchange' ? verifyPlain.command.masked : -1, 0);
});
