/**
 * Versions 30–39: tagged series and peer sketches (issue 4; the DetailStore of store/types.ts).
 *
 * Tagged series (per tracker, country, ASN, client) are many small series per torrent, so the
 * strings are stored once: `tagged_series` names each (infohash, measurement, tag) by an integer,
 * and `tagged_point` holds one narrow row per series and sweep (~24 bytes measured, instead of ~100 with the
 * strings repeated). One nullable column per field of TAGGED_MEASUREMENTS; NULL = not measured.
 * `tagged_rollup` mirrors `swarm_rollup` (migration 4): mean, min, max per field and bucket.
 *
 * Peer sketches (core/hyperloglog.ts) are up to 16 KiB each, so `peer_sketch` is a rowid table
 * (SQLite advises against WITHOUT ROWID for rows that large). resolution_ms 0 = one sweep,
 * 86400000 = the union of one UTC day (store/sketch-days.ts).
 */
import type { Migration } from './migrations.ts';

export const DETAIL_MIGRATIONS: readonly Migration[] = [
  {
    version: 30,
    name: 'tagged series (tracker, country, ASN, client) and their rollups; peer sketches',
    up(db) {
      db.exec(`
        CREATE TABLE tagged_series (
          id          INTEGER PRIMARY KEY,
          infohash    TEXT NOT NULL,
          measurement TEXT NOT NULL,
          tag         TEXT NOT NULL,
          UNIQUE (infohash, measurement, tag)
        );

        CREATE TABLE tagged_point (
          series_id         INTEGER NOT NULL,
          at_ms             INTEGER NOT NULL,
          tracker_seeders   NUMERIC,
          tracker_leechers  NUMERIC,
          tracker_completed NUMERIC,
          tracker_up        NUMERIC,
          peers             NUMERIC,
          PRIMARY KEY (series_id, at_ms)
        ) WITHOUT ROWID;

        CREATE TABLE tagged_rollup (
          resolution_ms INTEGER NOT NULL,
          series_id     INTEGER NOT NULL,
          field         TEXT NOT NULL,
          bucket_ms     INTEGER NOT NULL,
          samples       INTEGER NOT NULL,
          mean          REAL,
          min           NUMERIC,
          max           NUMERIC,
          PRIMARY KEY (resolution_ms, series_id, field, bucket_ms)
        ) WITHOUT ROWID;

        CREATE TABLE peer_sketch (
          infohash      TEXT NOT NULL,
          resolution_ms INTEGER NOT NULL,
          at_ms         INTEGER NOT NULL,
          sketch        BLOB NOT NULL,
          PRIMARY KEY (infohash, resolution_ms, at_ms)
        );
        -- Which torrents have sketches in a day, for the day rollups, without reading the blobs.
        CREATE INDEX peer_sketch_by_time ON peer_sketch (resolution_ms, at_ms, infohash);
      `);
    },
  },
];
