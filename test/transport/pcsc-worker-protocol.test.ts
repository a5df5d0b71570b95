/**
 * The PC/SC worker's line protocol (src/transport/pcsc-worker-protocol.ts): lines split across
 * chunks and UTF-8 sequences split across chunks arrive whole; a line past MAX_LINE stops the splitter
 * once; hex is strict. And the worker's server without a card: a request before `open` is answered with
 * a typed failure, a malformed line ends the worker.
 */
import test from 'ava';
import { PassThrough } from 'node:stream';
import { bytesToHex, hexToBytes, lineSplitter, MAX_LINE } from '../../src/transport/pcsc-worker-protocol.ts';
import { serveWorker } from '../../src/transport/pcsc-worker-serve.ts';

test('lineSplitter: lines split over chunks, a UTF-8 character split over chunks, empty lines', (t) => {
  const lines: string[] = [];
  let overflow = 0;
  const split = lineSplitter(
    (l) => lines.push(l),
    () => overflow++,
  );
  const text = Buffer.from('{"a":1}\n{"b":"’"}\n\n{"c"', 'utf8');
  const cut = text.indexOf(0x80); // inside the 3-byte encoding of ’ (E2 80 99)
  split(text.subarray(0, cut));
  split(text.subarray(cut));
  split(':3}\n');
  t.deepEqual(lines, ['{"a":1}', '{"b":"’"}', '', '{"c":3}']);
  t.is(overflow, 0);
});

test('lineSplitter: a line of MAX_LINE characters passes; one more stops it, once, with or without its newline', (t) => {
  const lines: string[] = [];
  let overflow = 0;
  const split = lineSplitter(
    (l) => lines.push(l),
    () => overflow++,
  );
  split(`${'x'.repeat(MAX_LINE)}\n`);
  t.is(lines.length, 1);
  split('y'.repeat(MAX_LINE + 1));
  t.is(overflow, 1);
  split('\nz\n');
  t.is(lines.length, 1, 'nothing more after the overflow');
  t.is(overflow, 1);

  let again = 0;
  const whole = lineSplitter(
    () => t.fail('no line'),
    () => again++,
  );
  whole(`${'y'.repeat(MAX_LINE + 1)}\n`);
  t.is(again, 1);
});

test('hex: strict both ways', (t) => {
  t.is(bytesToHex(Uint8Array.of(0x00, 0xa4, 0x04, 0x0c)), '00A4040C');
  t.deepEqual(hexToBytes('00a4040C'), Uint8Array.of(0x00, 0xa4, 0x04, 0x0c));
  t.is(hexToBytes('0'), undefined);
  t.is(hexToBytes('0G'), undefined);
  t.deepEqual(hexToBytes(''), new Uint8Array());
});

test('serveWorker: transmit before open is a typed failure for that id; a malformed line ends the worker', async (t) => {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => void (text += d.toString()));
  const served = serveWorker(input, output);
  input.write('{"id":7,"op":"transmit","apdu":"00A4040C"}\n');
  input.write('not json\n');
  await served;
  const answers = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: number; ok: boolean; error?: { code: string; message: string } });
  t.is(answers.length, 1);
  t.like(answers[0], { id: 7, ok: false, error: { code: 'ERR_SCHSM_TRANSPORT_WORKER', message: 'no reader is open in the PC/SC worker' } });
});
