/**
 * `certs list|import|export|delete`: X.509 certificates on the session's card through
 * card/certificates.ts and certificate-import.ts (the CLI's functions): with key xx in CExx, CA
 * certificates in CAxx described in C8xx, as OpenSC writes and reads them. Importing and deleting
 * need `verify user` first; an imported certificate must belong to its key (--allow-key-mismatch).
 */
import { INPUT_LIMITS } from '../../transport/bounded-read.ts';
import { fromHex, hex4, toHex } from '../../apdu/hex.ts';
import { importCertificate } from '../../card/certificate-import.ts';
import { deleteCertificate, findCertificate, listCertificates, type CertificateInfo } from '../../card/certificates.ts';
import { certificatePem, readCertificateFile } from '../../card/formats/x509.ts';
import { RefusedError } from '../../transport/errors.ts';
import { arity, parseArgs, parseFid } from '../args.ts';
import { family } from '../family.ts';
import { completePath, readLocalFile, writeLocalFile } from '../local-files.ts';
import type { ExplorerSession } from '../session.ts';
import type { Subcommand } from '../types.ts';
import { keyRefArg } from './key-ref.ts';

const name = (c: CertificateInfo): string =>
  `${c.label === undefined ? '(no label)' : JSON.stringify(c.label)} ${hex4(c.fid)}${c.cdFid === undefined ? '' : `/${hex4(c.cdFid)}`}`;

/** A key reference (digits), a FID (CExx, CAxx, C8xx) or a label. */
async function pick(session: ExplorerSession, word: string): Promise<CertificateInfo> {
  const certs = await listCertificates(await session.card());
  if (/^\d{1,3}$/.test(word)) return findCertificate(certs, { ref: keyRefArg(word) });
  if (/^(CE|CA|C8)[0-9A-F]{2}$/i.test(word)) return findCertificate(certs, { fid: parseFid(word) });
  return findCertificate(certs, { label: word });
}

const list: Subcommand = {
  name: 'list',
  args: '',
  help: 'X.509 certificates: key or CA, label, subject, validity, files',
  async run(session, tokens) {
    arity(parseArgs(tokens), 0, 0, 'certs list');
    const certs = await listCertificates(await session.card());
    if (certs.length === 0) session.print('(no X.509 certificates)');
    for (const c of certs) {
      const who = c.kind === 'end-entity' ? `key ${c.keyRef}` : 'CA';
      const x = c.x509;
      session.print(`${name(c)}  ${who}  ${x === undefined ? '(not readable)' : `${x.subject}  issuer ${x.issuer}  until ${x.notAfter}`}`);
    }
  },
};

const SPEC = { ca: 'boolean', label: 'string', id: 'string', replace: 'boolean', 'allow-key-mismatch': 'boolean' } as const;

const imp: Subcommand = {
  name: 'import',
  args: 'FILE [REF] [--ca] [--label L] [--id HEX] [--replace] [--allow-key-mismatch]',
  help: 'store a local certificate (PEM/DER) with key REF (or the key it belongs to), else as a CA certificate',
  complete: (session, i, partial) => (i === 0 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, SPEC);
    arity(args, 1, 2, 'certs import FILE [REF] [--ca] [--label L] [--id HEX] [--replace] [--allow-key-mismatch]');
    const [file = '', refWord] = args.positional;
    const cert = readCertificateFile(await readLocalFile(session, file, 'certificate', INPUT_LIMITS.efContent), file);
    const id = args.values.get('id');
    const card = await session.card();
    const r = await card.exclusive(() =>
      importCertificate(
        card,
        cert,
        {
          ref: refWord === undefined ? undefined : keyRefArg(refWord),
          ca: args.flags.has('ca'),
          label: args.values.get('label'),
          id: id === undefined ? undefined : fromHex(id),
          replace: args.flags.has('replace'),
          allowKeyMismatch: args.flags.has('allow-key-mismatch'),
          flags: { replace: '--replace', mismatch: '--allow-key-mismatch', ca: '--ca' },
        },
        (fn) => fn(),
      ),
    );
    await session.refreshFids().catch(() => undefined);
    session.print(
      `stored ${JSON.stringify(cert.subject)} as ${name(r.cert)}${r.cert.kind === 'end-entity' ? ` with key ${r.cert.keyRef}` : ' (CA)'}`,
    );
    const m = r.match;
    if (m !== undefined)
      session.print(m.result === 'unknown' ? `key check: not checked (${m.reason})` : `key check: ${m.result}: ${m.method}`);
  },
};

const exp: Subcommand = {
  name: 'export',
  args: 'REF|FID|LABEL [FILE] [--der] [--force]',
  help: 'show a certificate as PEM, or write it to a local file (PEM, or DER with --der)',
  complete: (session, i, partial) => (i === 1 ? completePath(session, partial) : []),
  async run(session, tokens) {
    const args = parseArgs(tokens, { der: 'boolean', force: 'boolean' });
    arity(args, 1, 2, 'certs export REF|FID|LABEL [FILE] [--der] [--force]');
    const c = await pick(session, args.positional[0] ?? '');
    const pem = certificatePem(c.der);
    const file = args.positional[1];
    if (file === undefined) session.print(pem.trimEnd());
    else {
      await writeLocalFile(session, file, args.flags.has('der') ? c.der : new TextEncoder().encode(pem), args.flags.has('force'));
      session.print(`${name(c)} written to ${file}`);
    }
  },
};

const del: Subcommand = {
  name: 'delete',
  args: 'REF|FID|LABEL [--yes]',
  help: 'delete a certificate (CExx, or CAxx and its C8xx); asks first, --yes does not',
  async run(session, tokens) {
    const args = parseArgs(tokens, { yes: 'boolean' });
    arity(args, 1, 1, 'certs delete REF|FID|LABEL [--yes]');
    const c = await pick(session, args.positional[0] ?? '');
    if (!args.flags.has('yes') && !(await session.confirm(`delete certificate ${name(c)}?`)))
      throw new RefusedError(`${name(c)} not deleted`, 'confirm at the prompt, or add --yes');
    const gone = await deleteCertificate(await session.card(), c);
    for (const f of gone) session.knownFids.delete(f);
    session.print(`deleted ${gone.map(hex4).join(', ')}${c.id === undefined ? '' : ` (ID ${toHex(c.id)})`}`);
  },
};

export const certs = family('certs', 'X.509 certificates (as pkcs11-tool sees them): list, import, export, delete', [list, imp, exp, del]);
