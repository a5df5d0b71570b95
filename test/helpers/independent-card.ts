/**
 * TEST FIXTURE, not simulator behaviour: the simulator (faithful to CardContact's card) decorated with
 * the known differences of the independent SmartCard-HSM implementation whose bytes are recorded in
 * ../shared/traces (README, "Known differences" — Pico HSM 6.6). One switch per behaviour, so every
 * command can be run against each difference alone and against all of them together.
 *
 *   hiddenKcv       80 52 answers the KCV as 8 zero bytes until the user PIN is verified in the session
 *                   ('always': not even then — to exercise the key-blob fallback)   (traces 08, 13, kcv-before-after-pin)
 *   noSelect0C      SELECT with P2 = 0C → 6A86                                       (kcv-before-after-pin)
 *   dkekQuery6B00   80 52 00 00 on an uninitialised card → 6B00                       (opensc 04-status-uninitialized)
 *   ecdhXOnly       ECDH (80 62 xx 80) answers 04‖X only                              (README)
 *   deviceKeyPrkd   ENUMERATE lists C400, whose PRKD describes the device key as key 0 (opensc 16, 17)
 *   selectAnswer    SELECT applet answered as recorded: type FF (plain "SmartCard-HSM"), version 6.6,
 *                   tag 84 = AID without E8 plus one byte                            (every SELECT in the traces)
 * and, through the card's persistent state (independentSimulator): serial ESPICOHSMTR, device key on
 * secp256k1, EF 2F02 = `67 request ‖ 7F21 self-signed certificate` in the recorded layout.
 */
import { generateKeyPairSync } from 'node:crypto';
import { concat } from '../../src/apdu/hex.ts';
import { parseCommand } from '../../src/apdu/command.ts';
import { SmartCardHsmSimulator, createSimState, type VirtualCard } from '../../src/sim/index.ts';
import { curveByName } from '../../src/sim/crypto/curves.ts';
import {
  cvSign,
  ecPublicKeyTemplate,
  encodeAuthenticatedRequest,
  encodeCvc,
  encodeCvcBody,
  outerSignatureInput,
  TA_OID,
  taScheme,
} from '../../src/sim/cvc.ts';
import { ecPublicPoint } from '../../src/sim/device-identity.ts';
import { hex } from './apdu.ts';

export interface IndependentBehaviours {
  readonly hiddenKcv?: 'until-login' | 'always';
  readonly noSelect0C?: boolean;
  readonly dkekQuery6B00?: boolean;
  readonly ecdhXOnly?: boolean;
  readonly deviceKeyPrkd?: boolean;
  readonly selectAnswer?: boolean;
}

/** Every difference at once, as the recorded card behaves. */
export const ALL_BEHAVIOURS: IndependentBehaviours = {
  hiddenKcv: 'until-login',
  noSelect0C: true,
  dkekQuery6B00: true,
  ecdhXOnly: true,
  deviceKeyPrkd: true,
  selectAnswer: true,
};

/** The recorded PRKD of key 0 in EF C400 (opensc-vs-independent-card/17-pkcs15-dump.opensc.log). */
export const DEVICE_KEY_PRKD = hex(
  'A038 300D 0C0B 45535049434F48534D5452 301B 0414 0000000000000000000000000000000000000000 0303 072080 A10A 3008 3002 0400 0202 0100',
);

export const INDEPENDENT_SERIAL = 'ESPICOHSMTR';
export const INDEPENDENT_CHR = `${INDEPENDENT_SERIAL}00001`;

const OK = Uint8Array.of(0x90, 0x00);
const sw = (r: Uint8Array): number => ((r[r.length - 2] ?? 0) << 8) | (r[r.length - 1] ?? 0);
const swBytes = (v: number): Uint8Array => Uint8Array.of(v >> 8, v & 0xff);

