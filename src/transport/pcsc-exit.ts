/**
 * Releasing a PC/SC discovery (its context and one status thread per reader) in a program that ends
 * right after its work: the schsm CLI (issue 11 item 3).
 *
 * WHY: pcsclite's `close()` of a reader cancels the reader's status thread (SCardCancel) at most 5
 * times, 10 ms apart, and then joins it, on the main thread. A cancel that arrives before the thread
 * is back in its blocking SCardGetStatusChange is lost (pcsc-lite cancels only a registered waiter),
 * and the join then waits for the next reader event: a hang. So a discovery is closed only after its
 * status threads have been quiet for CLOSE_QUIET_MS, which cost every `schsm readers` and
 * `schsm apdu --reader` 40 ms.
 *
 * With `releasePcscAtExit()` (bin.ts's main, nowhere else), closing a discovery does not release it
 * at once: the process ends soon, and its end releases the context and the threads at no cost (pcscd
 * cleans up after a client that has gone; the card was already disconnected by the transport's close).
 * Only the last closed discovery is kept: closing another one releases the previous one, once its
 * threads have been quiet long enough, so a long session (the explorer, `sim`) holds at most one.
 * main() then ends the process itself (`pcscLeftForExit()`), since the kept threads would keep it
 * alive. The library, and every test that runs commands in process, release as before.
 */

/** A status thread that reported nothing for this long is back in SCardGetStatusChange: its cancel is not lost. */
export const CLOSE_QUIET_MS = 40;

let atExit = false;
let kept: { readonly release: () => void; readonly lastEvent: () => number } | undefined;

/** From now on, discoveries are released by the end of the process (see above). For a program's main only. */
export function releasePcscAtExit(): void {
  atExit = true;
}

/** Discoveries are released by the end of the process. */
export function pcscReleasedAtExit(): boolean {
  return atExit;
}

/** A discovery was closed but left to the end of the process: main() must end it. */
export function pcscLeftForExit(): boolean {
  return kept !== undefined;
}

/** Release `release` now, or once nothing happened for CLOSE_QUIET_MS since `lastEvent()`. */
export function releaseWhenQuiet(release: () => void, lastEvent: () => number): void {
  const wait = CLOSE_QUIET_MS - (Date.now() - lastEvent());
  if (wait <= 0) release();
  else setTimeout(release, wait);
}

/** Keep this discovery for the end of the process; release the one kept before. */
export function keepForExit(release: () => void, lastEvent: () => number): void {
  const before = kept;
  kept = { release, lastEvent };
  if (before !== undefined) releaseWhenQuiet(before.release, before.lastEvent);
}
