// Data objects in OpenSC's layout. The expected C9xx bytes are the ones `pkcs11-tool --write-object
// --type data` (OpenSC 0.23) wrote on this simulator behind pcscd:
//   pkcs11-tool … --write-object f --type data --label mydata --application-label myapp --application-id 1.2.3.4 --private
//     → CD00 and C900 = 3027 300F 0C066D7964617461 030206C0 040101 | 300C 0C056D79617070 06032A0304 | A106 3004 0402CD00
//   pkcs11-tool … --write-object f --type data --label pubdata
//     → CF01 and C901 = 3022 300D 0C0770756264617461 03020640 | 3009 0C0770756264617461 | A106 3004 0402CF01
import test from 'ava';
import { fromHex, toHex } from '../../src/apdu/hex.ts';
import { readBinary } from '../../src/card/commands/read-binary.ts';
import { updateBinary } from '../../src/card/commands/update-binary.ts';
import { verifyPin } from '../../src/card/commands/verify-pin.ts';
import {
  deleteDataObject,
  findDataObject,
  freeDataObjectId,
  listDataObjects,
  putDataObject,
  readDataObject,
} from '../../src/card/data-objects.ts';
import { SecurityStatusNotSatisfiedError } from '../../src/card/errors.ts';
import { encodeDcod } from '../../src/card/pkcs15-dcod.ts';
import { SmartCardHsm } from '../../src/card/sc-hsm.ts';
import { createSimulatorTransport } from '../../src/sim/index.ts';
import { newSim, setupCard, USER_PIN } from '../cli/ops/helpers.ts';

const OPENSC_PRIVATE = '3027300F0C066D7964617461030206C0040101300C0C056D7961707006032A0304A10630040402CD00';
const OPENSC_PUBLIC = '3022300D0C0770756264617461030206403009' + '0C0770756264617461A10630040402CF01';

test('encodeDcod writes the bytes pkcs11-tool wrote for a private and a public object', (t) => {
  t.is(
    toHex(encodeDcod({ label: 'mydata', applicationName: 'myapp', applicationOid: '1.2.3.4', private: true, path: 0xcd00 })),
    OPENSC_PRIVATE,
  );
  t.is(toHex(encodeDcod({ label: 'pubdata', applicationName: 'pubdata', private: false, path: 0xcf01 })), OPENSC_PUBLIC);
  t.throws(() => encodeDcod({ label: 'x'.repeat(600), private: true, path: 0xcd00 }), { message: /at most 512/ });
});

test('free ids count from 00 over C9, CD and CF (as OpenSC’s sc_hsm_determine_free_id)', (t) => {
  t.is(freeDataObjectId([]), 0);
  t.is(freeDataObjectId([0xc900, 0xcd00, 0xcf01]), 2);
  t.is(freeDataObjectId([0xcc01, 0xc401]), 0, 'keys do not count');
});

async function card() {
  const sim = newSim();
  await setupCard(sim);
  return SmartCardHsm.open(await createSimulatorTransport({ simulator: sim }));
}

test('objects OpenSC wrote are listed and read; schsm writes the same layout; delete removes content and description', async (t) => {
  const c = await card();
  await verifyPin(c, { pin: USER_PIN });
  // what pkcs11-tool left on the card, written byte for byte
  await updateBinary(c, 0xcd00, new TextEncoder().encode('hello data object\n'));
  await updateBinary(c, 0xc900, fromHex(OPENSC_PRIVATE));
  await updateBinary(c, 0xcf01, new TextEncoder().encode('public bytes'));
  await updateBinary(c, 0xc901, fromHex(OPENSC_PUBLIC));
  await updateBinary(c, 0xcf05, Uint8Array.of(1, 2, 3)); // content nobody describes
  const list = await listDataObjects(c);
  t.deepEqual(
    list.map((o) => [
      o.label ?? null,
      o.applicationName ?? null,
      o.applicationOid ?? null,
      o.private,
      toHex(Uint8Array.of(o.fid >> 8, o.fid & 0xff)),
      o.size ?? null,
    ]),
    [
      ['mydata', 'myapp', '1.2.3.4', true, 'CD00', 18],
      ['pubdata', 'pubdata', null, false, 'CF01', 12],
      [null, null, null, false, 'CF05', 3],
    ],
  );
  t.is(new TextDecoder().decode(await readDataObject(c, findDataObject(list, { label: 'mydata' }))), 'hello data object\n');
  const put = await putDataObject(c, {
    data: Uint8Array.of(9, 8, 7),
    label: 'third',
    applicationOid: '1.3.6.1.4.1.99999.7',
    private: true,
  });
  t.is(put.fid, 0xcd02);
  t.is(put.dcodFid, 0xc902);
  t.is(
    toHex((await readBinary(c, 0xc902, 0, 256)).data),
    toHex(encodeDcod({ label: 'third', applicationName: 'third', applicationOid: '1.3.6.1.4.1.99999.7', private: true, path: 0xcd02 })),
  );
  const gone = await deleteDataObject(c, findDataObject(await listDataObjects(c), { label: 'pubdata' }));
  t.deepEqual(gone, [0xcf01, 0xc901]);
  t.deepEqual(
    (await listDataObjects(c)).map((o) => o.label ?? '-'),
    ['mydata', 'third', '-'],
  );
  t.throws(() => findDataObject(list, { label: 'nope' }), { message: /no data object with label "nope"/ });
});

test('a private object cannot be read before the user PIN (6982); a public one can', async (t) => {
  const c = await card();
  await verifyPin(c, { pin: USER_PIN });
  await putDataObject(c, { data: Uint8Array.of(1), label: 'secret', private: true });
  await putDataObject(c, { data: Uint8Array.of(2), label: 'open', private: false });
  const fresh = await SmartCardHsm.open(c.transport); // re-SELECT logs out (§2.3)
  const list = await listDataObjects(fresh);
  t.deepEqual(await readDataObject(fresh, findDataObject(list, { label: 'open' })), Uint8Array.of(2));
  await t.throwsAsync(readDataObject(fresh, findDataObject(list, { label: 'secret' })), { instanceOf: SecurityStatusNotSatisfiedError });
});
