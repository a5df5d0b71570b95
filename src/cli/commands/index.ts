import type { CommandDef } from '../command.ts';
import { simCommand } from './sim/command.ts';
import { statusCommand } from './status/command.ts';
import { initCommand } from './init/command.ts';
import { pinCommand } from './pin/command.ts';
import { pkaCommand } from './pka/command.ts';
import { dkekCommand } from './dkek/command.ts';
import { domainCommand } from './domain/command.ts';
import { keysCommand } from './keys/command.ts';
import { backupCommand } from './backup/command.ts';
import { dataCommand } from './data/command.ts';
import { certsCommand } from './certs/command.ts';
import { cloneCommand } from './clone/command.ts';
import { fleetCommand } from './fleet/command.ts';
import { randomCommand } from './random/command.ts';
import { traceCommand } from './trace/command.ts';
import { readersCommand } from './readers/command.ts';
import { doctorCommand } from './doctor/command.ts';
import { apduCommand } from './apdu/command.ts';
import { runCommand } from './run/command.ts';
import { exploreCommand } from './explore/command.ts';
import { completionCommand } from './completion/command.ts';
import { helpCommand } from './help/command.ts';

/** Every top-level command, in the order `schsm --help` lists them. */
export const COMMANDS: readonly CommandDef[] = [
  exploreCommand,
  readersCommand,
  doctorCommand,
  simCommand,
  statusCommand,
  initCommand,
  dkekCommand,
  domainCommand,
  keysCommand,
  certsCommand,
  dataCommand,
  backupCommand,
  cloneCommand,
  fleetCommand,
  pinCommand,
  pkaCommand,
  randomCommand,
  apduCommand,
  runCommand,
  traceCommand,
  helpCommand,
  completionCommand,
];
