/**
 * Versions 4–9: rollups and upkeep of the series (issue 5). A long table (one row per resolution,
 * torrent, metric and bucket) rather than wide ones, so a metric added to the contract later is
 * rolled up without a migration of its own.
 */
import type { Migration } from './migrations.ts';

export const ROLLUP_MIGRATIONS: readonly Migration[] = [
  {
    version: 4,
    name: 'hourly and daily rollups; upkeep watermarks',
    up(db) {
      db.exec(`
        -- mean/min/max for gauges; last only for distinct counts over a growing window (unique_peers),
        -- which must never be averaged (store/downsampling.ts). samples = measured values in the bucket,
        -- so a coarser mean can be weighted correctly.
        CREATE TABLE swarm_rollup (
          resolution_ms INTEGER NOT NULL,
          infohash      TEXT NOT NULL,
          metric        TEXT NOT NULL,
          bucket_ms     INTEGER NOT NULL,
          samples       INTEGER NOT NULL,
          mean          REAL,
          min           NUMERIC,
          max           NUMERIC,
          last          NUMERIC,
          PRIMARY KEY (resolution_ms, infohash, metric, bucket_ms)
        ) WITHOUT ROWID;

        -- Named instants (ms): how far each resolution has been rolled up.
        CREATE TABLE upkeep_state (
          name  TEXT PRIMARY KEY NOT NULL,
          value INTEGER NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
];
