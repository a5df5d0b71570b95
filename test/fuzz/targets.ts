/**
 * What `npm run fuzz` (test/fuzz/run.ts) and the CI slice (slice.test.ts) feed: every parser of
 * outside input and the simulator. A target makes an input (mostly a mutated real one, sometimes pure
 * noise) and feeds it; a parser may refuse an input only with one of schsm's typed errors (SchsmError),
 * anything else is a crash. The simulator must answer every APDU with a status word, never 6F00.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseApduText, parseScript } from '../../src/apdu/script.ts';
import { parseCommand } from '../../src/apdu/command.ts';
import { decodeResponse } from '../../src/apdu/response.ts';
import { decodeTlvs } from '../../src/apdu/tlv.ts';
import { formatTlv } from '../../src/apdu/tlv-print.ts';
import { parseCvcChain, parseAuthenticatedRequest } from '../../src/card/cvc.ts';
import { decodeKeyBlob } from '../../src/card/formats/key-blob.ts';
import { parseDkekShareFile } from '../../src/card/formats/dkek-share-file.ts';
import { parseWrappedKeyFile } from '../../src/card/formats/wrapped-key-file.ts';
import { parsePasswordShareText } from '../../src/card/formats/threshold-text.ts';
import { parseCd, parseDcod, parsePrkd } from '../../src/card/pkcs15.ts';
import { parseShareFileText } from '../../src/cli/commands/dkek/threshold-io.ts';
import { tokenize } from '../../src/explorer/tokenize.ts';
import { SmartCardHsmSimulator } from '../../src/sim/index.ts';
import { annotateExchange } from '../../src/trace/annotate.ts';
import { parseTrace } from '../../src/trace/format.ts';
import { importOpenscLog } from '../../src/trace/import/opensc.ts';
import { importPcscSpyLog } from '../../src/trace/import/pcsc-spy.ts';
import { importSpyRawLog } from '../../src/trace/import/spy-raw.ts';
import { importScriptorLog } from '../../src/trace/import/scriptor.ts';
import { concretePattern } from '../../src/trace/pattern.ts';
import { exchangeRecord } from '../../src/trace/types.ts';
import { SchsmError } from '../../src/transport/errors.ts';
import { mutateBytes, mutateText, randomText, type Rng } from './mutate.ts';
import { FCP_TRACE_03, GAKP_EC_BODY, PRKD_5_3, PRKD_TRACE_17 } from '../apdu/vectors.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const file = (...p: string[]): Buffer => readFileSync(path.join(ROOT, ...p));
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

export interface FuzzTarget {
  readonly name: string;
  /** Share of the input budget. */
  readonly weight: number;
  make(rng: Rng): unknown;
  /** Feed one input; throws when it finds something (see isTyped). */
  feed(input: unknown): void | Promise<void>;
}

/** An error a parser may throw for bad input: schsm's typed errors. */
export function isTyped(err: unknown): boolean {
  return err instanceof SchsmError;
}

/** The simulator broke its promise (an answer that is not a status word, or 6F00). */
export class SimulatorFinding extends Error {
  override name = 'SimulatorFinding';
}

function bytesTarget(name: string, corpus: readonly Uint8Array[], fn: (b: Uint8Array) => unknown, weight = 1): FuzzTarget {
  return {
    name,
    weight,
    make: (rng) => (rng.int(5) === 0 ? rng.bytes(rng.int(300)) : mutateBytes(rng, rng.pick(corpus), rng.pick(corpus))),
    feed: (input) => void fn(input as Uint8Array),
  };
}

function textTarget(name: string, corpus: readonly string[], fn: (s: string) => unknown, weight = 1): FuzzTarget {
  return {
    name,
    weight,
    make: (rng) => (rng.int(6) === 0 ? randomText(rng) : mutateText(rng, rng.pick(corpus), rng.pick(corpus))),
    feed: (input) => void fn(input as string),
  };
}

