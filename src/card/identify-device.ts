/**
 * Which SmartCard-HSM a session talks to, read-only: reader name, serial (device CHR of EF 2F02 minus
 * its 5-character sequence number, §10) and token label (EF 2F03, §3.9). SELECTs of EFs and READ
 * BINARY only: the PIN state of the session is kept. Used to name devices (the CLI's "device: …"
 * line, fleet status in the CLI and the explorer).
 */
import { SchsmError, TransportError } from '../transport/errors.ts';
import { readDeviceChr } from './card-status.ts';
import { FID } from './constants.ts';
import { readFileIfExists } from './files.ts';
import type { SmartCardHsm } from './sc-hsm.ts';
import { decodeTokenLabel } from './token-info.ts';

export interface DeviceIdentity {
  /** Reader name, or `simulator:FILE`. */
  readonly reader: string;
  /** Device serial (device CHR without its 5-digit sequence); undefined without a readable EF 2F02. */
  readonly serial: string | undefined;
  /** Token label from EF 2F03; undefined when there is none. */
  readonly label: string | undefined;
}

/** A card's answer we can do without (a missing or odd EF): undefined. A lost card still fails. */
async function optional<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof TransportError || !(err instanceof SchsmError)) throw err;
    return undefined;
  }
}

/** Reader, serial and label of the SmartCard-HSM in `card` (read-only). */
export async function identifyDevice(card: SmartCardHsm): Promise<DeviceIdentity> {
  const chr = await optional(() => readDeviceChr(card));
  const tokenInfo = await optional(() => readFileIfExists(card, FID.TOKEN_INFO));
  const label = tokenInfo === undefined ? undefined : await optional(async () => decodeTokenLabel(tokenInfo));
  return { reader: card.transport.name, serial: chr !== undefined && chr.length > 5 ? chr.slice(0, -5) : undefined, label };
}
