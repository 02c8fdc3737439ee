/**
 * Versions 90–99: the sweep log (issue 13). Every sweep the collector attempts is a row, done or
 * failed with its cause, so a gap in a series can be told apart from a swarm with no peers, and an
 * export can say how many sweeps were planned, done and missed. `sweep_misses` names the torrents a
 * sweep ran but could not measure (a lookup where no node answered), with the reason.
 * `collector_settings` holds each distinct set of measurement settings once (by hash): the methods
 * record of a range lists the settings its sweeps actually ran with. Frozen once released.
 */
import type { Migration } from './migrations.ts';

export const SWEEP_MIGRATIONS: readonly Migration[] = [
  {
    version: 90,
    name: 'sweep log, missed torrents and collector settings',
    up(db) {
      db.exec(`
        CREATE TABLE collector_settings (
          id               INTEGER PRIMARY KEY,
          hash             TEXT NOT NULL UNIQUE,
          settings         TEXT NOT NULL,
          first_used_at_ms INTEGER NOT NULL
        );

        CREATE TABLE sweeps (
          id             INTEGER PRIMARY KEY,
          started_at_ms  INTEGER NOT NULL,
          -- The samples of a done sweep are stamped with this time (DESIGN.md §4).
          finished_at_ms INTEGER NOT NULL,
          interval_ms    INTEGER NOT NULL CHECK (interval_ms > 0),
          shard          TEXT NOT NULL,
          settings_id    INTEGER REFERENCES collector_settings (id),
          planned        INTEGER NOT NULL CHECK (planned >= 0),
          measured       INTEGER NOT NULL CHECK (measured >= 0),
          outcome        TEXT NOT NULL CHECK (outcome IN ('done', 'failed')),
          cause          TEXT
        );
        CREATE INDEX sweeps_by_time ON sweeps (finished_at_ms);

        CREATE TABLE sweep_misses (
          sweep_id INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
          infohash TEXT NOT NULL CHECK (length(infohash) = 40),
          cause    TEXT NOT NULL,
          PRIMARY KEY (infohash, sweep_id)
        ) WITHOUT ROWID;
      `);
    },
  },
  {
    version: 91,
    name: 'steps of the system clock seen by the collector',
    up(db) {
      // collector/sample-clock.ts: a forward step opens a span of time in which nothing was due (a
      // gap labelled clock_step, not collector_down); a backward one is smeared, so stamps for
      // 2 × |step_ms| after it run at half speed. Both are part of the methods record.
      db.exec(`
        CREATE TABLE clock_steps (
          id      INTEGER PRIMARY KEY,
          at_ms   INTEGER NOT NULL,
          step_ms INTEGER NOT NULL,
          -- How far the sample stamps jumped (a forward step): the span [at_ms - skipped_ms, at_ms].
          skipped_ms INTEGER NOT NULL CHECK (skipped_ms >= 0),
          smeared INTEGER NOT NULL CHECK (smeared IN (0, 1))
        );
        CREATE INDEX clock_steps_by_time ON clock_steps (at_ms);
      `);
    },
  },
];
