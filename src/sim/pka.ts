import { decodeTlv } from '../apdu/tlv.ts';
import { readAuthenticatedRequestContent, readCvcContent, trustedKeyOf } from './cvc-read.ts';
import { simRootCertificate } from './device-identity.ts';
import type { PkaSession, PkaState, SimContext, TrustedKey } from './types.ts';

/**
 * Public key authentication (n-of-m, §3.20) shared by the MSE, PSO, MANAGE PKA and EXTERNAL
 * AUTHENTICATE handlers. Registered keys persist (`state.pka`); which certificates the card verified,
 * the selected keys, the challenge and who authenticated are volatile (`session.pka`): a SELECT of the
 * applet or a reset forgets them, as it forgets a verified PIN.
 */

let anchors: readonly TrustedKey[] | undefined;

/**
 * The card's built-in trust anchors: the simulation root UTSRCASIM00001 (device-identity.ts). A real
 * card knows CardContact's roots DESRCACC100001 and UTSRCACC100001 instead; MSE SET DST answers 9000
 * for an anchor's CHR without a certificate.
 */
export function trustAnchors(): readonly TrustedKey[] {
  if (anchors === undefined) {
    const root = readCvcContent(decodeTlv(simRootCertificate()).value);
    anchors = [trustedKeyOf(root.chr, root.publicKey, undefined)];
  }
  return anchors;
}

/** The session's PKA state, created on first use. */
export function pkaSession(ctx: SimContext): PkaSession {
  ctx.session.pka ??= { trusted: new Map(), verifyKey: undefined, authKey: undefined, challenge: undefined, authenticated: new Set() };
  return ctx.session.pka;
}

/** A key the card can verify with: a trust anchor or a certificate verified in this session. */
export function verificationKey(ctx: SimContext, chr: string): TrustedKey | undefined {
  return trustAnchors().find((a) => a.chr === chr) ?? ctx.session.pka?.trusted.get(chr);
}

/** CHR of a registered key (its inner request's 5F20). */
export function registeredChr(content: Uint8Array): string | undefined {
  try {
    return readAuthenticatedRequestContent(content).request.chr;
  } catch {
    return undefined;
  }
}

/** MANAGE PKA status: `[total][missing][required][authenticated]` (§3.20). */
export function pkaStatus(pka: PkaState, ctx: SimContext): Uint8Array {
  const authenticated = ctx.session.pka?.authenticated.size ?? 0;
  return Uint8Array.of(pka.total, pka.total - pka.keys.length, pka.required, authenticated);
}
