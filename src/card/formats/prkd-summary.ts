/**
 * The few PRKD fields a backup report shows: label, iD and key reference (§5.3 layout):
 *   [30 | A0 | A8] { 30 { 0C label, 03 flags, 04 authId }, 30 { 04 iD, 03 usage, …, 02 keyReference }, … }
 * Tolerant: a field that is missing stays undefined.
 */
import { decodeTlv, decodeTlvs } from '../../apdu/tlv.ts';
import type { Tlv } from '../../apdu/tlv.ts';
import { FileFormatError } from './errors.ts';

export interface PrkdSummary {
  readonly kind: 'rsa' | 'ec' | 'aes' | 'unknown';
  readonly label: string | undefined;
  /** CommonKeyAttributes.iD (bytes, as KeyInfo.id). */
  readonly id: Uint8Array | undefined;
  /** Key reference (CommonKeyAttributes.keyReference). */
  readonly ref: number | undefined;
}

const KIND: Readonly<Record<number, PrkdSummary['kind']>> = { 0x30: 'rsa', 0xa0: 'ec', 0xa8: 'aes' };

function children(tlv: Tlv | undefined): Tlv[] {
  return tlv === undefined || !tlv.constructed ? [] : decodeTlvs(tlv.value);
}

/** Label, iD and key reference of a PRKD TLV. */
export function summarizePrkd(bytes: Uint8Array): PrkdSummary {
  try {
    const top = decodeTlv(bytes);
    const [common, key] = decodeTlvs(top.value);
    const label = children(common).find((t) => t.tag === 0x0c)?.value;
    const keyAttrs = children(key);
    const id = keyAttrs.find((t) => t.tag === 0x04)?.value;
    const ref = keyAttrs.find((t) => t.tag === 0x02)?.value;
    return {
      kind: KIND[top.tag] ?? 'unknown',
      label: label === undefined ? undefined : new TextDecoder().decode(label),
      id: id === undefined ? undefined : Uint8Array.from(id),
      ref: ref === undefined ? undefined : ref.reduce((v, b) => v * 256 + b, 0),
    };
  } catch (err) {
    throw new FileFormatError('PRKD', `not a well-formed key description: ${(err as Error).message}`, { cause: err });
  }
}
