import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { VPCD } from './vpcd-wire.ts';

/**
 * Which PC/SC reader a vpcd port appears as. pcscd does not name readers after ports: it reads
 * reader.conf (/etc/reader.conf.d/*, and /etc/reader.conf on old systems), where each entry has a
 * FRIENDLYNAME, a DEVICENAME, a LIBPATH (the driver) and a CHANNELID. For the vsmartcard vpcd driver
 * the port is the number after ':' in DEVICENAME ("/dev/null:0x8C7B"), else CHANNELID; slot n of that
 * entry listens on port + n. pcscd names slot n "FRIENDLYNAME DD NN" (pcsc-lite readerfactory.c
 * RFSetReaderName: "%s %02X %02lX", DD = 00 unless the driver allows several simultaneous readers,
 * NN = the slot in hex).
 */

/** One entry of a reader.conf file. */
export interface ReaderConfEntry {
  readonly file: string;
  readonly friendlyName: string;
  readonly deviceName?: string;
  readonly libPath?: string;
  readonly channelId?: number;
}

/** A vpcd entry: its first slot listens on `port`. */
export interface VpcdConfEntry {
  readonly file: string;
  readonly friendlyName: string;
  readonly port: number;
}

/** The default reader.conf locations of pcsc-lite on Linux. */
export const READER_CONF_PATHS: readonly string[] = ['/etc/reader.conf.d', '/etc/reader.conf'];

/** A number as reader.conf writes it: decimal or 0x-hex. */
function confNumber(text: string): number | undefined {
  const t = text.trim();
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^\d+$/.test(t)) return Number.parseInt(t, 10);
  return undefined;
}

/**
 * Parse one reader.conf text: `KEY value` lines, `#` comments, values optionally in double quotes. A
 * new FRIENDLYNAME starts a new entry (pcsc-lite's configfile.l does the same).
 */
export function parseReaderConf(text: string, file: string): ReaderConfEntry[] {
  const entries: ReaderConfEntry[] = [];
  let current: { -readonly [K in keyof ReaderConfEntry]?: ReaderConfEntry[K] } | undefined;
  const flush = (): void => {
    if (current?.friendlyName !== undefined) entries.push({ ...current, file } as ReaderConfEntry);
    current = undefined;
  };
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z]+)\s+(.*?)\s*$/.exec(raw.replace(/#.*$/, ''));
    if (m === null) continue;
    const key = (m[1] as string).toUpperCase();
    const value = (m[2] as string).replace(/^"(.*)"$/, '$1');
    if (key === 'FRIENDLYNAME') {
      flush();
      current = { friendlyName: value };
      continue;
    }
    current ??= {};
    if (key === 'DEVICENAME') current.deviceName = value;
    else if (key === 'LIBPATH') current.libPath = value;
    else if (key === 'CHANNELID') {
      const n = confNumber(value);
      if (n !== undefined) current.channelId = n;
    }
  }
  flush();
  return entries;
}

/** The vpcd entries among `entries`, with the port of their first slot. */
export function vpcdEntries(entries: readonly ReaderConfEntry[]): VpcdConfEntry[] {
  const out: VpcdConfEntry[] = [];
  for (const e of entries) {
    if (e.libPath === undefined || !/vpcd/i.test(path.basename(e.libPath))) continue;
    const fromDevice = e.deviceName === undefined ? undefined : /:([^:]+)$/.exec(e.deviceName)?.[1];
    const port = (fromDevice === undefined ? undefined : confNumber(fromDevice)) ?? e.channelId ?? VPCD.PORT;
    out.push({ file: e.file, friendlyName: e.friendlyName, port });
  }
  return out;
}

/** Read every reader.conf under `paths` (files, or directories of files); unreadable ones are skipped. */
export function readReaderConf(paths: readonly string[] = READER_CONF_PATHS): ReaderConfEntry[] {
  const files: string[] = [];
  for (const p of paths) {
    try {
      files.push(
        ...readdirSync(p)
          .filter((n) => !n.startsWith('.') && !n.endsWith('~'))
          .sort()
          .map((n) => path.join(p, n)),
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') files.push(p);
    }
  }
  return files.flatMap((f) => {
    try {
      return parseReaderConf(readFileSync(f, 'utf8'), f);
    } catch {
      return [];
    }
  });
}

/** A reader name pcscd may give the vpcd slot on `port`, and the reader.conf entry it comes from. */
export interface VpcdReaderGuess {
  /** "FRIENDLYNAME 00 NN". */
  readonly name: string;
  /** FRIENDLYNAME and the slot ("Virtual PCD", " 01"): matches "Virtual PCD DD 01" for any DD. */
  readonly pattern: RegExp;
  readonly entry: VpcdConfEntry;
  readonly slot: number;
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The reader(s) whose vpcd slot listens on `port`, according to reader.conf: the entry with the
 * highest first port not above `port` (slot = the difference, at most `maxSlots` - 1). Empty when no
 * vpcd entry covers the port.
 */
export function vpcdReaderForPort(port: number, entries: readonly VpcdConfEntry[], maxSlots = 16): VpcdReaderGuess[] {
  return entries
    .filter((e) => port >= e.port && port - e.port < maxSlots)
    .sort((a, b) => b.port - a.port)
    .map((entry) => {
      const slot = port - entry.port;
      return {
        name: `${entry.friendlyName} 00 ${hex2(slot)}`,
        pattern: new RegExp(`^${escapeRe(entry.friendlyName)} [0-9A-F]{2} ${hex2(slot)}$`),
        entry,
        slot,
      };
    });
}
