import { SchsmError } from '../../transport/errors.ts';

/** A secure channel could not be opened: chain not verified, chip authentication failed, no channel for a command that needs one. */
export class SecureChannelError extends SchsmError {
  override name = 'SecureChannelError';
  constructor(message: string, hint?: string) {
    super(message, 'ERR_SCHSM_SECURE_CHANNEL', {
      hint:
        hint ??
        'the card did not prove it holds a certified device key; do not enter a PIN on it. Run `schsm status` to see its certificate chain',
    });
  }
}
