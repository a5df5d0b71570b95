import { defineCommand, defineGroup } from '../../command.ts';
import { withPinOptions } from '../../pin-flags.ts';

const domainOption = {
  type: 'number',
  demandOption: true,
  description: 'key domain number (0..N-1 of `schsm init --key-domains N`)',
} as const;

const create = defineCommand({
  command: 'create',
  describe: 'create a DKEK key domain in a free slot: it then expects --shares DKEK shares (MANAGE KEY DOMAIN 01)',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('domain', domainOption)
      .option('shares', { type: 'number', demandOption: true, description: 'number of DKEK shares the domain expects (1..255)' })
      .example('schsm domain create --domain 1 --shares 2', 'then `schsm dkek import-share --domain 1 a.pbe b.pbe`')
      .strict(),
  handler: async (args, ctx) => (await import('./run-create.ts')).runDomainCreate(args, ctx),
});

const list = defineCommand({
  command: 'list',
  describe: 'every key domain slot: free, or its shares, what is missing and the KCV (no PIN is tried)',
  needsCard: true,
  builder: (y) =>
    y
      .example('schsm domain list', 'e.g. "domain 1  DKEK  2 share(s)  complete  KCV 6C609824B9CA28EB"')
      .example('schsm domain list --json', 'one object per slot')
      .strict(),
  handler: async (args, ctx) => (await import('./run-list.ts')).runDomainList(args, ctx),
});

const del = defineCommand({
  command: 'delete',
  describe: 'delete a key domain and its KEK (the card refuses while a key is in it) — needs --yes',
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('domain', domainOption)
      .option('yes', { type: 'boolean', default: false, description: "confirm that the domain's KEK may be destroyed" })
      .example('schsm domain delete --domain 1 --reader "Virtual PCD 00 00" --yes', 'the slot is free again')
      .strict(),
  handler: async (args, ctx) => (await import('./run-delete.ts')).runDomainDelete(args, ctx),
});

const clear = defineCommand({
  command: 'clear',
  describe: "clear a key domain's KEK: every share is missing again, keys stay but cannot be wrapped — needs --yes",
  needsCard: true,
  builder: (y) =>
    withPinOptions(y)
      .option('domain', domainOption)
      .option('yes', { type: 'boolean', default: false, description: "confirm that the domain's KEK may be destroyed" })
      .example('schsm domain clear --domain 1 --yes', 'then import the shares again with `schsm dkek import-share --domain 1`')
      .strict(),
  handler: async (args, ctx) => (await import('./run-clear.ts')).runDomainClear(args, ctx),
});

/** `schsm domain …`: key domains (INITIALIZE tag 97, MANAGE KEY DOMAIN 80 52, §3.10). */
export const domainCommand = defineGroup({
  command: 'domain',
  describe: 'key domains: create, list, delete and clear DKEK key domains (init --key-domains N first)',
  subcommands: [create, list, del, clear],
});
