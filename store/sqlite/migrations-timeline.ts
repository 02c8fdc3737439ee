/**
 * Versions 100–109: the event timeline (issue 13, store/state/timeline-repo.ts). One row per dated
 * fact (a magnet posted, a release, news, a takedown, a mirror down or back, a discovery, a note)
 * about a torrent, a leak family or neither. `dedupe_key` (time, kind, title, subject) makes imports
 * idempotent; a deleted event keeps its row (`deleted_at_ms`) so the next import does not bring it
 * back; `exported_at_ms` tracks the copy written to InfluxDB for Grafana annotations.
 * Frozen once released, like every step in migrations.ts.
 */
import type { Migration } from './migrations.ts';

export const TIMELINE_MIGRATIONS: readonly Migration[] = [
  {
    version: 100,
    name: 'event timeline',
    up(db) {
      db.exec(`
        CREATE TABLE timeline_events (
          id             TEXT PRIMARY KEY NOT NULL,
          at_ms          INTEGER NOT NULL,
          kind           TEXT NOT NULL,
          title          TEXT NOT NULL,
          url            TEXT,
          source         TEXT NOT NULL,
          infohash       TEXT CHECK (infohash IS NULL OR length(infohash) = 40),
          family_id      TEXT,
          created_at_ms  INTEGER NOT NULL,
          dedupe_key     TEXT NOT NULL UNIQUE,
          deleted_at_ms  INTEGER,
          exported_at_ms INTEGER
        );
        CREATE INDEX timeline_events_by_time ON timeline_events (at_ms);
        CREATE INDEX timeline_events_by_infohash ON timeline_events (infohash, at_ms);
        CREATE INDEX timeline_events_by_family ON timeline_events (family_id, at_ms);
        CREATE INDEX timeline_events_unexported ON timeline_events (created_at_ms) WHERE exported_at_ms IS NULL;
      `);
    },
  },
];
