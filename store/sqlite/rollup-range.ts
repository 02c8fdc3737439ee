/**
 * The part of a series older than a torrent's oldest raw sample, read from the rollups
 * (`swarm_rollup`, written by sqlite-upkeep.ts): once raw samples past `rawRetentionMs` are
 * deleted, the hourly and daily rollups are all that is left of that history. Each rollup bucket
 * keeps samples, mean, min, max and last, so the aggregations are recomputed exactly for avg
 * (weighted by samples), min, max, sum (mean × samples), count and last; `first` takes the mean of
 * the earliest bucket, the closest the rollups can tell.
 */
import type Database from 'better-sqlite3';
import type { Aggregation, SeriesPoint, SwarmMetric } from '../types.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

const VALUE_EXPRESSION: Record<Aggregation, string> = {
  avg: 'sum(mean * samples) / sum(samples)',
  min: 'min(min)',
  max: 'max(max)',
  sum: 'sum(mean * samples)',
  count: 'sum(samples)',
  first: 'coalesce(mean, last)',
  last: 'coalesce(last, mean)',
};

export interface RollupRange {
  infohash: string;
  metric: SwarmMetric;
  agg: Aggregation;
  fromMs: number;
  toMs: number;
  /** 0: one point per rollup bucket (its mean, or last for last-only metrics). */
  stepMs: number;
}

export function createRollupReader(db: Database.Database): (range: RollupRange) => SeriesPoint[] {
  const statements = new Map<string, Database.Statement>();
  const statement = (agg: Aggregation | 'raw'): Database.Statement => {
    let prepared = statements.get(agg);
    if (!prepared) {
      const value = agg === 'raw' ? 'coalesce(mean, last)' : VALUE_EXPRESSION[agg];
      const pick = agg === 'first' ? ', min(bucket_ms) AS picked' : agg === 'last' ? ', max(bucket_ms) AS picked' : '';
      prepared = db.prepare(`
        WITH step AS (SELECT CAST(? AS INTEGER) AS ms)
        SELECT (bucket_ms / step.ms) * step.ms AS point_ms, ${value} AS value${pick}
        FROM swarm_rollup, step
        WHERE resolution_ms = ? AND infohash = ? AND metric = ? AND bucket_ms BETWEEN ? AND ?
        GROUP BY point_ms HAVING value IS NOT NULL ORDER BY point_ms`);
      statements.set(agg, prepared);
    }
    return prepared;
  };
  return (range) => {
    // The finest rollup that the step does not split finer than it holds; the other if it has none.
    const resolutions = range.stepMs >= DAY_MS ? [DAY_MS, HOUR_MS] : [HOUR_MS, DAY_MS];
    for (const resolutionMs of resolutions) {
      const stepMs = range.stepMs === 0 ? resolutionMs : range.stepMs;
      const rows = statement(range.stepMs === 0 ? 'raw' : range.agg).all(stepMs, resolutionMs, range.infohash, range.metric, range.fromMs, range.toMs) as { point_ms: number; value: number }[];
      if (rows.length > 0) return rows.map((row): SeriesPoint => [row.point_ms, row.value]);
    }
    return [];
  };
}
