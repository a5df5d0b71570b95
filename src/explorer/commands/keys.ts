/**
 * `keys list|generate|import|derive|sign|wrap|unwrap|delete`: the operator CLI's key commands inside the shell,
 * composed from card/keys.ts, generate-key.ts, sign-message.ts and key-backup.ts (no second
 * implementation). They use the PIN state of the shell: `verify user` first.
 */
import { fromHex, hex2, hex4 } from '../../apdu/hex.ts';
import { deleteKey, describeKey, listKeys, type KeyInfo } from '../../card/keys.ts';
import { deriveKey } from '../../card/derive-key.ts';
import { generateKey, parseKeyType } from '../../card/generate-key.ts';
import { arity, noForce, parseArgs } from '../args.ts';
import { keyRefArg, refOption } from './key-ref.ts';
import { completeWords } from '../complete.ts';
import { RefusedError, UsageError } from '../../transport/errors.ts';
import { family } from '../family.ts';
import type { ExplorerSession } from '../session.ts';
import type { Subcommand } from '../types.ts';
import { keySign } from './keys-sign.ts';
import { keyUnwrap, keyWrap } from './keys-backup.ts';
import { keyImport } from './keys-import.ts';
import { formatKeyId } from '../../card/key-id.ts';
import { keyRequest, keySelfSign } from './keys-cert.ts';

function typeText(k: KeyInfo): string {
  const kind = k.kind === 'unknown' ? '?' : k.kind.toUpperCase();
  return k.curve !== undefined ? `${kind} ${k.curve}` : `${kind}${k.size === undefined ? '' : ` ${k.size}`}`;
}

