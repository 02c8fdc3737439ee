/**
 * The mirror series of a `--store` URL: SQLite keeps them in the store's own file (the state
 * database is that file), InfluxDB in its `mirror` measurement. Collector and API open it the same
 * way, so what the checker writes is what `GET /api/v1/mirrors/:id/series` reads.
 */
import type Database from 'better-sqlite3';
import { parseStoreUrl } from './open-store.ts';
import { createInfluxMirrorSeries } from './mirror-series-influx.ts';
import type { MirrorSeriesStore } from './mirror-series.ts';
import { createSqliteMirrorSeries } from './mirror-series-sqlite.ts';

export interface MirrorSeriesConfig {
  store: string;
  rawRetentionMs: number;
  hourlyRetentionMs: number;
  dailyRetentionMs: number;
}

/** `stateDb` is the opened store's state database (store/open-store.ts), which for SQLite is the series file. */
export function openMirrorSeries(config: MirrorSeriesConfig, stateDb: Database.Database): MirrorSeriesStore {
  const location = parseStoreUrl(config.store);
  if (location.kind === 'sqlite') return createSqliteMirrorSeries(stateDb);
  return createInfluxMirrorSeries(location, { rawMs: config.rawRetentionMs, hourlyMs: config.hourlyRetentionMs, dailyMs: config.dailyRetentionMs });
}
