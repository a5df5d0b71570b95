// Shared by the bench modules: medians with their spread, target verdicts as ratios, and NOT MEASURED
// as an error, so a bench that cannot measure a figure (or its peer) fails instead of passing quietly.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** "min–max" of `xs`. */
export const spread = (xs, digits = 2) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/** A figure (or its peer) could not be measured: the bench fails with this (bench/run.mjs exits 1). */
export class NotMeasured extends Error {
  constructor(what) {
    super(`NOT MEASURED: ${what}`);
    this.name = 'NotMeasured';
  }
}

/**
 * A target stated as a ratio. `ratios`: one per round (value / reference, e.g. schsm / opensc-tool or
 * measured / goal); `max` true: the ratio must stay ≤ `limit`, else ≥ `limit`. Returns the line to print
 * and the figure for run.mjs's summary.
 */
export function target(name, ratios, limit, { max = true, detail = '' } = {}) {
  const finite = ratios.filter((r) => Number.isFinite(r));
  if (finite.length === 0) throw new NotMeasured(`${name}: no round gave a figure`);
  const r = median(finite);
  const met = max ? r <= limit : r >= limit;
  const line = `${name}: ratio ${r.toFixed(2)} (median of ${finite.length} rounds, spread ${spread(finite)}) — target ${max ? '≤' : '≥'} ${limit}: ${met ? 'MET' : 'NOT MET'}${detail === '' ? '' : `; ${detail}`}`;
  return {
    line,
    figure: { name, ratio: r, min: Math.min(...finite), max: Math.max(...finite), rounds: finite.length, limit, atMost: max, met },
  };
}
