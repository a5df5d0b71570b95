/**
 * A one-line progress indicator on stderr for long work (the 3 × 10 000 000-round share-file key
 * derivation, RSA-4096 generation). Only on a terminal; silent otherwise, so pipes and --json stay clean.
 */
import type { CliContext } from './context.ts';

export interface Progress {
  /** Fraction done, 0..1. */
  update(fraction: number): void;
  /** Replace the line with a final message (or clear it). */
  done(message?: string): void;
}

/** A progress line "label… 42%" (or a spinner-free "label…" when no fraction is known). */
export function startProgress(ctx: CliContext, label: string): Progress {
  if (!ctx.isTTY) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  let shown = -1;
  ctx.stderr(`\r${label}…`);
  return {
    update(fraction: number): void {
      const pct = Math.min(100, Math.floor(fraction * 100));
      if (pct === shown) return;
      shown = pct;
      ctx.stderr(`\r${label}… ${String(pct).padStart(3)}%`);
    },
    done(message?: string): void {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      ctx.stderr(`\r\u001b[2K${message === undefined ? '' : `${message} (${secs} s)\n`}`);
    },
  };
}

/** Progress for work without a measurable fraction: a ticking elapsed-seconds line. */
export function startTicker(ctx: CliContext, label: string): Progress {
  if (!ctx.isTTY) return { update: () => undefined, done: () => undefined };
  const started = Date.now();
  const tick = (): void => ctx.stderr(`\r${label}… ${Math.floor((Date.now() - started) / 1000)} s`);
  tick();
  const timer = setInterval(tick, 1000);
  timer.unref();
  return {
    update: () => undefined,
    done(message?: string): void {
      clearInterval(timer);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      ctx.stderr(`\r\u001b[2K${message === undefined ? '' : `${message} (${secs} s)\n`}`);
    },
  };
}
