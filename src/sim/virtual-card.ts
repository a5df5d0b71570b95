/**
 * A card that lives in this process: the SmartCard-HSM simulator, the echo card used by transport
 * tests, or anything else that answers APDUs. Two adapters turn one into something a host can talk
 * to: `cardTransport` (in-process, a `Transport`) and `serveVpcd` (a virtual card behind the real
 * pcscd, through the vsmartcard vpcd reader driver).
 */
export interface VirtualCard {
  /** Answer-to-reset presented on power-on and on vpcd's "get ATR" control. */
  readonly atr: Uint8Array;
  /** Warm reset / power cycle: the card forgets volatile state (selected applet, PIN verified). */
  reset(): void;
  /**
   * Process one command APDU and return data ‖ SW1 SW2. Never throws and never rejects: malformed
   * input is answered with a status word (6700, 6E00, 6F00 …), as a real card would.
   */
  process(command: Uint8Array): Promise<Uint8Array>;
}
