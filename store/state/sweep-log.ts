/**
 * The sweep log (store/sqlite/migrations-sweeps.ts): what the collector attempted and when, so the
 * API can tell a gap in a series from a swarm with no peers (store/sweep-gaps.ts) and an export can
 * count the sweeps planned, done and missed. Written by the collector process, read by any process
 * sharing the state database. Rows are tiny (one per sweep, one per torrent a sweep could not
 * measure); a retention bounds them all the same.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

/** Where a sweep attempt failed as a whole, or why one torrent was not measured. */
export const GAP_CAUSES = {
  /** No sweep ran although one was due: the collector was stopped, crashed, or the machine slept. */
  collectorDown: 'collector_down',
  /** The DHT could not be joined (no bootstrap node answered). */
  dhtUnreachable: 'dht_unreachable',
  /** The sweep measured but its samples could not be written. */
  storeUnavailable: 'store_unavailable',
  /** The sweep ran, but this torrent's lookup failed (e.g. no node answered). */
  notMeasured: 'not_measured',
  /** The sweep failed for another reason (the cause's detail says which). */
  sweepFailed: 'sweep_failed',
  /** The system clock stepped forward: the span was skipped by the clock, not missed by sweeps. */
  clockStep: 'clock_step',
} as const;
export type GapCause = (typeof GAP_CAUSES)[keyof typeof GAP_CAUSES];

export interface SweepRecord {
  startedAtMs: number;
  finishedAtMs: number;
  intervalMs: number;
  /** `i/n` (core/shard.ts): a torrent belongs to one shard's sweeps only. */
  shard: string;
  settingsId: number | null;
  planned: number;
  measured: number;
  outcome: 'done' | 'failed';
  /** A failed sweep: `<cause>: <detail>`, the cause one of GAP_CAUSES. */
  cause: string | null;
  /** Torrents this sweep ran but could not measure, with the reason. */
  misses?: readonly { infohash: string; cause: string }[];
}

/** A step of the system clock (collector/sample-clock.ts). */
export interface ClockStepRecord {
  atMs: number;
  /** > 0 forward, < 0 backward. */
  stepMs: number;
  /** The span before `atMs` the sample stamps jumped over (a forward step): no time passed in it. */
  skippedMs: number;
  /** A backward step smeared over the next 2 × |stepMs| of stamps (collector/sample-clock.ts). */
  smeared: boolean;
}

export interface SweepAttempt extends Omit<SweepRecord, 'misses'> {
  id: number;
  /** For the torrent asked about: why this sweep did not measure it; absent when it did (or when no torrent was asked about). */
  miss?: string;
}

interface SweepRow {
  id: number;
  started_at_ms: number;
  finished_at_ms: number;
  interval_ms: number;
  shard: string;
  settings_id: number | null;
  planned: number;
  measured: number;
  outcome: 'done' | 'failed';
  cause: string | null;
  miss?: string | null;
}

function attemptOf(row: SweepRow): SweepAttempt {
  const attempt: SweepAttempt = {
    id: row.id,
    startedAtMs: row.started_at_ms,
    finishedAtMs: row.finished_at_ms,
    intervalMs: row.interval_ms,
    shard: row.shard,
    settingsId: row.settings_id,
    planned: row.planned,
    measured: row.measured,
    outcome: row.outcome,
    cause: row.cause,
  };
  if (row.miss) attempt.miss = row.miss;
  return attempt;
}

