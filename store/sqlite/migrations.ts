/**
 * The SQLite schema, as numbered steps. A step is frozen once released: never edit one, add the
 * next. Column lists are written out rather than derived from SWARM_METRICS so that adding a metric
 * to the contract cannot silently change what an old step creates; `assertSwarmColumns` at open
 * catches a metric that has no column yet.
 */
import type Database from 'better-sqlite3';
import { ALERT_MIGRATIONS } from './migrations-alerts.ts';
import { DETAIL_MIGRATIONS } from './migrations-detail.ts';
import { DHT_MIGRATIONS } from './migrations-dht.ts';
import { DISCOVERY_MIGRATIONS } from './migrations-discovery.ts';
import { FAMILY_MIGRATIONS } from './migrations-families.ts';
import { METADATA_MIGRATIONS } from './migrations-metadata.ts';
import { MIRROR_MIGRATIONS } from './migrations-mirrors.ts';
import { ROLLUP_MIGRATIONS } from './migrations-rollups.ts';
import { ESTIMATE_MIGRATIONS } from './migrations-estimates.ts';
import { SWEEP_MIGRATIONS } from './migrations-sweeps.ts';
import { TIMELINE_MIGRATIONS } from './migrations-timeline.ts';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'watchlist and wide swarm table',
    up(db) {
      db.exec(`
        CREATE TABLE torrents (
          infohash      TEXT PRIMARY KEY NOT NULL CHECK (length(infohash) = 40),
          label         TEXT,
          source        TEXT,
          name          TEXT,
          size          INTEGER,
          trackers      TEXT NOT NULL DEFAULT '[]',
          web_seeds     TEXT NOT NULL DEFAULT '[]',
          files         TEXT NOT NULL DEFAULT '[]',
          added_at_ms   INTEGER NOT NULL,
          removed_at_ms INTEGER
        );
        -- Paging the active watchlist walks this index instead of sorting the table.
        CREATE INDEX torrents_active_by_added ON torrents (added_at_ms, infohash) WHERE removed_at_ms IS NULL;

        -- One row per torrent per sweep; NULL = not measured. NUMERIC keeps counts as compact integers.
        -- WITHOUT ROWID: the primary key is the table's b-tree, so range scans read rows in key order.
        CREATE TABLE swarm (
          infohash          TEXT NOT NULL,
          at_ms             INTEGER NOT NULL,
          dht_peers         NUMERIC,
          dht_peers_v4      NUMERIC,
          dht_peers_v6      NUMERIC,
          dht_nodes         NUMERIC,
          bep33_seeders     NUMERIC,
          bep33_peers       NUMERIC,
          tracker_seeders   NUMERIC,
          tracker_leechers  NUMERIC,
          tracker_completed NUMERIC,
          probe_seeders     NUMERIC,
          probe_leechers    NUMERIC,
          new_peers         NUMERIC,
          unique_peers      NUMERIC,
          countries         NUMERIC,
          lookup_ms         NUMERIC,
          PRIMARY KEY (infohash, at_ms)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 2,
    name: 'pointer to each torrent\'s newest sample',
    up(db) {
      // SQLite has no loose index scan, so "newest row per infohash" over `swarm` would read every
      // row. A one-row-per-torrent pointer, moved forward on write, makes latestSamples O(torrents).
      db.exec(`
        CREATE TABLE swarm_latest (
          infohash TEXT PRIMARY KEY NOT NULL,
          at_ms    INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO swarm_latest (infohash, at_ms) SELECT infohash, max(at_ms) FROM swarm GROUP BY infohash;
      `);
    },
  },
  {
    version: 3,
    name: 'tags on watched torrents',
    up(db) {
      db.exec(`ALTER TABLE torrents ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';`);
    },
  },
  // Versions 4–9: rollups and upkeep (store/sqlite/migrations-rollups.ts).
  ...ROLLUP_MIGRATIONS,
  // Versions 10–19: alert rules, webhooks and their outbox (store/sqlite/migrations-alerts.ts).
  ...ALERT_MIGRATIONS,
  // Versions 20–29: DHT measurement series (store/sqlite/migrations-dht.ts).
  ...DHT_MIGRATIONS,
  // Versions 30–39: tagged series and peer sketches (store/sqlite/migrations-detail.ts).
  ...DETAIL_MIGRATIONS,
  // Versions 50–59: torrent metadata and peer-wire probes (store/sqlite/migrations-metadata.ts).
  ...METADATA_MIGRATIONS,
  // Versions 60–69: HTTP mirrors and torrent info dictionaries (store/sqlite/migrations-mirrors.ts).
  ...MIRROR_MIGRATIONS,
  // Versions 70–79: leak families (store/sqlite/migrations-families.ts).
  ...FAMILY_MIGRATIONS,
  // Versions 80–89: the discovery queue and discoveries (store/sqlite/migrations-discovery.ts).
  ...DISCOVERY_MIGRATIONS,
  // Versions 90–99: the sweep log and collector settings (store/sqlite/migrations-sweeps.ts).
  ...SWEEP_MIGRATIONS,
  // Versions 95–99: PEX capture and swarm estimates (store/sqlite/migrations-estimates.ts).
  ...ESTIMATE_MIGRATIONS,
  // Versions 100–109: the event timeline (store/sqlite/migrations-timeline.ts).
  ...TIMELINE_MIGRATIONS,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);