function printKeys(session: ExplorerSession, keys: readonly KeyInfo[]): void {
  const s = session.style;
  const rows = keys.map((k) => [
    String(k.ref).padStart(3),
    typeText(k),
    k.label ?? '',
    k.id === undefined ? '' : formatKeyId(k.id),
    k.usage.join(',') || '-',
    k.certificate === 'cv-request' ? 'CV request' : k.certificate === 'x509' ? 'X.509' : '-',
  ]);
  const head = ['Ref', 'Type', 'Label', 'ID', 'Usage', 'CExx'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  session.print(
    s.bold(
      head
        .map((h, i) => h.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    ),
  );
  for (const r of rows)
    session.print(
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

const list: Subcommand = {
  name: 'list',
  args: '',
  help: 'keys with type, label, ID, usage and what CExx holds (CV request or X.509)',
  async run(session, tokens) {
    arity(parseArgs(tokens), 0, 0, 'keys list');
    const keys = await listKeys(await session.card());
    if (keys.length === 0) session.print('(no keys besides the device key)');
    else printKeys(session, keys);
  },
};

const KEY_TYPES = [
  'ec:prime256v1',
  'ec:secp384r1',
  'ec:secp521r1',
  'ec:brainpoolP256r1',
  'ec:brainpoolP384r1',
  'ec:brainpoolP512r1',
  'ec:secp256k1',
  'rsa:2048',
  'rsa:3072',
  'rsa:4096',
  'aes:128',
  'aes:256',
];

const generate: Subcommand = {
  name: 'generate',
  args: 'TYPE [--label L] [--ref N] [--id HEX] [--replace]',
  help: 'generate a key on the card (rsa:2048, ec:prime256v1, aes:256 …) with an OpenSC-style PRKD; also --type TYPE',
  timeoutMs: 600_000,
  complete: (_s, i, partial) =>
    i === 0 ? completeWords(KEY_TYPES, partial) : completeWords(['--label', '--ref', '--id', '--replace'], partial),
  async run(session, tokens) {
    const args = parseArgs(tokens, { label: 'string', ref: 'string', id: 'string', force: 'boolean', replace: 'boolean', type: 'string' });
    noForce(args, 'keys generate');
    const typeOption = args.values.get('type');
    arity(
      args,
      typeOption === undefined ? 1 : 0,
      typeOption === undefined ? 1 : 0,
      'keys generate TYPE [--label L] [--ref N] [--id HEX] [--replace]',
    );
    const type = parseKeyType(typeOption ?? args.positional[0] ?? '');
    const ref = args.values.get('ref');
    const id = args.values.get('id');
    const label = args.values.get('label');
    const card = await session.card();
    const k = await generateKey(card, {
      type,
      replace: args.flags.has('replace'),
      ...(ref === undefined ? {} : { keyRef: keyRefArg(ref) }),
      ...(id === undefined ? {} : { id: fromHex(id) }),
      ...(label === undefined ? {} : { label }),
    });
    await session.refreshFids().catch(() => undefined);
    session.print(
      `generated key ${k.ref}: ${k.kind.toUpperCase()} ${k.curve ?? k.size}${k.label === undefined ? '' : ` ${JSON.stringify(k.label)}`}, ID ${formatKeyId(k.id)}`,
    );
    if (k.request !== undefined)
      session.print(
        `  CV request in CE${hex2(k.ref)} (${k.requestStoredBy === 'card' ? 'stored by the card' : 'written by schsm'}), PRKD in C4${hex2(k.ref)}`,
      );
  },
};

const derive: Subcommand = {
  name: 'derive',
  args: 'SRC DST PARAM [--label L] [--id HEX] [--replace]',
  help: "derive EC key DST from key SRC (DERIVE EC KEY, d' = d + PARAM mod n), proven against Q + PARAM·G",
  complete: (_s, i, partial) => (i < 3 ? [] : completeWords(['--label', '--id', '--replace'], partial)),
  async run(session, tokens) {
    const args = parseArgs(tokens, { label: 'string', id: 'string', force: 'boolean', replace: 'boolean' });
    noForce(args, 'keys derive');
    arity(args, 3, 3, 'keys derive SRC DST PARAM [--label L] [--id HEX] [--force]');
    const [src, dst, param] = args.positional;
    const id = args.values.get('id');
    const label = args.values.get('label');
    const k = await deriveKey(await session.card(), {
      sourceRef: keyRefArg(src),
      targetRef: keyRefArg(dst),
      param: fromHex(param ?? ''),
      replace: args.flags.has('replace'),
      ...(id === undefined ? {} : { id: fromHex(id) }),
      ...(label === undefined ? {} : { label }),
    });
    await session.refreshFids().catch(() => undefined);
    session.print(
      `derived key ${k.ref} from key ${k.sourceRef}: EC ${k.curve}${k.label === undefined ? '' : ` ${JSON.stringify(k.label)}`}, ID ${formatKeyId(k.id)}`,
    );
    session.print(
      k.check === 'verified'
        ? `  its signature verifies with Q + param·G computed on this computer; CV request in CE${hex2(k.ref)}, PRKD in C4${hex2(k.ref)}`
        : `  not proven (the key may not sign); PRKD in C4${hex2(k.ref)}`,
    );
  },
};

const del: Subcommand = {
  name: 'delete',
  args: '--ref N [--yes]',
  help: 'delete a key with its PRKD and certificate (asks first; --yes does not); also REF',
  async run(session, tokens) {
    const args = parseArgs(tokens, { yes: 'boolean', ref: 'string', force: 'boolean' });
    if (args.flags.has('force'))
      throw new UsageError('keys delete takes --yes to confirm', '--force only overwrites files: keys delete --ref N --yes');
    const ref = refOption(args, 'keys delete --ref N [--yes]');
    const card = await session.card();
    if (!args.flags.has('yes')) {
      const k = await describeKey(card, ref);
      const what = `key ${ref}${k.label === undefined ? '' : ` ${JSON.stringify(k.label)}`} (CC${hex2(ref)}, C4${hex2(ref)}, CE${hex2(ref)})`;
      if (!(await session.confirm(`delete ${what}? It cannot be undone without a wrapped backup.`))) {
        throw new RefusedError(`${what} not deleted`, `confirm at the prompt, or add --yes: keys delete --ref ${ref} --yes`);
      }
    }
    const gone = await deleteKey(card, ref);
    for (const f of gone) session.knownFids.delete(f);
    session.print(`deleted ${gone.map(hex4).join(', ')}`);
  },
};

export const keys = family('keys', 'keys on the card: list, generate, import, derive, sign, request, self-sign, wrap, unwrap, delete', [
  list,
  generate,
  keyImport,
  derive,
  keySign,
  keyRequest,
  keySelfSign,
  keyWrap,
  keyUnwrap,
  del,
]);
