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
}
