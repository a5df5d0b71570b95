/**
 * `dkek status` (`80 52 00 00 00`, §3.10) and `dkek import FILE [--password-env VAR]`: decrypt a
 * `.pbe` share file on the host (§8.2; the password from the variable or a hidden prompt, never from
 * the command line) and import the share `80 52 00 00 20 <share> 00`. The share is wiped afterwards.
 * `--domain N` works on key domain N (`80 52 00 N …`; importing there needs `verify user` first).
 */
import { INPUT_LIMITS } from '../../transport/bounded-read.ts';
import { importDkekShare, queryDkekStatus, type DkekStatus } from '../../card/commands/import-dkek-share.ts';
import { decryptDkekShare } from '../../card/formats/dkek-share-file.ts';
import { arity, parseArgs } from '../args.ts';
import { RefusedError, UsageError } from '../../transport/errors.ts';
import { family } from '../family.ts';
import { domainNumber, printDomainStatus } from './domain.ts';
import { completePath, readLocalFile } from '../local-files.ts';
import type { ExplorerSession } from '../session.ts';
import type { Subcommand } from '../types.ts';

function printDkek(session: ExplorerSession, d: DkekStatus): void {
  session.print(`DKEK shares:          ${d.total}`);
  if (d.outstanding > 0) session.print(`DKEK import pending:  ${d.outstanding} share(s) still missing`);
  else if (d.kcvHidden)
    session.print('DKEK key check value: not shown by the card (8 zero bytes): this device shows it after `verify user`');
  else session.print(`DKEK key check value: ${d.kcv}`);
}

/** `--domain N` (default 0, §3.10). */
function domainOf(values: ReadonlyMap<string, string>): number {
  const v = values.get('domain');
  return v === undefined ? 0 : domainNumber(v);
}

const status: Subcommand = {
  name: 'status',
  args: '[--domain N]',
  help: 'DKEK shares announced, still missing, and the key check value (of key domain N)',
  async run(session, tokens) {
    const args = parseArgs(tokens, { domain: 'string' });
    arity(args, 0, 0, 'dkek status [--domain N]');
    const domain = domainOf(args.values);
    const d = await queryDkekStatus(await session.card(), domain);
    if (domain === 0) printDkek(session, d);
    else printDomainStatus(session, domain, d);
  },
};

async function password(session: ExplorerSession, envVar: string | undefined, file: string): Promise<string> {
  if (envVar === undefined)
    return session.askSecret(`Password of ${file}: `, 'share password', 'use --password-env VAR, or run the explorer on a terminal');
  const v = session.env[envVar];
  if (v === undefined || v === '')
    throw new UsageError(
      'the environment variable named by --password-env is not set or empty',
      'its name is not repeated here: a value typed there by mistake would be the password itself',
    );
  return v;
}

const importShare: Subcommand = {
  name: 'import',
  args: 'FILE [--password-env VAR] [--domain N]',
  maxWords: 1,
  help: 'decrypt a .pbe DKEK share file (sc-hsm-tool format) and import the share',
  timeoutMs: 180_000,
  complete: (session, i, partial) => (i === 0 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { 'password-env': 'string', domain: 'string' });
    arity(args, 1, 1, 'dkek import FILE [--password-env VAR] [--domain N]');
    const domain = domainOf(args.values);
    const name = args.positional[0] ?? '';
    const file = await readLocalFile(session, name, 'DKEK share file', INPUT_LIMITS.dkekShare);
    const card = await session.card();
    const before = await queryDkekStatus(card, domain);
    if (before.outstanding === 0)
      throw new RefusedError(
        `all ${before.total} DKEK share(s) are already imported (KCV ${before.kcv})`,
        'a new DKEK needs a re-initialisation (`schsm init`)',
      );
    const pw = await password(session, args.values.get('password-env'), name);
    session.print(`decrypting ${name} (3 × 10,000,000 MD5 rounds, a few seconds)…`);
    const share = await decryptDkekShare(file, pw);
    try {
      const after = await importDkekShare(card, share, domain);
      if (domain === 0) printDkek(session, after);
      else printDomainStatus(session, domain, after);
    } finally {
      share.fill(0);
    }
  },
};

export const dkek = family('dkek', 'device key encryption key: status, import a share', [status, importShare]);
