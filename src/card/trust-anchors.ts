/**
 * Root CAs (Scheme Root CA, SRCA) the host trusts for the device certificate chain of EF 2F02
 * (device CVC ← DICA CVC ← root, §10). Roots are never on the card: the host must know them.
 *
 * The two CardContact roots are their self-signed CV certificates, copied as data from
 * `SmartCardHSM.rootCerts` in CardContact's scsh-scripts `sc-hsm/lib/smartcardhsm.js`. Both are
 * brainpoolP256r1 keys with the full domain parameters (7F49: 06 id-TA-ECDSA-SHA-256, 81 p … 87 h);
 * DICA and device certificates below them carry only 06 + 86 and inherit the curve (cvc-verify.ts).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { fromHex } from '../apdu/hex.ts';
import { curveByName, type CurveParams } from './curves.ts';
import { parseCvc } from './cvc.ts';
import { curveOfKey, cvcPublicKeyToKeyObject, ecSpki } from './cvc-key.ts';
import { CvcError } from './host-errors.ts';

/** What reaching a root proves: a genuine production device, a CardContact test device, the schsm simulator, or a caller's own root. */
export type RootKind = 'production' | 'test' | 'simulator' | 'other';

/** A root CA public key the host trusts. */
export interface KnownRoot {
  /** Root CHR (= its CAR, self-signed), e.g. "DESRCACC100001". */
  readonly chr: string;
  readonly key: KeyObject;
  /** id-TA OID the root signs with (its 7F49 tag 06). */
  readonly oid: Uint8Array;
  /** The root key's curve: DICA keys without domain parameters inherit it (undefined for RSA roots). */
  readonly curve: CurveParams | undefined;
  readonly kind: RootKind;
  /** Short name for one-line summaries, e.g. "CardContact production root". */
  readonly label: string;
  readonly description: string;
  /** The self-signed root CVC (7F21 TLV) when the root is built from one. */
  readonly certificate?: Uint8Array;
  readonly validFrom?: Date;
  readonly validTo?: Date;
}

/**
 * CardContact Scheme Root CA `DESRCACC100001`: the PRODUCTION root of every genuine SmartCard-HSM and
 * Nitrokey HSM (DICAs such as DEDINK0400001 are issued under it). Valid 2012-11-09 (5F25 010201010009)
 * to 2032-11-08 (5F24 030201010008). Source: scsh-scripts sc-hsm/lib/smartcardhsm.js, SmartCardHSM.rootCerts.
 */
export const CARDCONTACT_PRODUCTION_ROOT_CVC =
  '7F218201B47F4E82016C5F290100420E44455352434143433130303030317F4982011D060A04007F00070202020203812' +
  '0A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E537782207D5A0975FC2C3057EEF67530417A' +
  'FFE7FB8055C126DC5C6CE94A4B44F330B5D9832026DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18F' +
  'F8C07B68441048BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262547EF835C3DAC4FD97F8' +
  '461A14611DC9C27745132DED8E545C1D54C72F0469978520A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F79' +
  '01E0E82974856A78641046D025A8026CDBA245F10DF1B72E9880FFF746DAB40A43A3D5C6BEBF27707C30F6DEA72430EE3' +
  '287B0665C1EAA6EAA4FA26C46303001983F82BD1AA31E03DA0628701015F200E44455352434143433130303030317F4C1' +
  '0060B2B0601040181C31F0301015301C05F25060102010100095F24060302010100085F37409DBB382B1711D2BAACB0C6' +
  '23D40C6267D0B52BA455C01F56333DC9554810B9B2878DAF9EC3ADA19C7B065D780D6C9C3C2ECEDFD78DEB18AF40778AD' +
  'F89E861CA';

/**
 * CardContact TEST root `UTSRCACC100001`: issues the DICAs of CardContact's test/development cards.
 * A device that chains to it is NOT a production device. Same curve and validity as the production
 * root (2012-11-09 to 2032-11-08). Source: scsh-scripts sc-hsm/lib/smartcardhsm.js, SmartCardHSM.rootCerts.
 */
