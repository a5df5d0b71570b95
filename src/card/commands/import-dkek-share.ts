import type { Kcv } from '../formats/kcv.ts';
import { toHex } from '../../apdu/hex.ts';
import { CLA, INS } from '../constants.ts';
import { InvalidArgumentError, MalformedResponseError } from '../host-errors.ts';
import { DKEK_STATUS, decodeRecord } from '../layouts.ts';
import type { CardSession } from '../session.ts';

/** DKEK state as IMPORT DKEK SHARE and its query answer it: `[total][outstanding][KCV(8)]…` (§3.10). */
export interface DkekStatus {
  /** Shares announced at INITIALIZE (tag 92). */
  readonly total: number;
  /** Shares still to import; the DKEK is complete when 0. */
  readonly outstanding: number;
  /** Key check value: SHA-256(DKEK)[0..8] (§8.1), 16 upper-case hex digits. */
  readonly kcv: Kcv;
  /** Bytes after the first 10 (pico: key-domain UID); usually empty. */
  readonly extra: Uint8Array;
  /**
   * The KCV is 8 zero bytes: the card is not showing it. The independent
   * Pico HSM implementation answers zeros until the user PIN is verified in the session (a real DKEK has a zero
   * KCV with probability 2^-64). Read it again after VERIFY, or take it from a wrapped blob (its first 8 bytes).
   */
  readonly kcvHidden: boolean;
}

/** The KCV of 8 zero bytes that means "not shown" (see DkekStatus.kcvHidden). */
export const HIDDEN_KCV = '0000000000000000';

/** Decode the ≥ 10-byte answer (OpenSC rejects fewer, §3.10). */
export function parseDkekStatus(data: Uint8Array, operation = 'IMPORT DKEK SHARE'): DkekStatus {
  if (data.length < 10)
    throw new MalformedResponseError(operation, `expected at least 10 bytes [total][outstanding][KCV], got ${data.length}`);
  const { total, outstanding, kcv } = decodeRecord(DKEK_STATUS, data);
  const hex = toHex(kcv);
  return { total, outstanding, kcv: hex, extra: data.slice(DKEK_STATUS.span), kcvHidden: hex === HIDDEN_KCV };
}

/** A key domain number, P2 of `80 52` (0..255; 0 = the default domain, §3.10). */
export function checkDomain(domain: number): number {
  if (!Number.isInteger(domain) || domain < 0 || domain > 255) throw new InvalidArgumentError(`key domain must be 0..255, got ${domain}`);
  return domain;
}

/**
 * Query the DKEK state without importing: `80 52 00 P2 00` (case 2S, Le 00 mandatory, §1.3, §11.1),
 * P2 = key domain (default 0). A domain slot not in use answers 6A88, a number beyond the device's
 * domains 6A86 (CardContact sc-hsm-embedded `enumerateKeyDomains`); both arrive as CardError.
 */
export async function queryDkekStatus(card: CardSession, domain = 0): Promise<DkekStatus> {
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.IMPORT_DKEK_SHARE, p1: 0, p2: checkDomain(domain), ne: 256, form: 'short' } as const;
  const res = await card.send(cmd, { operation: domain === 0 ? 'query DKEK status' : `query key domain ${domain}` });
  return parseDkekStatus(res.data, 'query DKEK status');
}

/**
 * IMPORT DKEK SHARE `80 52 00 P2 20 <32-byte share> 00` (case 4S, Le 00, §3.10), P2 = key domain
 * (default 0; other domains need the user PIN): the card XORs the share into that domain's DKEK and
 * answers the new state. The share never appears in logs (redact.ts hides INS 52 data).
 */
export async function importDkekShare(card: CardSession, share: Uint8Array, domain = 0): Promise<DkekStatus> {
  if (share.length !== 32) throw new InvalidArgumentError(`a DKEK share is 32 bytes, got ${share.length}`);
  const cmd = {
    cla: CLA.PROPRIETARY,
    ins: INS.IMPORT_DKEK_SHARE,
    p1: 0,
    p2: checkDomain(domain),
    data: share,
    ne: 256,
    form: 'short',
  } as const;
  const res = await card.send(cmd, { operation: domain === 0 ? 'IMPORT DKEK SHARE' : `IMPORT DKEK SHARE (key domain ${domain})` });
  return parseDkekStatus(res.data);
}
