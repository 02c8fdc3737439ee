/**
 * Upkeep of the tagged series and peer sketches (migration 30), run by SqliteUpkeep beside the
 * `swarm` rollups and with the same rules: tagged fields roll up to mean, min and max per hour and
 * day (a SQL GROUP BY, as sqlite-rollups.ts); raw rows go once rolled up and past `rawRetentionMs`.
 * Sweep sketches go past the same cut-off, but only once their day's union exists (made by
 * store/sketch-days.ts on write), so no distinct count is ever lost to retention; day sketches are
 * kept as long as daily rollups.
 */
import type Database from 'better-sqlite3';
import type { RollupResolution } from '../downsampling.ts';
import { DAY_MS } from '../sketch-days.ts';
import { TAGGED_FIELDS } from './sqlite-tagged-series.ts';

const UPSERT = `
  ON CONFLICT (resolution_ms, series_id, field, bucket_ms) DO UPDATE SET
    samples = excluded.samples, mean = excluded.mean, min = excluded.min, max = excluded.max`;

/** Field names come from TAGGED_FIELDS, checked against the table at open; values are bound. */
function rollupSql(field: string): string {
  return `
    INSERT INTO tagged_rollup (resolution_ms, series_id, field, bucket_ms, samples, mean, min, max)
    SELECT CAST(@resolution AS INTEGER), p.series_id, '${field}',
      (p.at_ms / CAST(@resolution AS INTEGER)) * CAST(@resolution AS INTEGER) AS bucket_ms,
      count(p.${field}), avg(p.${field}), min(p.${field}), max(p.${field})
    FROM tagged_series AS s CROSS JOIN tagged_point AS p ON p.series_id = s.id AND p.at_ms >= @from AND p.at_ms < @to
    WHERE p.${field} IS NOT NULL
    GROUP BY p.series_id, bucket_ms ${UPSERT}`;
}

export interface DetailUpkeep {
  /** (Re)computes the tagged rollups of buckets starting in [fromMs, toMs); returns rows written. */
  rollUp(resolution: RollupResolution, fromMs: number, toMs: number): number;
  /** Raw tagged rows and sweep sketches before `beforeMs` (sketches only where their day union exists). */
  deleteRaw(beforeMs: number): number;
  deleteRollups(resolution: RollupResolution, beforeMs: number): number;
}

export function createDetailUpkeep(db: Database.Database): DetailUpkeep {
  const rollups = TAGGED_FIELDS.map((field) => db.prepare(rollupSql(field)));
  const rollUp = db.transaction((resolution: RollupResolution, fromMs: number, toMs: number) =>
    rollups.reduce((rows, statement) => rows + statement.run({ resolution: resolution.bucketMs, from: fromMs, to: toMs }).changes, 0),
  );
  // Per series by primary key, like the raw `swarm` deletion.
  const deleteRawPoints = db.prepare('DELETE FROM tagged_point WHERE series_id IN (SELECT id FROM tagged_series) AND at_ms < @before');
  const deleteSweepSketches = db.prepare(`
    DELETE FROM peer_sketch WHERE resolution_ms = 0 AND at_ms < @before AND EXISTS (
      SELECT 1 FROM peer_sketch AS day WHERE day.infohash = peer_sketch.infohash AND day.resolution_ms = ${DAY_MS}
        AND day.at_ms = (peer_sketch.at_ms / ${DAY_MS}) * ${DAY_MS})`);
  const deleteTaggedRollups = db.prepare('DELETE FROM tagged_rollup WHERE resolution_ms = @resolution AND bucket_ms < @before');
  const deleteDaySketches = db.prepare(`DELETE FROM peer_sketch WHERE resolution_ms = ${DAY_MS} AND at_ms < @before`);
  return {
    rollUp,
    deleteRaw: (beforeMs) => deleteRawPoints.run({ before: beforeMs }).changes + deleteSweepSketches.run({ before: beforeMs }).changes,
    deleteRollups(resolution, beforeMs) {
      const sketches = resolution.bucketMs === DAY_MS ? deleteDaySketches.run({ before: beforeMs }).changes : 0;
      return deleteTaggedRollups.run({ resolution: resolution.bucketMs, before: beforeMs }).changes + sketches;
    },
  };
}
