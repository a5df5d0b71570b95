import { defineCommand, defineGroup } from '../../command.ts';
import { withPinOptions } from '../../pin-flags.ts';
import { request, selfSign } from './cert-commands.ts';
import { importKey } from './import-command.ts';

const ref = { type: 'number', demandOption: true, description: 'key reference (1..255), as `schsm keys list` shows it' } as const;

const list = defineCommand({
  command: 'list',
  describe: 'keys with type, size/curve, label, ID, usage and public-key fingerprint (like pkcs15-tool -D)',
  needsCard: true,
  builder: (y) => y.example('schsm keys list', 'readable listing').example('schsm keys list --json', 'for scripts').strict(),
  handler: async (args, ctx) => (await import('./run-list.ts')).runKeysList(args, ctx),
});

const generate = defineCommand({
  command: 'generate [type]',
  describe: 'generate a key pair (or AES key) on the card and describe it in PKCS#15 like OpenSC',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .positional('type', {
        type: 'string',
        description:
          'rsa:1024..4096 | ec:prime256v1|secp384r1|secp521r1|brainpoolP256r1|brainpoolP384r1|brainpoolP512r1|secp256k1 | aes:128|192|256 (also as --type TYPE)',
      })
      .option('id', { type: 'string', description: 'PKCS#15 / PKCS#11 ID in hex (default: SHA-1 of the public key, as OpenSC)' })
      .option('label', { type: 'string', description: 'key label' })
      .option('ref', { type: 'number', description: 'key reference (default: the lowest free one)' })
      .option('replace', { type: 'boolean', default: false, description: 'replace an existing key at --ref with its PRKD and certificate' })
      .option('algorithms', {
        type: 'string',
        description:
          'allowed algorithm ids in hex, comma-separated (tag 91, §4); omit for no restriction. Without 92 the key cannot be wrapped',
      })
      .option('domain', {
        type: 'number',
        description: "key domain of the new key (tag 92): wrapped under that domain's KEK; the domain must be in use and complete",
      })
      .example('schsm keys generate ec:prime256v1 --label signer', 'P-256 key, lowest free reference')
      .example('schsm keys generate ec:prime256v1 --domain 1', 'a key in key domain 1')
      .example('schsm keys generate rsa:2048 --id 01 --label web', 'RSA-2048 with ID 01 (--type rsa:2048 works too)')
      .strict(),
  handler: async (args, ctx) => (await import('./run-generate.ts')).runKeysGenerate(args, ctx),
});

const del = defineCommand({
  command: 'delete',
  describe: 'delete a key with its description and certificate (CCxx, C4xx, CExx)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('ref', ref)
      .option('yes', { type: 'boolean', default: false, description: 'confirm the deletion (it cannot be undone without a backup)' })
      .example('schsm keys delete --ref 3 --yes', 'delete key 3')
      .strict(),
  handler: async (args, ctx) => (await import('./run-delete.ts')).runKeysDelete(args, ctx),
});

const sign = defineCommand({
  command: 'sign',
  describe: 'sign a file with a key on the card (the host hashes, the card signs)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('ref', ref)
      .option('alg', {
        type: 'string',
        demandOption: true,
        description:
          'ECDSA-SHA1..SHA512, SHA256-RSA-PKCS (…SHA1..SHA512), RSA-PSS-SHA256 (…), or ECDSA / RSA-PKCS / RSA-X-509 for prepared input',
      })
      .option('in', { type: 'string', demandOption: true, description: 'file to sign ("-" for stdin)' })
      .option('out', { type: 'string', demandOption: true, description: 'signature file (never overwritten without --force)' })
      .option('signature-format', {
        choices: ['der', 'raw'] as const,
        default: 'der' as const,
        description: 'ECDSA: DER SEQUENCE{r,s} (OpenSSL) or raw r‖s (PKCS#11)',
      })
      .example(
        'schsm keys sign --ref 1 --alg ECDSA-SHA256 --in doc.pdf --out doc.sig',
        'verify with: openssl dgst -sha256 -verify pub.pem -signature doc.sig doc.pdf',
      )
      .example('schsm keys sign --ref 2 --alg SHA256-RSA-PKCS --in msg --out msg.sig', 'RSA PKCS#1 v1.5')
      .strict(),
  handler: async (args, ctx) => (await import('./run-sign.ts')).runKeysSign(args, ctx),
});

