/**
 * Versions 80–89: discovery (issue 11). `discovery_candidates` is the persisted, deduplicated queue
 * of infohashes found by BEP 51 sampling or passively, and the memory of those already judged, so
 * a restart neither loses the queue nor fetches the same metadata again. `discoveries` holds the
 * candidates whose metadata was fetched, verified and scored at least the keep score, with the
 * classifier's reasons. `discovery_counters` keeps totals that survive restarts (oldest dropped,
 * drop reasons). Frozen once released, like every step in migrations.ts.
 */
import type { Migration } from './migrations.ts';

export const DISCOVERY_MIGRATIONS: readonly Migration[] = [
  {
    version: 80,
    name: 'discovery queue, discoveries and their counters',
    up(db) {
      db.exec(`
        CREATE TABLE discovery_candidates (
          infohash           TEXT PRIMARY KEY NOT NULL CHECK (length(infohash) = 40),
          found_by           TEXT NOT NULL CHECK (found_by IN ('sample', 'passive')),
          first_seen_at_ms   INTEGER NOT NULL,
          status             TEXT NOT NULL CHECK (status IN ('queued', 'discovered', 'rejected', 'dropped')),
          attempts           INTEGER NOT NULL DEFAULT 0,
          next_attempt_at_ms INTEGER NOT NULL DEFAULT 0,
          problem            TEXT,
          done_at_ms         INTEGER
        );
        -- Oldest-first drop when the queue is full, and the due scan of the metadata workers.
        CREATE INDEX discovery_queued_by_age ON discovery_candidates (first_seen_at_ms) WHERE status = 'queued';
        CREATE INDEX discovery_queued_by_due ON discovery_candidates (next_attempt_at_ms) WHERE status = 'queued';
        -- Pruning the memory of judged candidates, oldest first.
        CREATE INDEX discovery_done_by_age ON discovery_candidates (done_at_ms) WHERE status IN ('rejected', 'dropped');

        CREATE TABLE discoveries (
          infohash            TEXT PRIMARY KEY NOT NULL CHECK (length(infohash) = 40),
          name                TEXT NOT NULL,
          size                INTEGER NOT NULL,
          score               REAL NOT NULL CHECK (score >= 0 AND score <= 1),
          reasons             TEXT NOT NULL,
          found_by            TEXT NOT NULL,
          first_seen_at_ms    INTEGER NOT NULL,
          discovered_at_ms    INTEGER NOT NULL,
          files_summary       TEXT NOT NULL,
          model_family        TEXT,
          quantisation        TEXT,
          suggested_family_id TEXT,
          suggestion_evidence TEXT,
          watched_at_ms       INTEGER
        );
        CREATE INDEX discoveries_by_time ON discoveries (first_seen_at_ms);

        CREATE TABLE discovery_counters (
          name  TEXT PRIMARY KEY NOT NULL,
          value INTEGER NOT NULL
        );
      `);
    },
  },
];
