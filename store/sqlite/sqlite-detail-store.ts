/**
 * The DetailStore (store/types.ts) of the SQLite store: tagged series (sqlite-tagged-series.ts)
 * and peer sketches with their day unions (store/sketch-days.ts over sqlite-sketch-tables.ts).
 */
import type Database from 'better-sqlite3';
import { normalizeSketchBatch, validateSketchRange } from '../detail-validation.ts';
import { SketchDays } from '../sketch-days.ts';
import type { DetailStore } from '../types.ts';
import { createSqliteSketchTables } from './sqlite-sketch-tables.ts';
import { createSqliteTaggedSeries } from './sqlite-tagged-series.ts';

export interface SqliteDetailOptions {
  /** Told the earliest time of each committed batch of tagged samples (upkeep re-rolls their buckets). */
  onWritten?: (earliestMs: number) => void;
  /** Sweep sketches before this instant have been deleted by retention; 0 = none. */
  sweepsKeptFromMs?: () => number;
}

export function createSqliteDetailStore(db: Database.Database, options: SqliteDetailOptions = {}): DetailStore {
  const tagged = createSqliteTaggedSeries(db, options.onWritten);
  const days = new SketchDays(createSqliteSketchTables(db), options.sweepsKeptFromMs);
  return {
    ...tagged,
    async writeSketches(samples) {
      await days.write(normalizeSketchBatch(samples));
    },
    async mergedSketch(infohash, fromMs, toMs) {
      return days.merged(validateSketchRange(infohash, fromMs, toMs), fromMs, toMs);
    },
  };
}