const exportPub = defineCommand({
  command: 'export-pub',
  describe: "write a key's public key (SubjectPublicKeyInfo) as PEM or DER",
  needsCard: true,
  builder: (y) =>
    y
      .option('ref', ref)
      .option('out', { type: 'string', description: 'output file (default: stdout, PEM only)' })
      .option('format', { choices: ['pem', 'der'] as const, default: 'pem' as const, description: 'PEM (text) or DER (binary)' })
      .example('schsm keys export-pub --ref 1 --out pub.pem', 'PEM file')
      .strict(),
  handler: async (args, ctx) => (await import('./run-export-pub.ts')).runKeysExportPub(args, ctx),
});

const wrap = defineCommand({
  command: 'wrap <file>',
  describe: 'export a key encrypted under the DKEK into a file sc-hsm-tool --unwrap-key reads (§9.2)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .positional('file', { type: 'string', demandOption: true, description: 'wrapped-key file to create (mode 0600)' })
      .option('ref', ref)
      .example('schsm keys wrap --ref 1 key1.wrapped', 'same format as sc-hsm-tool --wrap-key key1.wrapped --key-reference 1')
      .strict(),
  handler: async (args, ctx) => (await import('./run-wrap.ts')).runKeysWrap(args, ctx),
});

const unwrap = defineCommand({
  command: 'unwrap <file>',
  describe: 'import a wrapped key (sc-hsm-tool --wrap-key or schsm keys wrap) with its PRKD and certificate',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .positional('file', { type: 'string', demandOption: true, description: 'wrapped-key file' })
      .option('ref', ref)
      .option('domain', {
        type: 'number',
        description:
          "key domain the blob belongs to: refuse unless its KCV is that domain's (default: the domain whose KCV the blob carries; the card decides by KCV)",
      })
      .option('replace', {
        type: 'boolean',
        default: false,
        description: 'replace an existing key at --ref with its PRKD and certificate (sc-hsm-tool --force)',
      })
      .example('schsm keys unwrap key1.wrapped --ref 1', 'refuses if key 1 (or its C401/CE01) exists; --replace replaces them')
      .example('schsm keys unwrap key1.wrapped --ref 1 --domain 2', "only if the blob was wrapped under key domain 2's KEK")
      .strict(),
  handler: async (args, ctx) => (await import('./run-unwrap.ts')).runKeysUnwrap(args, ctx),
});

const derive = defineCommand({
  command: 'derive',
  describe: "derive a new EC key from an EC key on the card (DERIVE EC KEY): d' = d + param mod n, checked against Q + param·G",
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('ref', ref)
      .option('to', { type: 'number', demandOption: true, description: 'key reference of the new key (1..255, free unless --replace)' })
      .option('replace', { type: 'boolean', default: false, description: 'replace an existing key at --to with its PRKD and certificate' })
      .option('param', {
        type: 'string',
        demandOption: true,
        description: "derivation parameter in hex, a number 1..n-1 of the source key's curve (the card adds it to the private key)",
      })
      .option('label', { type: 'string', description: 'label of the new key' })
      .option('id', { type: 'string', description: 'PKCS#15 / PKCS#11 ID in hex (default: SHA-1 of the new public key, as OpenSC)' })
      .example(
        'schsm keys derive --ref 1 --to 2 --param 0a0b0c… --label child-1',
        'key 2 = key 1 + param; its public key Q + param·G is computed here and proven by a signature',
      )
      .example('schsm keys derive --ref 1 --to 2 --param 01 --json', 'machine-readable, with the new public key as PEM')
      .strict(),
  handler: async (args, ctx) => (await import('./run-derive.ts')).runKeysDerive(args, ctx),
});

/** `schsm keys …`: the keys on the card. */
export const keysCommand = defineGroup({
  command: 'keys',
  describe: 'keys: list, generate, import, derive, delete, sign, export-pub, request, self-sign, wrap, unwrap',
  subcommands: [list, generate, importKey, derive, del, sign, exportPub, request, selfSign, wrap, unwrap],
});
