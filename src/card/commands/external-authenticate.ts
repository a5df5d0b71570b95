import { CLA, INS } from '../constants.ts';
import type { CardSession } from '../session.ts';

/**
 * EXTERNAL AUTHENTICATE `00 82 00 00 Lc <signature>` (§3.20, PKA login): after MSE SET AT with the
 * key's CHR and GET CHALLENGE, send the signature over SHA-256(device CHR ‖ challenge). No response data.
 */
export async function externalAuthenticate(card: CardSession, signature: Uint8Array): Promise<void> {
  const cmd = { cla: CLA.ISO, ins: INS.EXTERNAL_AUTHENTICATE, p1: 0, p2: 0, data: signature };
  await card.send(cmd, { operation: 'EXTERNAL AUTHENTICATE' });
}
