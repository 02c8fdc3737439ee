/**
 * Computes hourly and daily rollups of the raw `swarm` rows into `swarm_rollup` (migration 4),
 * with the same rule per metric as the InfluxDB continuous queries (store/downsampling.ts): mean,
 * min and max, or only the last value for distinct counts. Rolling a bucket again replaces it, so a
 * late sample is taken in by re-rolling its bucket.
 *
 * Every statement walks `swarm_latest` (one row per torrent) and range-seeks each torrent's rows by
 * the primary key, instead of scanning the whole table for a time range; CROSS JOIN is SQLite's way
 * to pin that loop order, which the planner does not always pick on its own.
 */
import type Database from 'better-sqlite3';
import { downsampleRule, type RollupResolution } from '../downsampling.ts';
import { SWARM_METRICS, type SwarmMetric } from '../types.ts';

const UPSERT = `
  ON CONFLICT (resolution_ms, infohash, metric, bucket_ms) DO UPDATE SET
    samples = excluded.samples, mean = excluded.mean, min = excluded.min, max = excluded.max, last = excluded.last`;

/** Columns are from SWARM_METRICS (a fixed list checked against the table at open); values are bound. */
function rollupSql(metric: SwarmMetric): string {
  const source = `
    FROM swarm_latest AS l CROSS JOIN swarm AS s ON s.infohash = l.infohash AND s.at_ms >= @from AND s.at_ms < @to
    WHERE s.${metric} IS NOT NULL
    GROUP BY s.infohash, bucket_ms`;
  const bucket = `(s.at_ms / CAST(@resolution AS INTEGER)) * CAST(@resolution AS INTEGER) AS bucket_ms`;
  if (downsampleRule(metric) === 'last') {
    // SQLite's bare-column rule: with a single max() aggregate, s.<metric> comes from the row holding max(at_ms).
    return `
      INSERT INTO swarm_rollup (resolution_ms, infohash, metric, bucket_ms, samples, mean, min, max, last)
      SELECT CAST(@resolution AS INTEGER), infohash, @metric, bucket_ms, samples, NULL, NULL, NULL, last_value FROM (
        SELECT s.infohash AS infohash, ${bucket}, count(s.${metric}) AS samples, s.${metric} AS last_value, max(s.at_ms) ${source}
      ) WHERE true ${UPSERT}`;
  }
  return `
    INSERT INTO swarm_rollup (resolution_ms, infohash, metric, bucket_ms, samples, mean, min, max, last)
    SELECT CAST(@resolution AS INTEGER), s.infohash, @metric, ${bucket},
      count(s.${metric}), avg(s.${metric}), min(s.${metric}), max(s.${metric}), NULL ${source} ${UPSERT}`;
}

export type RollUp = (resolution: RollupResolution, fromMs: number, toMs: number) => number;

/** Returns a function that (re)computes every bucket of `resolution` starting in [fromMs, toMs), in one transaction. */
export function createRollUp(db: Database.Database): RollUp {
  const statements = new Map(SWARM_METRICS.map((metric) => [metric, db.prepare(rollupSql(metric))]));
  return db.transaction((resolution: RollupResolution, fromMs: number, toMs: number) => {
    let rows = 0;
    for (const [metric, statement] of statements) {
      rows += statement.run({ resolution: resolution.bucketMs, metric, from: fromMs, to: toMs }).changes;
    }
    return rows;
  });
}
