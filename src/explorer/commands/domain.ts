/**
 * `domain list|create|delete|clear` (§3.10): key domains of a device initialised with INITIALIZE tag 97.
 * list = `80 52 00 <i> 00` until 6A86 (CardContact sc-hsm-embedded's enumeration); create =
 * `80 52 01 N 01 S 00`; delete = `80 52 03 N`; clear = `80 52 04 N 00`. Create, delete and clear need
 * `verify user` first; delete and clear destroy a KEK and need `--yes` (the channel guard's erase rule).
 */
import { clearKeyDomain } from '../../card/commands/clear-key-domain.ts';
import { createDkekKeyDomain } from '../../card/commands/create-dkek-key-domain.ts';
import { deleteKeyDomain } from '../../card/commands/delete-key-domain.ts';
import type { DkekStatus } from '../../card/commands/import-dkek-share.ts';
import { type KeyDomainInfo, listKeyDomains } from '../../card/key-domains.ts';
import { RefusedError } from '../../transport/errors.ts';
import { arity, parseArgs, parseNumber } from '../args.ts';
import { family } from '../family.ts';
import type { ExplorerSession } from '../session.ts';
import type { Subcommand } from '../types.ts';

export const domainNumber = (text: string | undefined): number => parseNumber(text ?? '', 'key domain', 0, 255);

export function printDomainStatus(session: ExplorerSession, domain: number, d: DkekStatus): void {
  session.print(`key domain ${domain}: ${d.total} share(s)`);
  if (d.outstanding > 0) session.print(`DKEK import pending:  ${d.outstanding} share(s) still missing`);
  else if (d.kcvHidden) session.print('DKEK key check value: not shown by the card (8 zero bytes)');
  else session.print(`DKEK key check value: ${d.kcv}`);
}

/** `domain N  free` or `domain N  DKEK  T share(s)  <k missing|complete>  KCV …` (as `schsm domain list`). */
function domainLine(d: KeyDomainInfo): string {
  if (d.state === 'free') return `domain ${d.domain}  free`;
  const s = d.status;
  const progress = s.outstanding > 0 ? `${s.outstanding} share(s) missing` : `complete  KCV ${s.kcvHidden ? 'not shown' : s.kcv}`;
  return d.state === 'xkek'
    ? `domain ${d.domain}  XKEK  ${progress}  UID ${d.uid}`
    : `domain ${d.domain}  DKEK  ${s.total} share(s)  ${progress}`;
}

const list: Subcommand = {
  name: 'list',
  args: '',
  help: 'every key domain slot: free, or its shares and KCV',
  async run(session, tokens) {
    arity(parseArgs(tokens), 0, 0, 'domain list');
    const domains = await listKeyDomains(await session.card());
    if (domains.length === 0) session.print('no key domains (no DKEK, and the device was initialised without key domains)');
    for (const d of domains) session.print(domainLine(d));
  },
};

const create: Subcommand = {
  name: 'create',
  args: 'N SHARES',
  help: 'create DKEK key domain N expecting SHARES shares (after `verify user`)',
  async run(session, tokens) {
    const args = parseArgs(tokens);
    arity(args, 2, 2, 'domain create N SHARES');
    const domain = domainNumber(args.positional[0]);
    const shares = parseNumber(args.positional[1] ?? '', 'number of shares', 1, 255);
    printDomainStatus(session, domain, await createDkekKeyDomain(await session.card(), domain, shares));
  },
};

function requireYes(flags: ReadonlySet<string>, what: string): void {
  if (!flags.has('yes')) throw new RefusedError(`${what} destroys the key domain's KEK`, 'add --yes if that is what you want');
}

const del: Subcommand = {
  name: 'delete',
  args: 'N --yes',
  help: 'delete key domain N and its KEK (refused while a key is in it)',
  async run(session, tokens) {
    const args = parseArgs(tokens, { yes: 'boolean' });
    arity(args, 1, 1, 'domain delete N --yes');
    const domain = domainNumber(args.positional[0]);
    requireYes(args.flags, `deleting key domain ${domain}`);
    await deleteKeyDomain(await session.card(), domain, { confirm: true });
    session.print(`deleted key domain ${domain} (the slot is free)`);
  },
};

const clear: Subcommand = {
  name: 'clear',
  args: 'N --yes',
  help: "clear key domain N's KEK: every share is missing again",
  async run(session, tokens) {
    const args = parseArgs(tokens, { yes: 'boolean' });
    arity(args, 1, 1, 'domain clear N --yes');
    const domain = domainNumber(args.positional[0]);
    requireYes(args.flags, `clearing key domain ${domain}`);
    printDomainStatus(session, domain, await clearKeyDomain(await session.card(), domain, { confirm: true }));
  },
};

export const domain = family('domain', 'key domains: list, create, delete, clear', [list, create, del, clear]);
