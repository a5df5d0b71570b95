/** The explorer's command table, in the order `help` lists them (opensc-explorer's first). */
import type { ExplorerCommand } from '../types.ts';
import { apdu } from './apdu.ts';
import { reconnect, status, trace } from './card.ts';
import { asn1, cat } from './cat.ts';
import { cd } from './cd.ts';
import { certs } from './certs.ts';
import { data } from './data.ts';
import { dkek } from './dkek.ts';
import { domain } from './domain.ts';
import { create, del, updateBinaryCommand } from './files.ts';
import { find } from './find.ts';
import { fleet } from './fleet.ts';
import { info } from './info.ts';
import { keys } from './keys.ts';
import { ls } from './ls.ts';
import { change, pinInfo, unblock, verify } from './pin.ts';
import { pka } from './pka.ts';
import { debug, echo, help, quit } from './shell.ts';
import { sm } from './sm.ts';
import { get, put, random } from './transfer.ts';

export const COMMANDS: readonly ExplorerCommand[] = [
  ls,
  cd,
  cat,
  info,
  find,
  asn1,
  create,
  del,
  updateBinaryCommand,
  get,
  put,
  pinInfo,
  verify,
  change,
  unblock,
  random,
  apdu,
  status,
  keys,
  certs,
  data,
  dkek,
  domain,
  pka,
  fleet,
  trace,
  sm,
  reconnect,
  debug,
  echo,
  help,
  quit,
];
