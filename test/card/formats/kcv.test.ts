import test from 'ava';
import { assembleDkek, deriveDkekKeys, dkekKcv, formatKcv, FormatInputError } from '../../../src/card/formats/index.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const PEER_SHARE = bytes('2c985a6791c0fcd6a3357cde8d56b46ed82b0dbf58fb87d1e7e5340eac83bf35');

test('§11.3: the zero DKEK has KCV 66687AADF862BD77 and the listed Kenc/Kmac', (t) => {
  const k = deriveDkekKeys(new Uint8Array(32));
  t.is(formatKcv(k.kcv), '66687AADF862BD77');
  t.is(hex(k.kenc), '2158a8906d5e2c2be001bac943ab9cab4063536e1c546b40221fdf8db031a4bb');
  t.is(hex(k.kmac), 'e15f374423633701e04fe17c1d640b34f2e27b8f6aec00e24f1dcf50ad0920b3');
});

test('the peer card reported KCV 6C609824B9CA28EB for its single share', (t) => {
  t.is(formatKcv(dkekKcv(assembleDkek([PEER_SHARE]))), '6C609824B9CA28EB');
});

test('DKEK assembly XORs the shares; the same share twice gives the zero DKEK', (t) => {
  const a = bytes('00ff'.repeat(16));
  const b = bytes('0f0f'.repeat(16));
  t.is(hex(assembleDkek([a, b])), '0ff0'.repeat(16));
  t.is(hex(assembleDkek([])), '00'.repeat(32));
  t.is(formatKcv(dkekKcv(assembleDkek([PEER_SHARE, PEER_SHARE]))), '66687AADF862BD77');
});

test('shares and DKEKs must be 32 bytes', (t) => {
  t.throws(() => assembleDkek([new Uint8Array(31)]), { instanceOf: FormatInputError, message: /share 1 has 31 bytes/ });
  t.throws(() => dkekKcv(new Uint8Array(33)), { instanceOf: FormatInputError });
});
