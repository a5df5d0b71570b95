import { defineCommand, defineGroup } from '../../command.ts';
import { withPinOptions } from '../../pin-flags.ts';

const select = {
  label: { type: 'string', description: 'the object’s label' },
  fid: { type: 'string', description: 'the object’s file: CDxx (private), CFxx (public) or its description C9xx' },
} as const;

const list = defineCommand({
  command: 'list',
  describe: 'data objects: label, application, OID, private or public, size, files (like pkcs15-tool -D)',
  needsCard: true,
  builder: (y) =>
    y.example('schsm data list', 'no PIN needed: the descriptions are public').example('schsm data list --json', 'for scripts').strict(),
  handler: async (args, ctx) => (await import('./run-list.ts')).runDataList(args, ctx),
});

const put = defineCommand({
  command: 'put <file>',
  describe: 'store a file as a data object (CDxx private, CFxx public) with its PKCS#15 description (C9xx)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .positional('file', { type: 'string', demandOption: true, description: 'the data to store (at most 32767 bytes)' })
      .option('label', { type: 'string', demandOption: true, description: 'label (pkcs11-tool CKA_LABEL)' })
      .option('application', { type: 'string', description: 'application name (CKA_APPLICATION; default: the label, as pkcs11-tool)' })
      .option('oid', { type: 'string', description: 'application OID, dotted (CKA_OBJECT_ID)' })
      .option('private', {
        type: 'boolean',
        default: true,
        description: 'readable only after the user PIN (CDxx); --no-private: anyone may read it (CFxx)',
      })
      .option('replace', { type: 'boolean', default: false, description: 'replace the object with this label instead of refusing' })
      .example('schsm data put config.json --label config', 'a private object (PIN to read)')
      .example(
        'schsm data put ca.pem --label "CA bundle" --no-private --oid 1.3.6.1.4.1.99999.1',
        'a public object with an application OID',
      )
      .strict(),
  handler: async (args, ctx) => (await import('./run-put.ts')).runDataPut(args, ctx),
});

const get = defineCommand({
  command: 'get',
  describe: 'read a data object: hex on stdout, or the raw bytes into a file',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .options(select)
      .option('out', { type: 'string', description: 'write the raw bytes to this file (mode 0600; never overwritten without --force)' })
      .example('schsm data get --label config --out config.json', 'a private object: asks for the PIN')
      .example('schsm data get --fid CF01', 'a public object as hex, no PIN')
      .strict(),
  handler: async (args, ctx) => (await import('./run-get.ts')).runDataGet(args, ctx),
});

const del = defineCommand({
  command: 'delete',
  describe: 'delete a data object and its description',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .options(select)
      .option('yes', { type: 'boolean', default: false, description: 'confirm the deletion (it cannot be undone)' })
      .example('schsm data delete --label config --yes', 'deletes CDxx and C9xx')
      .strict(),
  handler: async (args, ctx) => (await import('./run-delete.ts')).runDataDelete(args, ctx),
});

/** `schsm data …`: PKCS#15 data objects (issue 12 item 4). */
export const dataCommand = defineGroup({
  command: 'data',
  describe: 'data objects: list, put, get, delete (visible to pkcs11-tool -O as data objects)',
  subcommands: [list, put, get, del],
});
