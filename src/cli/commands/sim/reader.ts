import { readReaderConf, vpcdEntries, vpcdReaderForPort, READER_CONF_PATHS } from '../../../sim/reader-conf.ts';
import type { PcscReaderInfo } from '../../../transport/pcsc.ts';

/** The reader `schsm sim --port P` announces, and how it was found. */
export interface SimReader {
  /** The PC/SC reader name, or undefined when neither reader.conf nor pcscd knows the port. */
  readonly name: string | undefined;
  /** Where the name comes from, for the announcement ("reader.conf /etc/reader.conf.d/vpcd; pcscd lists it"). */
  readonly source: string;
}

/** pcscd's reader list, or undefined when pcscd cannot be asked (not running, no libpcsclite). */
export async function pcscdReaders(timeoutMs = 3000): Promise<PcscReaderInfo[] | undefined> {
  try {
    const { listReaders } = await import('../../../transport/pcsc.ts');
    return await listReaders({ timeoutMs });
  } catch {
    return undefined;
  }
}

/**
 * Name the reader pcscd gives the vpcd slot on `port`: the reader.conf entry that covers the port
 * (sim/reader-conf.ts), checked against the readers pcscd lists (which also settles the reader digit
 * pcscd chose). `listed` undefined: pcscd could not be asked.
 */
export function simReaderName(
  port: number,
  listed: readonly string[] | undefined,
  confPaths: readonly string[] = READER_CONF_PATHS,
): SimReader {
  const guesses = vpcdReaderForPort(port, vpcdEntries(readReaderConf(confPaths)));
  if (listed !== undefined) {
    for (const g of guesses) {
      const found = listed.find((n) => g.pattern.test(n));
      if (found !== undefined) return { name: found, source: `${g.entry.file}; pcscd lists it` };
    }
  }
  const first = guesses.find((g) => g.slot < 2) ?? guesses[0];
  if (first !== undefined)
    return {
      name: first.name,
      source: `${first.entry.file}; ${listed === undefined ? 'pcscd not asked (not reachable)' : 'pcscd does not list it (restart pcscd after editing reader.conf)'}`,
    };
  return {
    name: undefined,
    source: `no vpcd entry in ${confPaths.join(' or ')} covers port ${port}`,
  };
}

/**
 * Which reader shows our card once vpcd polls it: the readers pcscd reports with a card of this ATR.
 * The announced reader when it is one of them; else the only one; else undefined (not confirmed).
 */
export function readerShowingCard(readers: readonly PcscReaderInfo[], atr: Uint8Array, announced: string | undefined): string | undefined {
  const same = (a: Uint8Array): boolean => a.length === atr.length && a.every((b, i) => b === atr[i]);
  const withCard = readers.filter((r) => r.cardPresent && same(r.atr)).map((r) => r.name);
  if (announced !== undefined && withCard.includes(announced)) return announced;
  return withCard.length === 1 ? withCard[0] : undefined;
}
