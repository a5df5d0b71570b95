import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, randomInt } from 'node:crypto';
import { concat, fromHex } from '../apdu/hex.ts';
import { type Curve, curveByName } from './crypto/curves.ts';
import { encodeEcPkcs8 } from './crypto/ec-key.ts';
import { CHAT_OID, CHAT_ROLE, cvSign, ecPublicKeyTemplate, encodeCvc, encodeCvcBody, TA_OID, taScheme } from './cvc.ts';
import type { KeyRecord } from './types.ts';

/**
 * The simulated card's device identity (§10): PrK.DevAut (key 0) and EF 2F02 = device CVC ‖ DICA CVC,
 * issued by a simulation-only PKI: root "UTSRCASIM00001" → issuer "UTDICASIM00001" → device
 * "UTSMnnnnnnn00000". Country code "UT" marks test PKIs (as in CardContact's UTSRCACC100001).
 *
 * Curve: brainpoolP256r1 for all three keys, like CardContact's real device PKI (the DESRCACC100001 /
 * DESCHSMCVCA00001 roots are brainpoolP256r1, §11.7), so a driver meets the curve a real card has.
 *
 * The root and DICA private keys below are PUBLIC TEST KEYS for the simulator only: anything they
 * sign proves nothing except "made by the schsm simulator".
 */
export const SIM_PKI = {
  CURVE: 'brainpoolP256r1',
  SRCA: { CHR: 'UTSRCASIM00001', D: '2d8b81a9384d89e0a3b99b7ff5d6bc986eaa76e2b7c7278742ab0e62b3a0ece0' },
  DICA: { CHR: 'UTDICASIM00001', D: '0790b88a9a5660989c6dbe193c87da958b2dac798287377577d0851d194aa063' },
  /** Validity written into the simulated certificates. */
  ROOT_EFFECTIVE: new Date('2026-01-01T00:00:00Z'),
  ROOT_EXPIRY: new Date('2046-01-01T00:00:00Z'),
} as const;

export interface DeviceIdentity {
  /** Device serial (CHR minus the 5-digit sequence), e.g. "UTSM0123456". */
  readonly serial: string;
  readonly deviceKey: KeyRecord;
  /** Content of EF 2F02: device CVC ‖ DICA CVC. */
  readonly cDevAut: Uint8Array;
}

function pkiCurve(): Curve {
  const c = curveByName(SIM_PKI.CURVE);
  if (c === undefined) throw new Error(`curve ${SIM_PKI.CURVE} missing from the simulator's curve table`);
  return c;
}

function keyFromScalar(curve: Curve, dHex: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(encodeEcPkcs8(curve, fromHex(dHex))), format: 'der', type: 'pkcs8' });
}

/** Uncompressed public point 04‖x‖y of an EC key (the tail of its SPKI encoding). */
export function ecPublicPoint(key: KeyObject, curve: Curve): Uint8Array {
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  return new Uint8Array(spki.subarray(spki.length - (1 + 2 * curve.fieldBytes)));
}

const ECDSA_SHA256 = requireScheme(TA_OID.ECDSA_SHA256);

function requireScheme(oid: Uint8Array): NonNullable<ReturnType<typeof taScheme>> {
  const scheme = taScheme(oid);
  if (scheme === undefined) throw new Error("the simulator PKI's signature scheme is missing from the TA scheme table");
  return scheme;
}

function issue(signer: KeyObject, car: string, subject: KeyObject, chr: string, role: number, effective: Date, expiry: Date): Uint8Array {
  const curve = pkiCurve();
  const body = encodeCvcBody({
    car,
    publicKey: ecPublicKeyTemplate(TA_OID.ECDSA_SHA256, curve, ecPublicPoint(subject, curve)),
    chr,
    chat: { oid: CHAT_OID, role },
    effective,
    expiry,
  });
  return encodeCvc(body, cvSign(signer, ECDSA_SHA256, body));
}

/**
 * The root's self-signed CVC and the DICA's CVC issued by the root, made once with `issue` from the keys
 * and dates in SIM_PKI (ECDSA-SHA-256 signatures, so other runs give other but equally valid bytes).
 * Constants because issuing them at run time (two key imports, two public-key exports, two signatures)
 * took ~7 ms of every start of a simulated card, a quarter of `schsm apdu --sim` beyond Node's own
 * start (issue 11 item 3). test/card/cvc.test.ts verifies both signatures, the root against KNOWN_ROOTS
 * and every body field against SIM_PKI and the public points of its two scalars.
 */