/**
 * EF 2F02 in the recorded layout for a device key on secp256k1: an authenticated request whose outer
 * signature is by the same key with an empty outer CAR, then a self-signed certificate with CHAT
 * 0.4.0.127.0.7.3.1.2.2 / 00 and validity 2023-03-21 .. 2070-12-31 (status.trace, decoded).
 */
function recordedLayout2F02(privateKey: ReturnType<typeof generateKeyPairSync>['privateKey']): Uint8Array {
  const curve = curveByName('secp256k1');
  const scheme = taScheme(TA_OID.ECDSA_SHA256);
  if (curve === undefined || scheme === undefined) throw new Error('secp256k1 / ECDSA-SHA256 missing from the simulator tables');
  const template = ecPublicKeyTemplate(TA_OID.ECDSA_SHA256, curve, ecPublicPoint(privateKey, curve));
  const requestBody = encodeCvcBody({ car: INDEPENDENT_CHR, publicKey: template, chr: INDEPENDENT_CHR });
  const inner = encodeCvc(requestBody, cvSign(privateKey, scheme, requestBody));
  const request = encodeAuthenticatedRequest(inner, '', cvSign(privateKey, scheme, outerSignatureInput(inner, '')));
  const chatOid = hex('04007F000703010202');
  const certBody = encodeCvcBody({
    car: INDEPENDENT_CHR,
    publicKey: template,
    chr: INDEPENDENT_CHR,
    chat: { oid: chatOid, role: 0x00 },
    effective: new Date('2023-03-21T00:00:00Z'),
    expiry: new Date('2070-12-31T00:00:00Z'),
  });
  return concat(request, encodeCvc(certBody, cvSign(privateKey, scheme, certBody)));
}

/** A factory-fresh simulated card with the independent implementation's identity (serial, secp256k1 key, 2F02). */
export function independentSimulator(): SmartCardHsmSimulator {
  const base = createSimState({ serial: INDEPENDENT_SERIAL });
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const material = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  const state = {
    ...base,
    deviceKey: { kind: 'ec' as const, material, bits: 256, curve: 'secp256k1' },
    files: new Map([[0x2f02, recordedLayout2F02(privateKey)]]),
  };
  return new SmartCardHsmSimulator({ state });
}

/** The recorded applet FCP around the card's own tag 85 options word. */
function recordedSelectAnswer(options: number): Uint8Array {
  return concat(
    hex('62 22 81 02 00 00 82 01 01 83 02 00 00 84 0B 2B 06 01 04 01 81 C3 1F 02 01 00 8A 01 05'),
    Uint8Array.of(0x85, 0x05, options >> 8, options & 0xff, 0xff, 0x06, 0x06),
  );
}

/** The options word in a tag 85 of the simulator's FCP (62 … 85 05 oo oo tt MM mm). */
function optionsOf(fcp: Uint8Array): number {
  const i = fcp.indexOf(0x85);
  return i < 0 ? 0 : ((fcp[i + 2] ?? 0) << 8) | (fcp[i + 3] ?? 0);
}

/** The decorated card; `seen` counts what the fixture refused or rewrote (tests assert on it). */
export class IndependentCard implements VirtualCard {
  readonly seen = { select0C: 0, hiddenKcv: 0, ecdhTruncated: 0, c400Reads: 0 };
  #c400Selected = false;

  readonly inner: SmartCardHsmSimulator;
  readonly behaviours: IndependentBehaviours;

  constructor(inner: SmartCardHsmSimulator, behaviours: IndependentBehaviours = ALL_BEHAVIOURS) {
    this.inner = inner;
    this.behaviours = behaviours;
  }

  get atr(): Uint8Array {
    return this.inner.atr;
  }

  reset(): void {
    this.#c400Selected = false;
    this.inner.reset();
  }

