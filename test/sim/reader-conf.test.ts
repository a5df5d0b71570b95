// Item 13 of issue 11: `schsm sim --port P` names the reader pcscd gives port P, from reader.conf
// (fixture files below, written like Debian's /etc/reader.conf.d/vpcd) checked against pcscd's list,
// and against the real pcscd for the two standard vpcd ports.
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readerShowingCard, simReaderName } from '../../src/cli/commands/sim/reader.ts';
import { parseReaderConf, readReaderConf, vpcdEntries, vpcdReaderForPort } from '../../src/sim/reader-conf.ts';
import { listReaders, type PcscReaderInfo } from '../../src/transport/pcsc.ts';
import { requirePcscd } from '../helpers/vpcd.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'reader-conf');
const at = (name: string): string => path.join(dir, name);

test('reader.conf: entries, quotes, comments, hex and decimal ports; only vpcd entries name vpcd ports', (t) => {
  const entries = readReaderConf([dir]);
  t.deepEqual(
    entries.map((e) => [path.basename(e.file), e.friendlyName, e.deviceName, e.channelId]),
    [
      ['extra-vpcd', 'Extra PCD', '/dev/null:35965', undefined],
      ['serial-and-channel', 'GemPCTwin serial', '/dev/ttyS0', undefined],
      ['serial-and-channel', 'Lab PCD', undefined, 40000],
      ['vpcd', 'Virtual PCD', '/dev/null:0x8C7B', 0x8c7b],
    ],
  );
  t.deepEqual(
    vpcdEntries(entries).map((e) => [e.friendlyName, e.port]),
    [
      ['Extra PCD', 35965],
      ['Lab PCD', 40000],
      ['Virtual PCD', 35963],
    ],
  );
  t.deepEqual(parseReaderConf('# nothing\n\n', 'x'), []);
});

test('the reader for a port: FRIENDLYNAME, reader digit 00, the slot in hex (pcsc-lite "%s %02X %02lX")', (t) => {
  const entries = vpcdEntries(readReaderConf([dir]));
  t.is(vpcdReaderForPort(35963, entries)[0]?.name, 'Virtual PCD 00 00');
  t.is(vpcdReaderForPort(35964, entries)[0]?.name, 'Virtual PCD 00 01');
  t.is(vpcdReaderForPort(35965, entries)[0]?.name, 'Extra PCD 00 00');
  t.is(vpcdReaderForPort(40011, entries)[0]?.name, 'Lab PCD 00 0B');
  t.deepEqual(vpcdReaderForPort(35962, entries), []);
});

test('pcscd settles it: the name it lists for the entry and slot, whatever reader digit it chose', (t) => {
  const listed = ['Virtual PCD 00 00', 'Virtual PCD 00 01', 'Extra PCD 01 00', 'Extra PCD 01 01'];
  t.is(simReaderName(35965, listed, [dir]).name, 'Extra PCD 01 00');
  t.is(simReaderName(35966, listed, [dir]).name, 'Extra PCD 01 01', 'slot 1 of Extra PCD, not slot 3 of Virtual PCD');
  t.is(simReaderName(35964, listed, [dir]).name, 'Virtual PCD 00 01');
  t.regex(simReaderName(35964, listed, [dir]).source, /fixtures\/reader-conf\/vpcd; pcscd lists it/);
  // pcscd not reachable: reader.conf alone
  const offline = simReaderName(35965, undefined, [dir]);
  t.is(offline.name, 'Extra PCD 00 00');
  t.regex(offline.source, /pcscd not asked/);
  // pcscd reachable but not (yet) serving that entry: reader.conf's name, and why it is not confirmed
  t.regex(simReaderName(40000, listed, [dir]).source, /pcscd does not list it \(restart pcscd/);
  // no entry covers the port: no invented name
  const none = simReaderName(1234, listed, [dir]);
  t.is(none.name, undefined);
  t.regex(none.source, /no vpcd entry in .*reader-conf covers port 1234/);
  t.is(simReaderName(35963, undefined, [at('nonexistent')]).name, undefined);
});

test('which reader shows the card: the announced one if it holds our ATR, else the only one that does', (t) => {
  const atr = Uint8Array.of(0x3b, 0xde, 0x18);
  const r = (name: string, present: boolean, a: Uint8Array = atr): PcscReaderInfo => ({
    name,
    index: 0,
    cardPresent: present,
    atr: present ? a : new Uint8Array(),
    state: [],
  });
  t.is(readerShowingCard([r('A 00 00', true), r('B 00 00', true)], atr, 'B 00 00'), 'B 00 00');
  t.is(readerShowingCard([r('A 00 00', true), r('B 00 00', false)], atr, 'B 00 00'), 'A 00 00');
  t.is(readerShowingCard([r('A 00 00', true), r('C 00 00', true)], atr, 'B 00 00'), undefined, 'two candidates: not guessed');
  t.is(readerShowingCard([r('A 00 00', true, Uint8Array.of(0x3b, 0x00))], atr, undefined), undefined);
});

test('the real pcscd: the two standard vpcd ports are "Virtual PCD 00 00" and "Virtual PCD 00 01"', async (t) => {
  if (!(await requirePcscd(t))) return;
  const listed = (await listReaders({ timeoutMs: 3000 })).map((r) => r.name);
  const first = simReaderName(35963, listed);
  const second = simReaderName(35964, listed);
  t.is(first.name, 'Virtual PCD 00 00');
  t.is(second.name, 'Virtual PCD 00 01');
  t.regex(first.source, /reader\.conf.*; pcscd lists it/);
});
