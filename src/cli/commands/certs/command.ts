import { defineCommand, defineGroup } from '../../command.ts';
import { withPinOptions } from '../../pin-flags.ts';

const select = {
  ref: { type: 'number', description: 'the end-entity certificate of key N (CExx)' },
  label: { type: 'string', description: 'the certificate with this label (a key’s label for end-entity certificates)' },
  fid: { type: 'string', description: 'the certificate’s file: CExx, CAxx, or a CA certificate’s description C8xx' },
} as const;

const list = defineCommand({
  command: 'list',
  describe: 'X.509 certificates: key, label, ID, subject, issuer, validity, files (like pkcs15-tool -D)',
  needsCard: true,
  builder: (y) =>
    y.example('schsm certs list', 'no PIN needed: certificates are public').example('schsm certs list --json', 'for scripts').strict(),
  handler: async (args, ctx) => (await import('./run-list.ts')).runCertsList(args, ctx),
});

const imp = defineCommand({
  command: 'import <file>',
  describe: 'store an X.509 certificate (PEM/DER): with its key in CExx, or as a CA certificate in CAxx + C8xx',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .positional('file', { type: 'string', demandOption: true, description: 'the certificate, PEM (one CERTIFICATE block) or DER' })
      .option('ref', {
        type: 'number',
        description: 'store it with key N (CExx); default: the key whose public key it holds, else as a CA certificate',
      })
      .option('ca', {
        type: 'boolean',
        default: false,
        description: 'store it as a CA certificate (CAxx, described in C8xx) even if a key matches',
      })
      .option('label', { type: 'string', description: 'CA certificate label (default: the subject’s CN); end-entity ones take the key’s' })
      .option('id', { type: 'string', description: 'CA certificate ID in hex (default: SHA-1 of its public key, as OpenSC)' })
      .option('replace', {
        type: 'boolean',
        default: false,
        description: 'replace the X.509 certificate already stored there instead of refusing',
      })
      .option('allow-key-mismatch', {
        type: 'boolean',
        default: false,
        description: 'store it with key N even though its public key is not key N’s (or cannot be checked)',
      })
      .example('schsm certs import signer.pem --ref 1', 'with key 1: refused unless the certificate holds key 1’s public key')
      .example('schsm certs import root-ca.der --ca --label "Federation root"', 'a CA certificate (CA00 + C800)')
      .strict(),
  handler: async (args, ctx) => (await import('./run-import.ts')).runCertsImport(args, ctx),
});

const exp = defineCommand({
  command: 'export',
  describe: 'write a certificate to a file (PEM or DER) or to stdout (-, PEM); no PIN needed',
  needsCard: true,
  builder: (y) =>
    y
      .options(select)
      .option('out', {
        type: 'string',
        nargs: 1,
        demandOption: true,
        description: 'output file, never overwritten without --force; - for stdout (PEM)',
      })
      .option('format', { choices: ['pem', 'der'] as const, default: 'pem' as const, description: 'PEM (text) or DER (binary)' })
      .example('schsm certs export --ref 1 --out signer.pem', 'the certificate of key 1')
      .example('schsm certs export --fid CA00 --format der --out root.der', 'a CA certificate as DER')
      .example('schsm certs export --label "Federation root" --out -', 'PEM on stdout')
      .strict(),
  handler: async (args, ctx) => (await import('./run-export.ts')).runCertsExport(args, ctx),
});

const del = defineCommand({
  command: 'delete',
  describe: 'delete a certificate (CExx; or CAxx and its description C8xx); never guesses the device',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .options(select)
      .option('yes', { type: 'boolean', default: false, description: 'confirm the deletion (it cannot be undone)' })
      .example('schsm certs delete --fid CA00 --reader "Virtual PCD 00 00" --yes', 'deletes CA00 and C800')
      .strict(),
  handler: async (args, ctx) => (await import('./run-delete.ts')).runCertsDelete(args, ctx),
});

/** `schsm certs …`: X.509 certificates (issue 12 item 2). */
export const certsCommand = defineGroup({
  command: 'certs',
  describe: 'X.509 certificates: list, import, export, delete (visible to pkcs11-tool -O and pkcs15-tool -D)',
  subcommands: [list, imp, exp, del],
});
