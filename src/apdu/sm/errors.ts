import { SchsmError } from '../../transport/errors.ts';
import { formatSw } from '../status-words.ts';

/**
 * Secure messaging failed: the card's answer to a protected command is not correctly protected (MAC
 * wrong, data objects missing, padding broken), or the card answered in plain, which means it has
 * ended the secure channel (6987/6988 per BSI TR-03110 part 3 F.3; the SmartCard-HSM also resets the
 * PIN state then). The channel is closed after this error; open a new one.
 */
export class SecureMessagingError extends SchsmError {
  override name = 'SecureMessagingError';
  /** The plain status word the card answered, when it answered in plain. */
  readonly sw: number | undefined;
  constructor(message: string, sw?: number) {
    super(sw === undefined ? message : `${message} (SW=${formatSw(sw)})`, 'ERR_SCHSM_SECURE_MESSAGING', {
      hint: 'the secure channel is closed and the card has forgotten the PIN; open a new one (--secure-channel / sm open) and log in again',
    });
    this.sw = sw;
  }
}
