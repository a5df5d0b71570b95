import { SW } from '../../apdu/status-words.ts';
import { CLA, INS } from '../constants.ts';
import { InvalidArgumentError } from '../host-errors.ts';
import type { CardSession } from '../session.ts';
import { KEY_DOMAIN_OP } from './create-dkek-key-domain.ts';
import { checkDomain } from './import-dkek-share.ts';

/**
 * MANAGE KEY DOMAIN, delete a key domain: `80 52 03 <domain>` (case 1). Frees the slot and destroys
 * its KEK; refused (6A89) while a key still belongs to the domain. Needs the user PIN and `confirm: true` (the channel guard treats it as an erase). A successful
 * delete answers 6A88 ("the domain is no longer there": pico-hsm, and pypicohsm `delete_key_domain`
 * accepts exactly 6A88); 9000 is accepted too (read liberally).
 */
export async function deleteKeyDomain(card: CardSession, domain: number, options: { readonly confirm: true }): Promise<void> {
  if (options?.confirm !== true)
    throw new InvalidArgumentError('deleteKeyDomain needs confirm: true', "it destroys the key domain's key encryption key");
  const cmd = { cla: CLA.PROPRIETARY, ins: INS.IMPORT_DKEK_SHARE, p1: KEY_DOMAIN_OP.DELETE, p2: checkDomain(domain) } as const;
  await card.send(cmd, { operation: `delete key domain ${domain}`, accept: [SW.REFERENCED_DATA_NOT_FOUND], confirmErase: true });
}