const SIM_CORPUS = [
  '00A404000BE82B0601040181C31F020100',
  '00A4040C0BE82B0601040181C31F0201',
  '00A40000022F0200',
  '00B10000045402000000',
  '00B12F02045402010000',
  '00B0001004',
  '00D7CF0108540200005302CAFE',
  '00E4020002CF01',
  '80580000000000',
  '0084000020',
  '00200081',
  '0020008106363438323139',
  '002400810C363438323139363438323139',
  '002C0181083537363231383830',
  '805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101',
  '8052000000',
  '00480AB2',
  '80680A181000010203040506070809 0A0B0C0D0E0F00',
  '80780A101000010203040506070809 0A0B0C0D0E0F00',
  '80720A92000000',
  '80740B93',
  '00C0000000',
  '10D7CF020454020000',
  '00460100003A5F29010042095554434130303030317F4915060A04007F000702020201028203010001020204005F201044454E4B3031303537303230303030310000',
].map(hex);

const COMMANDS = SIM_CORPUS;
const RESPONSES = ['9000', '6A82', '63C2', '6110', '6C08', '6982', `${Buffer.from(FCP_TRACE_03).toString('hex')}9000`].map(hex);
const TLVS = [FCP_TRACE_03, GAKP_EC_BODY, PRKD_TRACE_17, PRKD_5_3];
const CVC_CHAIN = hex(file('fixtures', 'cvc', 'nitrokey-hsm2-ef2f02.hex').toString('utf8').replace(/#.*$/gm, ''));
const WRAPPED = new Uint8Array(file('fixtures', 'ops', 'sc-hsm-tool-wrapped-ec.bin'));
const PBE = new Uint8Array(file('fixtures', 'ops', 'peer-dkek-share-1.pbe'));
const BLOB = (() => {
  const w = parseWrappedKeyFile(WRAPPED);
  return w.blob;
})();

function textsIn(dir: string, ext: string): string[] {
  return readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => file(dir, f).toString('utf8'));
}

const TRACES = [
  ...textsIn('fixtures/traces/sim', '.trace').slice(0, 12),
  ...textsIn('test/sim/fixtures/peer-opensc', '.trace').slice(0, 6),
];
const SPY = textsIn('test/trace/logs', '.txt');
// the raw libpcscspy protocol (pcsc-lite 1.9.9 layout: SCardTransmit with its SCARD_IO_REQUEST lines)
const SPY_RAW = [
  [
    '7F01@>|1700000000|10|SCardConnect',
    ...['0x535C2932', 'Virtual PCD 00 00', '0x00000002', '0x00000003', '0x00000000', '0x00000000', '0x0000ABCD', '0x00000002'].map(
      (l) => `7F01@${l}`,
    ),
    '7F01@<|1700000000|20|SCardConnect|Command successful.|0x00000000',
    '7F01@>|1700000000|30|SCardTransmit',
    ...[
      '0x0000ABCD',
      '0x00000002',
      '0x00000008',
      '0x0000000B',
      '00 20 00 81 06 36 34 38 32 31 39 ',
      '0x00000002',
      '0x00000008',
      '0x00000002',
      '90 00 ',
    ].map((l) => `7F01@${l}`),
    '7F01@<|1700000000|40|SCardTransmit|Command successful.|0x00000000',
    '7F01@>|1700000000|50|SCardReconnect',
    ...['0x0000ABCD', '0x00000002', '0x00000003', '0x00000001', '0x00000002'].map((l) => `7F01@${l}`),
    '7F01@<|1700000000|60|SCardReconnect|Command successful.|0x00000000',
  ].join('\n'),
];
const SCRIPTOR = [file('test', 'trace', 'logs', 'scriptor-1.6.2-file.out').toString('utf8')];
const OPENSC = [
  file('test', 'trace', 'logs', 'opensc-tool-0.23-send.out').toString('utf8'),
  [
    "P:9; T:0x1 06:44:10.000 [opensc-tool] reader-pcsc.c:326:pcsc_transmit: reader 'Virtual PCD 00 00'",
    'P:9; T:0x1 06:44:10.000 [opensc-tool] reader-pcsc.c:326:pcsc_transmit: ',
    'Outgoing APDU (4 bytes):',
    '00 20 00 81 . ..',
    '',
    'P:9; T:0x1 06:44:10.001 [opensc-tool] reader-pcsc.c:335:pcsc_transmit: ',
    'Incoming APDU (2 bytes):',
    '63 C3 c.',
    '',
    'P:9; T:0x1 06:44:10.002 [opensc-tool] card.c:1520:sc_reset: called',
    '0x7f6bb4e15740 12:00:00.121 [opensc-pkcs11] reader-pcsc.c:214:pcsc_transmit: ',
    'Outgoing APDU data [   11 bytes] =====================================',
    '00 20 00 81 06 36 34 38 32 31 39 . ...648219',
    '======================================================================',
  ].join('\n'),
];
const SCRIPTS = [
  textsIn('apdu', '.apdu').join('\n'),
  '# comment\n00A4040C0BE82B0601040181C31F0201\n84/08=9000\n00A40400:E82B0601040181C31F0201/00\nreset\n8058/0000 =61XX\n00 A4 \\\n 04 0C\nexit\n',
];
const SHARES = [
  'Prime       : d1:66:1d:04:da:16:1b:e7\nShare ID    : 10\nShare value : 01:02\n\nPrime       : d1:66:1d:04:da:16:1b:e7\nShare ID    : 2\nShare value : 0a:bc:de\n',
];
const EXPLORER_LINES = [
  'verify user 648219',
  'put CF01 "a b.bin" --force',
  'update_binary CF01 0 "hello\\" x"',
  'apdu 00A4040C:E82B0601040181C31F0201',
  'echo \'a\' "b" c\\ d',
];

/** A simulator state to mutate: an initialised card with a key, as JSON text. */
async function stateJson(): Promise<string> {
  const sim = new SmartCardHsmSimulator();
  await sim.process(hex('00A404000BE82B0601040181C31F020100'));
  await sim.process(hex('805000001C 8002 0001 8106 363438323139 8208 3537363231383830 910103 920101'));
  await sim.process(hex('0020008106363438323139'));
  await sim.process(
    hex(
      '00460100003A5F29010042095554434130303030317F4915060A04007F000702020201028203010001020204005F201044454E4B3031303537303230303030310000',
    ),
  );
  return JSON.stringify(sim.toJSON());
}

const STATUS_CLASSES = new Set([0x61, 0x62, 0x63, 0x65, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6d, 0x6e, 0x90]);

/** Sequences of random and mutated APDUs against one simulated card (a fresh one every 200 sequences). */
function simulatorTarget(weight: number): FuzzTarget {
  let sim = new SmartCardHsmSimulator();
  let sequences = 0;
  return {
    name: 'simulator: APDU sequences (10 APDUs per input)',
    weight,
    make: (rng) =>
      Array.from({ length: 10 }, () =>
        rng.int(4) === 0 ? rng.bytes(rng.int(280)) : mutateBytes(rng, rng.pick(SIM_CORPUS), rng.pick(SIM_CORPUS)),
      ),
    async feed(input) {
      if (++sequences % 200 === 0) sim = new SmartCardHsmSimulator();
      for (const c of input as Uint8Array[]) {
        const r = await sim.process(c);
        const sw1 = r[r.length - 2] ?? -1;
        if (r.length < 2 || !STATUS_CLASSES.has(sw1) || (sw1 === 0x6f && r[r.length - 1] === 0))
          throw new SimulatorFinding(`${Buffer.from(c).toString('hex')} → ${Buffer.from(r).toString('hex')}`);
      }
    },
  };
}

const ODD_VALUES: readonly unknown[] = [null, 0, -1, 1e9, 2 ** 53, 0.5, '', 'zz', '00'.repeat(300), [], {}, true, [1, 2], { x: 1 }];

/** Set a random leaf (or container) of `json` to an odd value; returns the changed copy. */
function mutateJson(rng: Rng, json: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(json)) as unknown;
  let node = copy;
  for (let depth = 0; depth < 8; depth++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const k = rng.pick(keys);
    const child = (node as Record<string, unknown>)[k];
    if (child === null || typeof child !== 'object' || rng.int(4) === 0) {
      if (rng.int(5) === 0) delete (node as Record<string, unknown>)[k];
      else (node as Record<string, unknown>)[k] = rng.pick(ODD_VALUES);
      break;
    }
    node = child;
  }
  return copy;
}