  async process(command: Uint8Array): Promise<Uint8Array> {
    let cmd: ReturnType<typeof parseCommand>;
    try {
      cmd = parseCommand(command);
    } catch {
      return this.inner.process(command);
    }
    const b = this.behaviours;
    if (cmd.ins === 0xa4) return this.#select(cmd, command);
    if (cmd.ins === 0x52 && cmd.cla === 0x80) return this.#dkek(cmd, command);
    if (cmd.ins === 0x58 && b.deviceKeyPrkd === true) return this.#enumerate(command);
    if ((cmd.ins === 0xb1 || cmd.ins === 0xb0) && b.deviceKeyPrkd === true && this.#readsC400(cmd)) return this.#readC400(cmd);
    const res = await this.inner.process(command);
    if (cmd.ins === 0x62 && cmd.p2 === 0x80 && b.ecdhXOnly === true && sw(res) === 0x9000 && res.length % 2 === 1) {
      this.seen.ecdhTruncated++;
      const coords = (res.length - 3) / 2; // 04 ‖ X ‖ Y ‖ SW
      return concat(res.subarray(0, 1 + coords), OK);
    }
    return res;
  }

  async #select(cmd: ReturnType<typeof parseCommand>, raw: Uint8Array): Promise<Uint8Array> {
    const b = this.behaviours;
    if (b.noSelect0C === true && cmd.p2 === 0x0c) {
      this.seen.select0C++;
      return swBytes(0x6a86);
    }
    const isC400 = cmd.p1 === 0x00 && cmd.data.length === 2 && cmd.data[0] === 0xc4 && cmd.data[1] === 0x00;
    if (b.deviceKeyPrkd === true && isC400) {
      this.#c400Selected = true;
      return concat(hex('62 0E 81 02 00'), Uint8Array.of(DEVICE_KEY_PRKD.length), hex('82 01 08 83 02 C4 00 8A 01 05'), OK);
    }
    this.#c400Selected = false;
    const res = await this.inner.process(raw);
    if (b.selectAnswer === true && cmd.p1 === 0x04 && sw(res) === 0x9000 && res.length > 2)
      return concat(recordedSelectAnswer(optionsOf(res.subarray(0, -2))), OK);
    return res;
  }

  async #dkek(cmd: ReturnType<typeof parseCommand>, raw: Uint8Array): Promise<Uint8Array> {
    const b = this.behaviours;
    if (b.dkekQuery6B00 === true && cmd.data.length === 0 && sw(await this.inner.process(hex('00200088'))) === 0x6a88)
      return swBytes(0x6b00);
    const verified = b.hiddenKcv === 'until-login' && sw(await this.inner.process(hex('00200081'))) === 0x9000;
    const res = await this.inner.process(raw);
    if (b.hiddenKcv === undefined || verified || sw(res) !== 0x9000 || res.length < 12) return res;
    this.seen.hiddenKcv++;
    const out = Uint8Array.from(res);
    out.fill(0, 2, 10);
    return out;
  }

  async #enumerate(raw: Uint8Array): Promise<Uint8Array> {
    const res = await this.inner.process(raw);
    if (sw(res) !== 0x9000) return res;
    return concat(Uint8Array.of(0xc4, 0x00), res);
  }

  #readsC400(cmd: ReturnType<typeof parseCommand>): boolean {
    if (cmd.p1 === 0xc4 && cmd.p2 === 0x00) return true;
    return cmd.p1 === 0x00 && cmd.p2 === 0x00 && this.#c400Selected;
  }

  #readC400(cmd: ReturnType<typeof parseCommand>): Uint8Array {
    this.seen.c400Reads++;
    const t54 = cmd.ins === 0xb1 ? cmd.data : new Uint8Array(0);
    const offset = t54[0] === 0x54 ? ((t54[2] ?? 0) << 8) | (t54[3] ?? 0) : 0;
    const n = Math.min(cmd.ne === 0 ? 256 : cmd.ne, Math.max(0, DEVICE_KEY_PRKD.length - offset));
    return concat(DEVICE_KEY_PRKD.subarray(offset, offset + n), OK);
  }
}
