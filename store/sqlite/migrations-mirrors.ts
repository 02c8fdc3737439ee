/**
 * Versions 60–69: HTTP mirrors (issue 8). The registry of mirrors (a tombstone on delete, so a web
 * seed a user removed is not brought back and the series keep their owner), each mirror's check
 * state, the `mirror` series for SQLite stores (the same fields as InfluxDB's `mirror` measurement),
 * and `torrent_info`: the raw bencoded info dictionary per infohash, whose piece hashes the mirror
 * verifier compares ranged downloads with. Frozen once released, like every step in migrations.ts.
 */
import type { Migration } from './migrations.ts';

export const MIRROR_MIGRATIONS: readonly Migration[] = [
  {
    version: 60,
    name: 'mirror registry, mirror check state, mirror series, torrent info dictionaries',
    up(db) {
      db.exec(`
        -- file: the path (as in the torrent's file list) when the URL serves one file; NULL = the whole torrent.
        CREATE TABLE mirrors (
          id            TEXT PRIMARY KEY NOT NULL,
          url           TEXT NOT NULL,
          infohash      TEXT CHECK (infohash IS NULL OR length(infohash) = 40),
          file          TEXT,
          label         TEXT,
          source        TEXT NOT NULL,
          created_at_ms INTEGER NOT NULL,
          removed_at_ms INTEGER
        );
        CREATE INDEX mirrors_active_by_created ON mirrors (created_at_ms) WHERE removed_at_ms IS NULL;
        -- One active mirror per (url, torrent, file): two processes syncing web seeds cannot both add it.
        CREATE UNIQUE INDEX mirrors_active_unique ON mirrors (url, coalesce(infohash, ''), coalesce(file, '')) WHERE removed_at_ms IS NULL;
        CREATE INDEX mirrors_by_url ON mirrors (url);

        -- last_check is the JSON of the newest check (status, timings, redirects, errors): never a body.
        CREATE TABLE mirror_state (
          mirror_id            TEXT PRIMARY KEY NOT NULL REFERENCES mirrors (id) ON DELETE CASCADE,
          state                TEXT NOT NULL DEFAULT 'unknown',
          state_since_ms       INTEGER,
          consecutive_failures INTEGER NOT NULL DEFAULT 0,
          ever_up              INTEGER NOT NULL DEFAULT 0,
          etag                 TEXT,
          last_modified        TEXT,
          content_bytes        INTEGER,
          verified_at_ms       INTEGER,
          next_check_at_ms     INTEGER,
          last_check           TEXT
        ) WITHOUT ROWID;

        -- NULL = not measured this check (pieces_* when no verification ran).
        CREATE TABLE mirror_series (
          mirror_id       TEXT NOT NULL,
          at_ms           INTEGER NOT NULL,
          up              NUMERIC,
          status          NUMERIC,
          latency_ms      NUMERIC,
          bytes           NUMERIC,
          pieces_verified NUMERIC,
          pieces_failed   NUMERIC,
          PRIMARY KEY (mirror_id, at_ms)
        ) WITHOUT ROWID;

        -- The exact bencoded info dictionary (its SHA-1 is the infohash), from a .torrent file or ut_metadata.
        CREATE TABLE torrent_info (
          infohash    TEXT PRIMARY KEY NOT NULL CHECK (length(infohash) = 40),
          info        BLOB NOT NULL,
          saved_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
];
