// The fixed-layout records decode real bytes to the fields the protocol notes name.
import test from 'ava';
import { APPLET_INFO, DKEK_SHARE_FILE_LAYOUT, DKEK_STATUS, decodeRecord } from '../../src/card/layouts.ts';
import { apdu } from '../helpers/apdu.ts';

test('DKEK status [total][outstanding][KCV] as the peer card answered after its share import (trace 08)', (t) => {
  const r = decodeRecord(DKEK_STATUS, apdu`01 00 6C 60 98 24 B9 CA 28 EB`);
  t.is(r.total, 1);
  t.is(r.outstanding, 0);
  t.deepEqual(r.kcv, apdu`6C 60 98 24 B9 CA 28 EB`);
  t.is(DKEK_STATUS.span, 10);
  t.false(Buffer.isBuffer(r.kcv), 'a plain Uint8Array copy, not a Buffer view');
});

test('tag 85 of applet 3.5 with RRC enabled: options 0001, type 00, version 3.5', (t) => {
  t.deepEqual(decodeRecord(APPLET_INFO, apdu`00 01 00 03 05`), { options: 1, type: 0, major: 3, minor: 5 });
  t.deepEqual(decodeRecord(APPLET_INFO, apdu`FF | 80 04 FF 06 06`, 1), { options: 0x8004, type: 0xff, major: 6, minor: 6 });
});

test('.pbe layout: magic, salt and ciphertext at offsets 0, 8, 16; encode writes them back', (t) => {
  const file = new Uint8Array(64);
  file.set(apdu`53 61 6C 74 65 64 5F 5F | 01 02 03 04 05 06 07 08`);
  file.fill(0xaa, 16);
  const r = decodeRecord(DKEK_SHARE_FILE_LAYOUT, file);
  t.deepEqual(r.magic, new TextEncoder().encode('Salted__'));
  t.deepEqual(r.salt, apdu`01 02 03 04 05 06 07 08`);
  t.is(r.ciphertext.length, 48);
  const out = new Uint8Array(64);
  DKEK_SHARE_FILE_LAYOUT.encode(r, out);
  t.deepEqual(out, file);
});
