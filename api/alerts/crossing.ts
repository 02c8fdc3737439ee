/**
 * When a rule fires, with hysteresis. A rule starts armed; the first value for which its condition
 * holds fires it and disarms it; it re-arms only once the value has gone back past the limit by
 * the band (below `limit - band` for > and >=, above `limit + band` for < and <=). A value
 * hovering around the limit therefore fires once, not at every sweep. Growth rules use the same
 * logic on the relative change instead of the value.
 */
import type { ThresholdOp } from '../../store/state/alert-rules-repo.ts';
import type { SeriesPoint } from '../../store/types.ts';

/** The band when a rule gives none: 5% of the limit. */
export const DEFAULT_BAND_FRACTION = 0.05;

export function defaultBand(limit: number): number {
  return Math.abs(limit) * DEFAULT_BAND_FRACTION;
}

export function holds(value: number, op: ThresholdOp, limit: number): boolean {
  switch (op) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
  }
}

export interface CrossingStep {
  fire: boolean;
  armed: boolean;
}

export function stepCrossing(armed: boolean, value: number, op: ThresholdOp, limit: number, band: number): CrossingStep {
  if (armed) return holds(value, op, limit) ? { fire: true, armed: false } : { fire: false, armed: true };
  // Re-arm when the condition fails even against the limit moved back by the band.
  const shifted = op === '>' || op === '>=' ? limit - band : limit + band;
  return { fire: false, armed: !holds(value, op, shifted) };
}

/** A growth rule is a threshold on the change: +50 means "grew by 50% or more", -30 "shrank by 30% or more". */
export function growthOp(percent: number): ThresholdOp {
  return percent >= 0 ? '>=' : '<=';
}

/**
 * The sample a change at `atMs` is measured against: the newest one at or before `atMs - window`
 * (but not older than two windows, which would compare with stale data). When the history is
 * shorter than the window — a torrent watched for six hours under a 24 h rule — the oldest sample
 * inside the window is used, so a swarm that doubles on its first day is still reported.
 * `points` are ascending by time.
 */
export function growthBaseline(points: readonly SeriesPoint[], atMs: number, windowMs: number): SeriesPoint | undefined {
  const edgeMs = atMs - windowMs;
  let before: SeriesPoint | undefined;
  let inside: SeriesPoint | undefined;
  for (const point of points) {
    if (point[0] >= atMs) break;
    if (point[0] <= edgeMs) {
      if (point[0] >= edgeMs - windowMs) before = point;
    } else if (!inside) {
      inside = point;
    }
  }
  return before ?? inside;
}

/** Percent change from the baseline; undefined when the baseline is 0 or less (no meaningful ratio). */
export function changePercent(value: number, baseline: number): number | undefined {
  if (!(baseline > 0)) return undefined;
  return ((value - baseline) / baseline) * 100;
}
