/**
 * ISO/IEC 7816-4 secure messaging as BSI TR-03110 part 3 (F.2, F.3) defines it for AES, the variant
 * the SmartCard-HSM speaks after chip authentication with id-CA-ECDH-AES-CBC-CMAC-128:
 *
 *   command  CLA|0C INS P1 P2 | Lc | [87 L 01 ‖ E(pad(data))  or, odd INS, 85 L E(pad(data))] [97 L Le] 8E 08 MAC | Le 00(00)
 *   response [87 L 01 ‖ E(pad(data))] 99 02 SW1 SW2 8E 08 MAC | SW1 SW2
 *
 * E = AES-CBC under K_enc with IV = AES(K_enc, SSC); MAC = AES-CMAC(K_mac, SSC ‖ pad(header) ‖
 * pad(DOs)) truncated to 8 bytes (command) and AES-CMAC(K_mac, SSC ‖ pad(DOs)) (response). The send
 * sequence counter SSC (16 bytes) starts at 0 after chip authentication and is incremented before each
 * command and before each response (OpenSC sm-eac.c `eac_sm_pre_transmit`/`eac_sm_post_transmit`).
 */
import { concat } from '../hex.ts';
import { lengthFormOf, type CommandApdu } from '../command.ts';
import type { ResponseApdu } from '../response.ts';
import { decodeTlvs, encodeTlv, tlvBytes } from '../tlv.ts';
import { aesCbc, aesCmac, aesEncryptBlock, macEqual, padIso, SM_BLOCK, SM_MAC_LENGTH, unpadIso } from './crypto.ts';
import { SecureMessagingError } from './errors.ts';

/** Session keys from chip authentication (TR-03110 A.2.3: K_enc = KDF(K, r, 1), K_mac = KDF(K, r, 2)). */
export interface SmKeys {
  readonly kEnc: Uint8Array;
  readonly kMac: Uint8Array;
}

/** SM indication bits of CLA (ISO/IEC 7816-4 §5.4.1): `0C` = command header authenticated. */
export const CLA_SM = 0x0c;
/** The padding-content indicator of DO87: `01` = ISO/IEC 9797-1 padding method 2. */
const PADDING_INDICATOR = 0x01;

function increment(ssc: Uint8Array): void {
  for (let i = ssc.length - 1; i >= 0; i--) {
    ssc[i] = ((ssc[i] ?? 0) + 1) & 0xff;
    if (ssc[i] !== 0) return;
  }
}

/** DO97: Le in one byte (short, 256 → 00) or two (extended, 65536 → 0000), as OpenSC's sm-iso.c `format_le`. */
function leObject(ne: number, extended: boolean): Uint8Array {
  return extended ? encodeTlv(0x97, Uint8Array.of((ne >> 8) & 0xff, ne & 0xff)) : encodeTlv(0x97, Uint8Array.of(ne & 0xff));
}

/**
 * One secure channel's state: keys and send sequence counter. `wrap` and `unwrap` must alternate
 * (one response per command); the counter makes every protected APDU unique, so a replayed or
 * reordered APDU fails the MAC check.
 */
export class SmSession {
  readonly #keys: SmKeys;
  readonly #ssc = new Uint8Array(SM_BLOCK);

  constructor(keys: SmKeys) {
    this.#keys = { kEnc: Uint8Array.from(keys.kEnc), kMac: Uint8Array.from(keys.kMac) };
  }

