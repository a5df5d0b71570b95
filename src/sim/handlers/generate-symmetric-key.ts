import { SW } from '../../apdu/status-words.ts';
import { decodeTlvs, type Tlv } from '../../apdu/tlv.ts';
import { CardStatus } from '../card-status.ts';
import { checkDomainForNewKey } from '../key-domains.ts';
import type { InsHandler, KeyRecord } from '../types.ts';
import { requireUserPin } from '../crypto/key-access.ts';

/**
 * GENERATE SYMMETRIC KEY — `00 48 KeyId Algo [Lc data]` (§3.12). P2 `B0`/`B1`/`B2` = AES-128/192/256
 * (pico's 512-bit `B3` is not a CardContact size → 6A86). Optional data, CardContact's `encodeGSK`:
 * `91 n` allowed algorithms (≤ 16 ids), `90 04` key use counter, `92 01` key domain, `93 01` wrapping
 * key id (accepted; the simulator has no key-wrapping-key feature, so it is not used). No response
 * data. Like key generation in general, refused while the key domain's DKEK shares are outstanding
 * (§3.9; 6985), for a key domain not in use (6A88, §3.10) and before the user PIN is verified.
 */

export const SYMMETRIC_KEY_SIZE = { 0xb0: 16, 0xb1: 24, 0xb2: 32 } as const satisfies Record<number, number>;

const TAG = { USE_COUNTER: 0x90, ALGORITHMS: 0x91, DOMAIN: 0x92, WRAPPING_KEY: 0x93 } as const;

function parseOptions(data: Uint8Array): Pick<KeyRecord, 'algorithms' | 'useCounter' | 'domain'> {
  let tlvs: Tlv[];
  try {
    tlvs = decodeTlvs(data);
  } catch {
    throw new CardStatus(SW.INCORRECT_DATA, 'GSK data is not a TLV list');
  }
  const out: { algorithms?: Uint8Array; useCounter?: number; domain?: number } = {};
  for (const t of tlvs) {
    const v = t.value;
    if (t.tag === TAG.ALGORITHMS && v.length >= 1 && v.length <= 16) out.algorithms = v.slice();
    else if (t.tag === TAG.USE_COUNTER && v.length >= 1 && v.length <= 4) out.useCounter = v.reduce((n, b) => n * 256 + b, 0);
    else if (t.tag === TAG.DOMAIN && v.length === 1) out.domain = v[0] ?? 0;
    else if (t.tag !== TAG.WRAPPING_KEY || v.length !== 1)
      throw new CardStatus(SW.INCORRECT_DATA, `GSK tag ${t.tag.toString(16)} not understood`);
  }
  if (out.useCounter === 0) throw new CardStatus(SW.INCORRECT_DATA, 'a key use counter must be at least 1');
  return out;
}

export const generateSymmetricKey: InsHandler = (cmd, ctx) => {
  requireUserPin(ctx);
  const bytes = (SYMMETRIC_KEY_SIZE as Record<number, number>)[cmd.p2];
  if (bytes === undefined || cmd.p1 === 0) throw new CardStatus(SW.INCORRECT_P1P2, 'key id 1..255 and P2 B0/B1/B2 expected');
  const options = parseOptions(cmd.data);
  checkDomainForNewKey(ctx.state, options.domain);
  const key: KeyRecord = { kind: 'aes', material: ctx.random(bytes), bits: bytes * 8, ...options };
  ctx.state.keys.set(cmd.p1, key);
  return { sw: SW.OK };
};
