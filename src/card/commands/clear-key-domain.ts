import { CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';
import { KEY_DOMAIN_OP } from './create-dkek-key-domain.ts';
import { checkDomain, type DkekStatus, parseDkekStatus } from './import-dkek-share.ts';

/**
 * MANAGE KEY DOMAIN, clear the KEK of a domain: `80 52 04 <domain> 00` (case 2S). The domain stays,
 * its DKEK is gone and every share is outstanding again (keys in it cannot be wrapped until the same
 * shares are imported again). Needs the user PIN and `confirm: true` (the channel guard treats it as an erase). Answer: the domain status.
 */
export async function clearKeyDomain(card: CardSession, domain: number, options: { readonly confirm: true }): Promise<DkekStatus> {
  if (options?.confirm !== true)
    throw new InvalidArgumentError('clearKeyDomain needs confirm: true', "it destroys the key domain's key encryption key");
  const cmd = {
    cla: CLA.PROPRIETARY,
    ins: INS.IMPORT_DKEK_SHARE,
    p1: KEY_DOMAIN_OP.CLEAR_KEK,
    p2: checkDomain(domain),
    ne: 256,
    form: 'short',
  } as const;
  const res = await card.send(cmd, { operation: `clear key domain ${domain}`, confirmErase: true });
  return parseDkekStatus(res.data, 'clear key domain');
}