/** Stable JSON (sorted keys) so the same settings hash the same whatever order they were built in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, inner]) => `${JSON.stringify(key)}:${canonicalJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class SweepLog {
  constructor(private readonly db: Database.Database) {}

  /** Stores a set of measurement settings once; returns its id (the same settings, the same id). */
  recordSettings(settings: Record<string, unknown>, atMs = Date.now()): number {
    const json = canonicalJson(settings);
    const hash = createHash('sha256').update(json).digest('hex');
    this.db.prepare('INSERT OR IGNORE INTO collector_settings (hash, settings, first_used_at_ms) VALUES (?, ?, ?)').run(hash, json, atMs);
    return (this.db.prepare('SELECT id FROM collector_settings WHERE hash = ?').get(hash) as { id: number }).id;
  }

  settings(ids: readonly number[]): Map<number, Record<string, unknown>> {
    const found = new Map<number, Record<string, unknown>>();
    const select = this.db.prepare('SELECT settings FROM collector_settings WHERE id = ?');
    for (const id of new Set(ids)) {
      const row = select.get(id) as { settings: string } | undefined;
      if (row) found.set(id, JSON.parse(row.settings) as Record<string, unknown>);
    }
    return found;
  }

  latestSettings(): { id: number; settings: Record<string, unknown> } | null {
    const row = this.db.prepare('SELECT settings_id AS id FROM sweeps WHERE settings_id IS NOT NULL ORDER BY finished_at_ms DESC, id DESC LIMIT 1').get() as { id: number } | undefined;
    if (!row) return null;
    const settings = this.settings([row.id]).get(row.id);
    return settings ? { id: row.id, settings } : null;
  }

  record(sweep: SweepRecord): number {
    return this.db.transaction(() => {
      const result = this.db
        .prepare('INSERT INTO sweeps (started_at_ms, finished_at_ms, interval_ms, shard, settings_id, planned, measured, outcome, cause) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(sweep.startedAtMs, sweep.finishedAtMs, sweep.intervalMs, sweep.shard, sweep.settingsId, sweep.planned, sweep.measured, sweep.outcome, sweep.cause);
      const id = Number(result.lastInsertRowid);
      const insertMiss = this.db.prepare('INSERT OR REPLACE INTO sweep_misses (sweep_id, infohash, cause) VALUES (?, ?, ?)');
      for (const miss of sweep.misses ?? []) insertMiss.run(id, miss.infohash, miss.cause);
      return id;
    })();
  }

  /**
   * Attempts that finished in [fromMs, toMs], oldest first, plus the last one before `fromMs`
   * (a gap that began before the range needs its start). With `infohash`, each carries `miss`
   * when that sweep did not measure the torrent.
   */
  attempts(fromMs: number, toMs: number, infohash?: string): SweepAttempt[] {
    const columns = infohash
      ? 's.*, (SELECT cause FROM sweep_misses m WHERE m.sweep_id = s.id AND m.infohash = @infohash) AS miss'
      : 's.*';
    const before = this.db.prepare(`SELECT ${columns} FROM sweeps s WHERE finished_at_ms < @fromMs ORDER BY finished_at_ms DESC, id DESC LIMIT 1`).get({ fromMs, infohash }) as SweepRow | undefined;
    const inRange = this.db.prepare(`SELECT ${columns} FROM sweeps s WHERE finished_at_ms BETWEEN @fromMs AND @toMs ORDER BY finished_at_ms, id`).all({ fromMs, toMs, infohash }) as SweepRow[];
    return [...(before ? [before] : []), ...inRange].map(attemptOf);
  }

  /** The newest stamp any sweep was recorded with: a restarted collector stamps after it. */
  latestFinishedAtMs(): number | undefined {
    const row = this.db.prepare('SELECT max(finished_at_ms) AS latest FROM sweeps').get() as { latest: number | null };
    return row.latest ?? undefined;
  }

  recordClockStep(step: ClockStepRecord): void {
    this.db.prepare('INSERT INTO clock_steps (at_ms, step_ms, skipped_ms, smeared) VALUES (?, ?, ?, ?)').run(step.atMs, step.stepMs, step.skippedMs, step.smeared ? 1 : 0);
  }

  /** Steps seen in [fromMs, toMs], oldest first. */
  clockSteps(fromMs: number, toMs: number): ClockStepRecord[] {
    const rows = this.db.prepare('SELECT at_ms, step_ms, skipped_ms, smeared FROM clock_steps WHERE at_ms BETWEEN ? AND ? ORDER BY at_ms, id').all(fromMs, toMs) as { at_ms: number; step_ms: number; skipped_ms: number; smeared: number }[];
    return rows.map((row) => ({ atMs: row.at_ms, stepMs: row.step_ms, skippedMs: row.skipped_ms, smeared: row.smeared === 1 }));
  }

  /** Drops attempts that finished before `beforeMs` (their misses go with them), and older clock steps. */
  prune(beforeMs: number): number {
    this.db.prepare('DELETE FROM clock_steps WHERE at_ms < ?').run(beforeMs);
    return this.db.prepare('DELETE FROM sweeps WHERE finished_at_ms < ?').run(beforeMs).changes;
  }
}
