// Simulator throughput: in-process APDUs per second (SELECT/READ BINARY), EC P-256 and RSA-2048
// SIGN and key generation per second. (The PC/SC round trip against opensc-tool is measured once, by
// bench/transport.bench.mjs: this bench used to time it a second way, with opensc-tool's per-APDU
// time taken as (one call with 201 -s − one call with 1 -s) / 200 of wall time, which gave other
// ratios than the transport bench: README "Benchmarks".) Imports ../dist (built by `npm run bench`).
// Run alone: `npm run build && node bench/sim.bench.mjs`.
import { pathToFileURL } from 'node:url';
import { median, spread, target } from './lib/figures.mjs';

const hex = (s) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const SELECT_AID = hex('00A404000BE82B0601040181C31F020100');
const SELECT_2F02 = hex('00A40000022F0200');
const READ_2F02 = hex('00B1000004 5402 0000 00'); // current EF, offset 0, Le 256
const INITIALIZE = hex('8050000019 8002 0001 8106 363438323139 8208 3537363231383830 910103'); // no DKEK
const VERIFY = hex('0020008106363438323139');
const MSG_HASH = new Uint8Array(32).fill(0x5a);
// §11.2 request bodies (CHR DENK010570200001).
const GAKP_EC_BODY =
  '5F290100 4209555443413030303031 7F4981DA 060A04007F00070202020203' +
  '8120 FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF' +
  '8220 FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC' +
  '8320 5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B' +
  '8441 046B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C2964FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5' +
  '8520 FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551 870101' +
  '5F2010 44454E4B303130353730323030303031';
const GAKP_RSA_BODY =
  '5F290100 4209555443413030303031 7F4915 060A04007F00070202020102 8203010001 02020800 5F201044454E4B303130353730323030303031';

/** Case 4E: header ‖ 00 Lc(2) ‖ data ‖ Le(2). */
function ext(header, data, le = '0000') {
  const d = typeof data === 'string' ? hex(data) : data;
  return Uint8Array.from([...hex(header), 0, d.length >> 8, d.length & 0xff, ...d, ...hex(le)]);
}

const sw = (r) => ((r[r.length - 2] << 8) | r[r.length - 1]).toString(16).toUpperCase();

async function expectOk(sim, apdu, what) {
  const r = await sim.process(apdu);
  if (sw(r) !== '9000') throw new Error(`${what}: SW ${sw(r)}`);
  return r;
}

/** Repeat `fn` for at least `ms` milliseconds (and `min` times); operations per second. */
async function rate(fn, ms, min = 1) {
  let n = 0;
  const t0 = performance.now();
  while (n < min || performance.now() - t0 < ms) {
    await fn(n);
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

async function readySimulator(simModule) {
  const sim = new simModule.SmartCardHsmSimulator();
  await expectOk(sim, SELECT_AID, 'SELECT');
  await expectOk(sim, INITIALIZE, 'INITIALIZE');
  await expectOk(sim, VERIFY, 'VERIFY');
  return sim;
}

async function inProcess(simModule, log) {
  const sim = await readySimulator(simModule);
  const rounds = [];
  for (let round = 0; round < 5; round++)
    rounds.push(
      await rate(
        async (i) => {
          await sim.process(i % 2 === 0 ? SELECT_2F02 : READ_2F02);
        },
        400,
        1000,
      ),
    );
  const apdus = median(rounds);
  log(
    `in-process SELECT/READ BINARY (2F02, alternating): ${Math.round(apdus).toLocaleString('en')} APDUs/s (5 rounds, ${spread(rounds, 0)})`,
  );
  const v = target(
    'in-process APDUs / 50,000 per s',
    rounds.map((x) => x / 50_000),
    1,
    { max: false },
  );
  log(v.line);
  await expectOk(sim, ext('00460100', GAKP_EC_BODY), 'GAKP EC');
  await expectOk(sim, ext('00460200', GAKP_RSA_BODY), 'GAKP RSA');
  const ecSign = await rate(() => expectOk(sim, ext('80680170', MSG_HASH, '0200'), 'SIGN EC'), 1500, 20);
  const rsaSign = await rate(() => expectOk(sim, ext('80680233', MSG_HASH, '0200'), 'SIGN RSA'), 1500, 10);
  log(`SIGN ECDSA P-256 (70, hash input): ${ecSign.toFixed(0)}/s   SIGN RSA-2048 (33, PKCS#1 v1.5 SHA-256): ${rsaSign.toFixed(0)}/s`);
  const ecGen = await rate(
    (i) => expectOk(sim, ext(`0046${(10 + (i % 100)).toString(16).padStart(2, '0')}00`, GAKP_EC_BODY), 'GAKP EC'),
    1500,
    10,
  );
  const rsaGen = await rate(
    (i) => expectOk(sim, ext(`0046${(120 + (i % 100)).toString(16).padStart(2, '0')}00`, GAKP_RSA_BODY), 'GAKP RSA'),
    3000,
    3,
  );
  log(`GAKP EC P-256: ${ecGen.toFixed(1)}/s   GAKP RSA-2048: ${rsaGen.toFixed(2)}/s (includes the device-key outer signature)`);
  return {
    figures: [v.figure],
    apdusPerSecond: apdus,
    ecSignPerSecond: ecSign,
    rsaSignPerSecond: rsaSign,
    ecKeygenPerSecond: ecGen,
    rsaKeygenPerSecond: rsaGen,
  };
}

export default async function simBench(options = {}) {
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const simModule = await import('../dist/sim/index.js');
  log('# SmartCard-HSM simulator');
  return inProcess(simModule, log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await simBench();
