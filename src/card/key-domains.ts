import { SW } from '../apdu/status-words.ts';
import { type DkekStatus, queryDkekStatus } from './commands/import-dkek-share.ts';
import { CardError } from './errors.ts';
import type { CardSession } from './session.ts';

/**
 * Key domains as a host sees them (§3.10). A device initialised with INITIALIZE tag 97 has N slots;
 * each is free or holds a DKEK domain (shares + KCV) or an XKEK domain (KCV + the key domain UID
 * after byte 10 of the status, CardContact sc-hsm-embedded `updateKeyDomainObject`). A device
 * initialised without tag 97 has only domain 0, its DKEK of tag 92.
 */
export type KeyDomainInfo =
  | { readonly domain: number; readonly state: 'free' }
  | { readonly domain: number; readonly state: 'dkek'; readonly status: DkekStatus }
  | { readonly domain: number; readonly state: 'xkek'; readonly status: DkekStatus; readonly uid: string };

/** Status words that end the enumeration: beyond the last slot (6A86), no key domains at all (6D00, pico 6B00). */
const END_SW: ReadonlySet<number> = new Set([SW.INCORRECT_P1P2, SW.INS_NOT_SUPPORTED, SW.WRONG_P1P2]);

/** One domain's state by the query `80 52 00 <domain> 00`; undefined beyond the last slot. */
export async function queryKeyDomain(card: CardSession, domain: number): Promise<KeyDomainInfo | undefined> {
  try {
    const status = await queryDkekStatus(card, domain);
    if (status.extra.length > 0) return { domain, state: 'xkek', status, uid: Buffer.from(status.extra).toString('hex').toUpperCase() };
    return { domain, state: 'dkek', status };
  } catch (err) {
    if (err instanceof CardError && err.sw === SW.REFERENCED_DATA_NOT_FOUND) return { domain, state: 'free' };
    if (err instanceof CardError && END_SW.has(err.sw)) return undefined;
    throw err;
  }
}

/**
 * Every key domain slot, in order: queries domain 0, 1, … until the device answers 6A86 (beyond its
 * slots) or 6D00 — the loop of CardContact's PKCS#11 module (sc-hsm-embedded `enumerateKeyDomains`),
 * free slots (6A88) included. Only status queries are sent; no PIN needed.
 */
export async function listKeyDomains(card: CardSession): Promise<KeyDomainInfo[]> {
  const out: KeyDomainInfo[] = [];
  for (let domain = 0; domain < 256; domain++) {
    const info = await queryKeyDomain(card, domain);
    if (info === undefined) break;
    out.push(info);
  }
  return out;
}

/** The domain (in use, DKEK complete) whose KCV a wrapped key blob carries in its first 8 bytes (§9.1). */
export function domainOfKcv(domains: readonly KeyDomainInfo[], kcv: string): KeyDomainInfo | undefined {
  return domains.find((d) => d.state !== 'free' && d.status.outstanding === 0 && d.status.kcv === kcv.toUpperCase());
}