/** Simulator state files: structure-aware mutations of a real state, then text mutations of it. */
function stateTarget(state: string): FuzzTarget {
  const parsed = JSON.parse(state) as unknown;
  return {
    name: 'simulator state JSON',
    weight: 0.5,
    make: (rng) => (rng.int(4) === 0 ? mutateText(rng, state, state) : JSON.stringify(mutateJson(rng, parsed))),
    feed(input) {
      let json: unknown;
      try {
        json = JSON.parse(input as string);
      } catch {
        return; // not JSON: sim/persist.ts reports that before fromJSON
      }
      SmartCardHsmSimulator.fromJSON(json);
    },
  };
}

/** Every target, in the order they run. */
export async function fuzzTargets(): Promise<FuzzTarget[]> {
  const state = await stateJson();
  const annotateOne = (b: Uint8Array): void => {
    const cut = b.length === 0 ? 0 : (b[0] ?? 0) % b.length;
    annotateExchange(exchangeRecord({ command: concretePattern(b.subarray(0, cut)), response: concretePattern(b.subarray(cut)) }), 1);
  };
  return [
    bytesTarget('APDU command parse', COMMANDS, parseCommand),
    bytesTarget('APDU response decode', RESPONSES, decodeResponse),
    bytesTarget('BER-TLV decode', TLVS, (b) => decodeTlvs(b, { allowPadding: true })),
    bytesTarget('TLV printer (formatTlv)', TLVS, formatTlv),
    bytesTarget('trace annotator (exchange)', [...COMMANDS, ...RESPONSES], annotateOne),
    bytesTarget('CVC chain / request', [CVC_CHAIN], (b) => (b[0] === 0x67 ? parseAuthenticatedRequest(b) : parseCvcChain(b))),
    bytesTarget('PKCS#15 PRKD / CD / DCOD', [PRKD_TRACE_17, PRKD_5_3], (b) => {
      for (const p of [parsePrkd, parseCd, parseDcod]) {
        try {
          p(b);
        } catch (e) {
          if (!isTyped(e)) throw e;
        }
      }
    }),
    bytesTarget('key blob decode', [BLOB], decodeKeyBlob),
    bytesTarget('.pbe DKEK share file', [PBE], parseDkekShareFile),
    bytesTarget('wrapped-key file', [WRAPPED], parseWrappedKeyFile),
    textTarget(
      'APDU mini-language (one APDU)',
      ['00A40400:E82B0601040181C31F0201/00=9000', '84/08', '00:A4:04:0C:02:3F:00', '8058/0000=61XX'],
      parseApduText,
    ),
    textTarget('APDU script parser', SCRIPTS, (s) => parseScript(s, 'fuzz.apdu'), 0.5),
    textTarget('trace format parser', TRACES, (s) => parseTrace(s, { file: 'fuzz.trace' }), 0.5),
    textTarget('OpenSC log importer', OPENSC, (s) => importOpenscLog(s, 'fuzz.log'), 0.5),
    textTarget('pcsc-spy log importer', SPY, (s) => importPcscSpyLog(s, 'fuzz.log'), 0.25),
    textTarget('raw spy log importer (trace capture)', SPY_RAW, (s) => importSpyRawLog(s, 'fuzz.log'), 0.25),
    textTarget('scriptor log importer', SCRIPTOR, (s) => importScriptorLog(s, 'fuzz.log'), 0.5),
    textTarget('threshold share text', SHARES, (s) => {
      parsePasswordShareText(s);
      parseShareFileText(s, 'hex');
    }),
    textTarget('explorer line tokenizer', EXPLORER_LINES, tokenize),
    stateTarget(state),
    simulatorTarget(0.5),
  ];
}
