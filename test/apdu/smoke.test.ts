import test from 'ava';
import { encodeCommand, toHex } from '../../src/apdu/index.ts';

test('select applet encodes as OpenSC sends it', (t) => {
  const aid = Uint8Array.from([0xe8, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xc3, 0x1f, 0x02, 0x01]);
  t.is(toHex(encodeCommand({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: aid, ne: 256 })), '00A404000BE82B0601040181C31F020100');
});
