/**
 * The SketchTables of store/sketch-days.ts over `peer_sketch` (migration 30): resolution 0 holds
 * one sketch per torrent per sweep, resolution 1 day the union of a UTC day.
 */
import type Database from 'better-sqlite3';
import { DAY_MS, type SketchTables } from '../sketch-days.ts';
import type { SketchSample } from '../types.ts';
import { asStoreUnavailable } from './sqlite-errors.ts';

const SWEEP = 0;

export function createSqliteSketchTables(db: Database.Database): SketchTables {
  const replace = db.prepare(`
    INSERT INTO peer_sketch (infohash, resolution_ms, at_ms, sketch) VALUES (?, ?, ?, ?)
    ON CONFLICT (infohash, resolution_ms, at_ms) DO UPDATE SET sketch = excluded.sketch`);
  const writeRows = db.transaction((resolution: number, rows: readonly SketchSample[]) => {
    for (const row of rows) replace.run(row.infohash, resolution, row.atMs, row.sketch);
  });
  const readRange = db.prepare('SELECT at_ms, sketch FROM peer_sketch WHERE infohash = ? AND resolution_ms = ? AND at_ms BETWEEN ? AND ? ORDER BY at_ms');
  const torrentsIn = db.prepare('SELECT DISTINCT infohash FROM peer_sketch WHERE resolution_ms = ? AND at_ms >= ? AND at_ms < ?').pluck();

  const write = async (resolution: number, rows: readonly SketchSample[]): Promise<void> => {
    try {
      writeRows(resolution, rows);
    } catch (error) {
      throw asStoreUnavailable(error);
    }
  };
  const read = (infohash: string, resolution: number, fromMs: number, toMs: number) =>
    readRange.all(infohash, resolution, fromMs, toMs) as { at_ms: number; sketch: Buffer }[];

  return {
    writeSweeps: (samples) => write(SWEEP, samples),
    writeDays: (rows) => write(DAY_MS, rows),
    async readSweeps(infohash, fromMs, toMs) {
      return read(infohash, SWEEP, fromMs, toMs).map((row) => row.sketch);
    },
    async readDays(infohash, fromDayMs, toDayMs) {
      return new Map(read(infohash, DAY_MS, fromDayMs, toDayMs).map((row) => [row.at_ms, row.sketch]));
    },
    async torrentsWithSweeps(dayMs) {
      return new Set(torrentsIn.all(SWEEP, dayMs, dayMs + DAY_MS) as string[]);
    },
    async torrentsWithDay(dayMs) {
      return new Set(torrentsIn.all(DAY_MS, dayMs, dayMs + DAY_MS) as string[]);
    },
  };
}
