/**
 * The sweep log (store/sqlite/migrations-sweeps.ts): what the collector attempted and when, so the
 * API can tell a gap in a series from a swarm with no peers (store/sweep-gaps.ts) and an export can
 * count the sweeps planned, done and missed. Written by the collector process, read by any process
 * sharing the state database. Rows are tiny (one per sweep, one per torrent a sweep could not
 * measure); a retention bounds them all the same.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { dataVersionOf, type DataVersion } from '../sqlite/data-version.ts';
import { lowerBound, upperBound } from '../../core/sorted-search.ts';

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
  return attempt;
}

interface ClockStepRow {
  at_ms: number;
  step_ms: number;
  skipped_ms: number;
  smeared: number;
}

function clockStepOf(row: ClockStepRow): ClockStepRecord {
  return { atMs: row.at_ms, stepMs: row.step_ms, skippedMs: row.skipped_ms, smeared: row.smeared === 1 };
}

/** The whole sweep log of one connection, as of `version`. */
interface LogSnapshot {
  version: DataVersion;
  /** What identifies the rows: the log is appended to and pruned from its old end, never edited in place. */
  fingerprint: string;
  /** Every attempt, (finished_at_ms, id) order. */
  attempts: readonly SweepAttempt[];
  finishedAtMs: Float64Array;
  /** Every clock step, (at_ms, id) order. */
  clockSteps: readonly ClockStepRecord[];
  clockStepAtMs: Float64Array;
  /** What readers derive from the whole log (store/sweep-gaps.ts), dropped with it. */
  derived: Map<string, unknown>;
}

/** Attempts `all[start..end)` of the whole log (SweepLog.window). */
export interface SweepLogWindow {
  /** Every attempt in the log, (finished_at_ms, id) order; shared and frozen. */
  all: readonly SweepAttempt[];
  start: number;
  end: number;
  /** The clock steps in the same [fromMs, toMs], as `clockSteps(fromMs, toMs)` gives them (from the same read of the log). */
  clockSteps: ClockStepRecord[];
  /**
   * Kept for as long as the log is unchanged: a reader may keep there what it derives from `all`
   * (store/sweep-gaps.ts keeps which attempts concern a torrent). Keys name their reader.
   */
  derived: Map<string, unknown>;
}

interface LogStatements {
  version: () => DataVersion;
  sweepsFingerprint: Database.Statement;
  clockStepsFingerprint: Database.Statement;
  allSweeps: Database.Statement;
  allClockSteps: Database.Statement;
  missesOf: Database.Statement;
  snapshot?: LogSnapshot;
}

/** Per connection, not per SweepLog: routes make a SweepLog per request. */
const connections = new WeakMap<Database.Database, LogStatements>();

function statementsOf(db: Database.Database): LogStatements {
  let statements = connections.get(db);
  if (!statements) {
    statements = {
      version: dataVersionOf(db),
      // An insert moves max(id) (and count), a prune moves count and min(id); each is an index lookup or walk.
      sweepsFingerprint: db.prepare('SELECT count(*), min(id), max(id), max(finished_at_ms) FROM sweeps').raw(),
      clockStepsFingerprint: db.prepare('SELECT count(*), min(id), max(id), max(at_ms) FROM clock_steps').raw(),
      allSweeps: db.prepare('SELECT * FROM sweeps ORDER BY finished_at_ms, id'),
      allClockSteps: db.prepare('SELECT at_ms, step_ms, skipped_ms, smeared FROM clock_steps ORDER BY at_ms, id'),
      missesOf: db.prepare('SELECT sweep_id, cause FROM sweep_misses WHERE infohash = ?'),
    };
    connections.set(db, statements);
  }
  return statements;
}

function clockStepsIn(log: LogSnapshot, fromMs: number, toMs: number): ClockStepRecord[] {
  const start = lowerBound(log.clockStepAtMs, fromMs);
  const end = Math.max(start, upperBound(log.clockStepAtMs, toMs));
  return log.clockSteps.slice(start, end).map((step) => ({ ...step }));
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
    const window = this.window(fromMs, toMs);
    const inWindow = window.all.slice(window.start, window.end);
    if (infohash === undefined) return inWindow;
    const misses = this.missesOf(infohash);
    if (misses.size === 0) return inWindow;
    return inWindow.map((attempt) => {
      const miss = misses.get(attempt.id);
      return miss ? { ...attempt, miss } : attempt;
    });
  }

  /**
   * The same attempts as `attempts(fromMs, toMs)` (without `miss`), as positions [start, end) in the
   * whole log, oldest first: no copy. The log is read once per change of the database and kept per
   * connection (one read of a month of sweeps is ~3,000 rows; a series answer asks for it every
   * time). The attempts are frozen: they are shared by every reader.
   */
  window(fromMs: number, toMs: number): SweepLogWindow {
    const log = this.snapshot();
    // The last attempt before fromMs, then those in [fromMs, toMs]: (finished_at_ms, id) order, as the SQL had it.
    const firstInRange = lowerBound(log.finishedAtMs, fromMs);
    const end = Math.max(firstInRange, upperBound(log.finishedAtMs, toMs));
    return { all: log.attempts, start: Math.max(0, firstInRange - 1), end, clockSteps: clockStepsIn(log, fromMs, toMs), derived: log.derived };
  }

  /** Why each sweep did not measure `infohash` (sweep id → cause), read by primary key. */
  missesOf(infohash: string): Map<number, string> {
    const rows = statementsOf(this.db).missesOf.all(infohash) as { sweep_id: number; cause: string }[];
    const misses = new Map<number, string>();
    for (const row of rows) if (row.cause) misses.set(row.sweep_id, row.cause);
    return misses;
  }

  /** The whole log as of now: re-read only when the database changed and the sweeps or clock steps with it. */
  private snapshot(): LogSnapshot {
    const statements = statementsOf(this.db);
    // The version first: a sweep recorded while the log is read leaves a newer log under an older
    // version, read again next time; never an older log under a newer version.
    const version = statements.version();
    const cached = statements.snapshot;
    if (cached?.version === version) return cached;
    const fingerprint = JSON.stringify([statements.sweepsFingerprint.get(), statements.clockStepsFingerprint.get()]);
    if (cached?.fingerprint === fingerprint) {
      cached.version = version;
      return cached;
    }
    const attempts = (statements.allSweeps.all() as SweepRow[]).map((row) => Object.freeze(attemptOf(row)));
    const steps = (statements.allClockSteps.all() as ClockStepRow[]).map(clockStepOf);
    const snapshot: LogSnapshot = {
      version,
      fingerprint,
      attempts,
      finishedAtMs: Float64Array.from(attempts, (attempt) => attempt.finishedAtMs),
      clockSteps: steps,
      clockStepAtMs: Float64Array.from(steps, (step) => step.atMs),
      derived: new Map(),
    };
    statements.snapshot = snapshot;
    return snapshot;
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
    return clockStepsIn(this.snapshot(), fromMs, toMs);
  }

  /** Drops attempts that finished before `beforeMs` (their misses go with them), and older clock steps. */
  prune(beforeMs: number): number {
    this.db.prepare('DELETE FROM clock_steps WHERE at_ms < ?').run(beforeMs);
    return this.db.prepare('DELETE FROM sweeps WHERE finished_at_ms < ?').run(beforeMs).changes;
  }
}