  /** The send sequence counter (a copy), for tests and diagnostics. */
  get ssc(): Uint8Array {
    return Uint8Array.from(this.#ssc);
  }

  #mac(parts: readonly Uint8Array[]): Uint8Array {
    return aesCmac(this.#keys.kMac, concat(this.#ssc, ...parts)).slice(0, SM_MAC_LENGTH);
  }

  #encrypt(data: Uint8Array): Uint8Array {
    return aesCbc(this.#keys.kEnc, aesEncryptBlock(this.#keys.kEnc, this.#ssc), padIso(data), 'encrypt');
  }

  /** Protect a plain command (advances the counter). */
  wrap(cmd: CommandApdu): CommandApdu {
    if ((cmd.cla & CLA_SM) !== 0) throw new SecureMessagingError(`command CLA ${cmd.cla.toString(16)} is already protected`);
    increment(this.#ssc);
    const data = cmd.data ?? new Uint8Array(0);
    const ne = cmd.ne ?? 0;
    const extended = lengthFormOf(cmd) === 'extended';
    const odd = (cmd.ins & 1) === 1;
    const dos: Uint8Array[] = [];
    if (data.length > 0) {
      const cryptogram = this.#encrypt(data);
      dos.push(odd ? encodeTlv(0x85, cryptogram) : encodeTlv(0x87, concat(Uint8Array.of(PADDING_INDICATOR), cryptogram)));
    }
    if (ne > 0) dos.push(leObject(ne, extended));
    const cla = cmd.cla | CLA_SM;
    const header = padIso(Uint8Array.of(cla, cmd.ins, cmd.p1, cmd.p2));
    const mac = this.#mac(dos.length === 0 ? [header] : [header, padIso(concat(...dos))]);
    const body = concat(...dos, encodeTlv(0x8e, mac));
    const outerExtended = extended || body.length > 255;
    return {
      cla,
      ins: cmd.ins,
      p1: cmd.p1,
      p2: cmd.p2,
      data: body,
      ne: outerExtended ? 0x10000 : 256,
      form: outerExtended ? 'extended' : 'short',
    };
  }

  /** Check and decrypt the card's answer to the last wrapped command (advances the counter). */
  unwrap(res: ResponseApdu): ResponseApdu {
    increment(this.#ssc);
    if (res.data.length === 0) throw new SecureMessagingError('the card answered in plain: it has ended the secure channel', res.sw);
    let objects: ReturnType<typeof decodeTlvs>;
    try {
      objects = decodeTlvs(res.data);
    } catch {
      throw new SecureMessagingError('the protected response is not BER-TLV');
    }
    const find = (tag: number) => objects.find((o) => o.tag === tag);
    const macDo = find(0x8e);
    const swDo = find(0x99);
    if (macDo === undefined || swDo === undefined || swDo.value.length !== 2)
      throw new SecureMessagingError('the protected response lacks its status (99) or MAC (8E) data object');
    // ISO/IEC 7816-4 §10.2: the data objects with an odd tag (85/87/99) are covered by the MAC.
    const covered = objects.filter((o) => (o.tag & 1) === 1).map((o) => tlvBytes(res.data, o));
    if (!macEqual(this.#mac([padIso(concat(...covered))]), macDo.value)) throw new SecureMessagingError('the MAC of the response is wrong');
    const sw = ((swDo.value[0] ?? 0) << 8) | (swDo.value[1] ?? 0);
    return { data: this.#decryptBody(find(0x87)?.value, find(0x85)?.value), sw };
  }

  #decryptBody(do87: Uint8Array | undefined, do85: Uint8Array | undefined): Uint8Array {
    let cryptogram = do85;
    if (do87 !== undefined) {
      if (do87[0] !== PADDING_INDICATOR) throw new SecureMessagingError('DO87 has an unknown padding-content indicator');
      cryptogram = do87.subarray(1);
    }
    if (cryptogram === undefined) return new Uint8Array(0);
    if (cryptogram.length === 0 || cryptogram.length % SM_BLOCK !== 0)
      throw new SecureMessagingError('the response cryptogram is not whole AES blocks');
    const plain = unpadIso(aesCbc(this.#keys.kEnc, aesEncryptBlock(this.#keys.kEnc, this.#ssc), cryptogram, 'decrypt'));
    if (plain === undefined) throw new SecureMessagingError('the response cryptogram has broken padding');
    return plain;
  }
}
