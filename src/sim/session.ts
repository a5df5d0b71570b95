import type { SimSession } from './types.ts';

/** A fresh volatile session: what the card has after power-on (§2.3: applet not default-selected). */
export function newSession(): SimSession {
  return {
    appletSelected: false,
    userAuthenticated: false,
    soAuthenticated: false,
    currentEf: undefined,
    pendingResponse: undefined,
    chain: undefined,
    caSelected: false,
    sm: undefined,
    sessionPin: undefined,
    pka: undefined,
  };
}

/**
 * Forget everything volatile but keep the object (handlers hold `ctx.session`). Used by reset/power
 * cycle (`appletSelected` false) and by a re-SELECT of the applet (`appletSelected` true), which logs
 * the user and the SO out (§2.3).
 */
export function clearSession(session: SimSession, appletSelected: boolean): void {
  session.appletSelected = appletSelected;
  session.userAuthenticated = false;
  session.soAuthenticated = false;
  session.currentEf = undefined;
  session.pendingResponse = undefined;
  session.chain = undefined;
  session.caSelected = false;
  session.sm = undefined;
  if (!appletSelected) session.sessionPin = undefined; // option 0004: "cleared on reset"
  session.pka = undefined;
}

/**
 * End the secure channel: a plain command arrived, or an SM error occurred (§3.21). The SmartCard-HSM
 * binds the authentication state to the channel ("The first plain APDU terminates the secure channel
 * and resets the authentication state", smartcard-hsm.com, release 2.1 notes), so the PINs are no
 * longer verified.
 */
export function endSecureMessaging(session: SimSession): void {
  session.sm = undefined;
  session.userAuthenticated = false;
  session.soAuthenticated = false;
  session.pka = undefined; // public key authentications end with the channel too (§3.20)
}
