/**
 * Thrown inside the simulator to answer with a status word (`throw new CardStatus(0x6982)`); the
 * dispatcher turns it into the response. Not a SchsmError: it never leaves the simulator.
 */
export class CardStatus extends Error {
  override name = 'CardStatus';
  readonly sw: number;
  constructor(sw: number, why?: string) {
    super(why ?? `SW ${sw.toString(16).toUpperCase()}`);
    this.sw = sw;
  }
}
