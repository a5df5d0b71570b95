import { CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';
import { checkDomain, type DkekStatus, parseDkekStatus } from './import-dkek-share.ts';

/** P1 of MANAGE KEY DOMAIN `80 52` (§3.10; pico-hsm `cmd_key_domain.c`, pypicohsm `set_key_domain`). */
export const KEY_DOMAIN_OP = { IMPORT_OR_QUERY: 0x00, CREATE_DKEK: 0x01, CREATE_XKEK: 0x02, DELETE: 0x03, CLEAR_KEK: 0x04 } as const;

/**
 * MANAGE KEY DOMAIN, create a DKEK key domain: `80 52 01 <domain> 01 <shares> 00` (case 4S). The slot
 * (one of INITIALIZE tag 97's) then expects `shares` DKEK shares (1..255), imported with
 * importDkekShare(card, share, domain). Needs the user PIN. CardContact's scsh calls it
 * `createDKEKKeyDomain(domain, shares)`. Answer: the domain status `[total][outstanding][KCV]`.
 */
export async function createDkekKeyDomain(card: CardSession, domain: number, shares: number): Promise<DkekStatus> {
  if (!Number.isInteger(shares) || shares < 1 || shares > 255)
    throw new InvalidArgumentError(`number of DKEK shares must be 1..255, got ${shares}`);
  const cmd = {
    cla: CLA.PROPRIETARY,
    ins: INS.IMPORT_DKEK_SHARE,
    p1: KEY_DOMAIN_OP.CREATE_DKEK,
    p2: checkDomain(domain),
    data: Uint8Array.of(shares),
    ne: 256,
    form: 'short',
  } as const;
  const res = await card.send(cmd, { operation: `create key domain ${domain}` });
  return parseDkekStatus(res.data, 'create key domain');
}