export const CARDCONTACT_TEST_ROOT_CVC =
  '7F218201B47F4E82016C5F290100420E55545352434143433130303030317F4982011D060A04007F00070202020203812' +
  '0A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E537782207D5A0975FC2C3057EEF67530417A' +
  'FFE7FB8055C126DC5C6CE94A4B44F330B5D9832026DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18F' +
  'F8C07B68441048BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262547EF835C3DAC4FD97F8' +
  '461A14611DC9C27745132DED8E545C1D54C72F0469978520A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F79' +
  '01E0E82974856A7864104A041FEB2FD116B2AD19CA6B7EACD71C9892F941BB88D67DCEEC92501F070011957E22122BA6C' +
  '2CF5FF02936F482E35A6129CCBBA8E9383836D3106879C408EF08701015F200E55545352434143433130303030317F4C1' +
  '0060B2B0601040181C31F0301015301C05F25060102010100095F24060302010100085F3740914DD0FA00615C44048D14' +
  '67435400423A4AD1BD37FD98D6DE84FD8037489582325C72956D4FDFABC6EDBA48184A754F37F1BE5142DD1C27D665693' +
  '08CE19AAF';

/**
 * A root from its self-signed CV certificate (explicit domain parameters required). The
 * self-signature is not checked here (test/card/trust-anchors.test.ts proves the built-in bytes);
 * a caller loading a root from a file should check it with `verifyCvc(cert, root)`.
 */
export function rootFromCertificate(bytes: Uint8Array, kind: RootKind, label: string, description = label): KnownRoot {
  const cert = parseCvc(bytes);
  const { chr, car, publicKey } = cert.body;
  if (car !== chr) throw new CvcError(`root ${chr} is not self-issued (CAR ${car ?? 'missing'})`);
  if (publicKey.kind === 'ec' && publicKey.curve === undefined) throw new CvcError(`root ${chr} lacks its EC domain parameters`);
  const key = cvcPublicKeyToKeyObject(publicKey);
  const dates = {
    ...(cert.body.effectiveDate === undefined ? {} : { validFrom: cert.body.effectiveDate }),
    ...(cert.body.expirationDate === undefined ? {} : { validTo: cert.body.expirationDate }),
  };
  return {
    chr,
    key,
    oid: publicKey.oid,
    curve: publicKey.kind === 'ec' ? curveOfKey(key) : undefined,
    kind,
    label,
    description,
    certificate: cert.bytes,
    ...dates,
  };
}

/** A root given only by its EC public point (no certificate at hand). */
function ecPointRoot(chr: string, curveName: string, point: string, kind: RootKind, label: string, description: string): KnownRoot {
  const curve = curveByName(curveName);
  if (curve === undefined) throw new CvcError(`root ${chr}: curve ${curveName} missing`);
  const key = createPublicKey({ key: Buffer.from(ecSpki(curve, fromHex(point))), format: 'der', type: 'spki' });
  return { chr, key, oid: fromHex('04007F00070202020203'), curve, kind, label, description };
}

/**
 * Roots known to schsm, used by `verifyDeviceChain` by default: CardContact's production and test
 * roots, and the simulator's own test root (src/sim/device-identity.ts, CHR UTSRCASIM00001,
 * brainpoolP256r1), which proves nothing but "made by the schsm simulator".
 */
export const KNOWN_ROOTS: readonly KnownRoot[] = [
  rootFromCertificate(
    fromHex(CARDCONTACT_PRODUCTION_ROOT_CVC),
    'production',
    'CardContact production root',
    'CardContact Scheme Root CA DESRCACC100001: genuine SmartCard-HSM / Nitrokey HSM devices',
  ),
  rootFromCertificate(
    fromHex(CARDCONTACT_TEST_ROOT_CVC),
    'test',
    'CardContact TEST root, not a production device',
    'CardContact test root UTSRCACC100001: test and development cards, not production devices',
  ),
  ecPointRoot(
    'UTSRCASIM00001',
    'brainpoolP256r1',
    '0419279AC6CBD107DFB006892CA4DC974CC9075FF52113525251E6811D77A1156D2DBE09AC659C7D9525D866638C632D92745392181064F65BC75F6283B4B26772',
    'simulator',
    'schsm simulator root, simulated device',
    'schsm simulator test root (not a CardContact root: proves only "simulated")',
  ),
];