const ROOT_CVC =
  '7F218201B47F4E82016C5F290100420E55545352434153494D30303030317F4982011D060A04007F000702020202038120A9' +
  'FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E537782207D5A0975FC2C3057EEF67530417AFFE7FB' +
  '8055C126DC5C6CE94A4B44F330B5D9832026DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B684' +
  '41048BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262547EF835C3DAC4FD97F8461A14611DC9' +
  'C27745132DED8E545C1D54C72F0469978520A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7' +
  '86410419279AC6CBD107DFB006892CA4DC974CC9075FF52113525251E6811D77A1156D2DBE09AC659C7D9525D866638C632D' +
  '92745392181064F65BC75F6283B4B267728701015F200E55545352434153494D30303030317F4C10060B2B0601040181C31F' +
  '0301015301C05F25060206000100015F24060406000100015F37408FBC9B84FF7435EAF5F9A1479583D92720F63ECCCA6C3A' +
  '00DF8D75F8349509F37CA89CEE55AFCD01A5DBBE83EAB947F5A4309AF23FD60357C5118D2480B2D2D3';
const DICA_CVC =
  '7F218201B47F4E82016C5F290100420E55545352434153494D30303030317F4982011D060A04007F000702020202038120A9' +
  'FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E537782207D5A0975FC2C3057EEF67530417AFFE7FB' +
  '8055C126DC5C6CE94A4B44F330B5D9832026DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B684' +
  '41048BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262547EF835C3DAC4FD97F8461A14611DC9' +
  'C27745132DED8E545C1D54C72F0469978520A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7' +
  '86410469B5DF5039786A064D87375754DD3AEE74BD4406A74DAC3724EABA3912360D692890A9ADBE368373EB3BDAD9E67A84' +
  '1FF991B929942C5C5DB6558739FF6841E08701015F200E55544449434153494D30303030317F4C10060B2B0601040181C31F' +
  '0301015301805F25060206000100015F24060406000100015F374059094F5E1BB749CFC77FDF5A12ADBCEC14FECFCB2D954C' +
  'B6CB36D4E050C6858F029E4DCA843C3D783FB84270E801B36DF9A2F8C14991D6DD918A8005EFAD8207';

let pki: { dica: KeyObject; rootCvc: Uint8Array; dicaCvc: Uint8Array } | undefined;

function simPki(): NonNullable<typeof pki> {
  pki ??= { dica: keyFromScalar(pkiCurve(), SIM_PKI.DICA.D), rootCvc: fromHex(ROOT_CVC), dicaCvc: fromHex(DICA_CVC) };
  return pki;
}

/** The self-signed CVC of the simulation root UTSRCASIM00001 (the trust anchor for simulated cards). */
export function simRootCertificate(): Uint8Array {
  return simPki().rootCvc;
}

/** The CVC of the simulated device issuer UTDICASIM00001 (the second half of every EF 2F02). */
export function simDicaCertificate(): Uint8Array {
  return simPki().dicaCvc;
}

/** A random serial "UTSM" + 7 digits. */
export function randomSerial(): string {
  return `UTSM${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;
}

/**
 * A new device: fresh PrK.DevAut on brainpoolP256r1 and its CVC (CHR = serial + "00000", issued by
 * the simulated DICA, valid 20 years from `now`).
 */
export function createDeviceIdentity(options: { serial?: string; now?: Date } = {}): DeviceIdentity {
  const serial = options.serial ?? randomSerial();
  if (!/^[A-Z]{2}[A-Z0-9]{1,9}$/.test(serial))
    throw new RangeError(`device serial ${JSON.stringify(serial)} is not a CHR prefix (country + mnemonic, ≤ 11 characters)`);
  const curve = pkiCurve();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: curve.name });
  const now = options.now ?? new Date();
  const expiry = new Date(now);
  expiry.setUTCFullYear(now.getUTCFullYear() + 20);
  const { dica, dicaCvc } = simPki();
  const deviceCvc = issue(dica, SIM_PKI.DICA.CHR, privateKey, `${serial}00000`, CHAT_ROLE.DEVICE, now, expiry);
  const material = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }));
  return {
    serial,
    deviceKey: { kind: 'ec', material, bits: 256, curve: curve.name },
    cDevAut: concat(deviceCvc, dicaCvc),
  };
}
