/**
 * The discovery queue: infohashes waiting for their metadata, persisted in the state database so a
 * restart loses none, deduplicated against everything ever queued (one infohash is fetched once),
 * bounded (`maxQueued`: past it the oldest queued candidate is dropped and counted), and remembering
 * judged candidates up to `maxRemembered` (oldest forgotten first; a forgotten one may be queued again).
 */
import type Database from 'better-sqlite3';
import { parseInfohash } from '../../core/infohash.ts';

export type FoundBy = 'sample' | 'passive';
export type CandidateStatus = 'queued' | 'discovered' | 'rejected' | 'dropped';

export interface QueuedCandidate {
  infohash: string;
  foundBy: FoundBy;
  firstSeenAtMs: number;
  attempts: number;
}

export interface QueueCounts {
  queued: number;
  discovered: number;
  rejected: number;
  dropped: number;
  /** Queued candidates pushed out by newer ones when the queue was full (since the database was created). */
  droppedOldest: number;
  /** Candidates given up, by reason (`no-peers`, `no-metadata: timeout`, …) since the database was created. */
  dropReasons: Record<string, number>;
}

export interface DiscoveryQueueOptions {
  maxQueued: number;
  /** Judged (rejected or dropped) candidates remembered so they are not fetched again; default 10 × maxQueued. */
  maxRemembered?: number;
}

const DROPPED_OLDEST = 'queue.dropped_oldest';
const DROP_REASON_PREFIX = 'drop.';
/** A candidate taken by a worker is not handed out again for this long, even if the worker dies. */
export const CANDIDATE_LEASE_MS = 10 * 60_000;

export class DiscoveryQueue {
  private readonly maxRemembered: number;
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly options: DiscoveryQueueOptions,
  ) {
    this.maxRemembered = options.maxRemembered ?? options.maxQueued * 10;
    this.statements = {
      insert: db.prepare(`INSERT OR IGNORE INTO discovery_candidates (infohash, found_by, first_seen_at_ms, status) VALUES (?, ?, ?, 'queued')`),
      countQueued: db.prepare(`SELECT count(*) AS n FROM discovery_candidates WHERE status = 'queued'`).pluck(),
      dropOldest: db.prepare(`DELETE FROM discovery_candidates WHERE infohash IN (SELECT infohash FROM discovery_candidates WHERE status = 'queued' ORDER BY first_seen_at_ms, infohash LIMIT ?)`),
      due: db.prepare(
        `SELECT infohash, found_by AS foundBy, first_seen_at_ms AS firstSeenAtMs, attempts FROM discovery_candidates
         WHERE status = 'queued' AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms, first_seen_at_ms LIMIT ?`,
      ),
      lease: db.prepare(`UPDATE discovery_candidates SET next_attempt_at_ms = ?, attempts = attempts + 1 WHERE infohash = ?`),
      retry: db.prepare(`UPDATE discovery_candidates SET next_attempt_at_ms = ?, problem = ? WHERE infohash = ? AND status = 'queued'`),
      finish: db.prepare(`UPDATE discovery_candidates SET status = ?, problem = ?, done_at_ms = ? WHERE infohash = ?`),
      countDone: db.prepare(`SELECT count(*) AS n FROM discovery_candidates WHERE status IN ('rejected', 'dropped')`).pluck(),
      forgetOldest: db.prepare(
        `DELETE FROM discovery_candidates WHERE infohash IN (SELECT infohash FROM discovery_candidates WHERE status IN ('rejected', 'dropped') ORDER BY done_at_ms LIMIT ?)`,
      ),
      byStatus: db.prepare(`SELECT status, count(*) AS n FROM discovery_candidates GROUP BY status`),
      counters: db.prepare(`SELECT name, value FROM discovery_counters`),
      bump: db.prepare(`INSERT INTO discovery_counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value`),
      status: db.prepare(`SELECT status FROM discovery_candidates WHERE infohash = ?`).pluck(),
    };
  }

  /**
   * Queues the infohashes not seen before (in one transaction: a sample brings up to 20). Returns
   * the ones newly queued. `isKnown` lets the caller skip what it already has (the watchlist).
   */
  offer(infohashes: readonly string[], foundBy: FoundBy, nowMs: number, isKnown: (infohash: string) => boolean = () => false): string[] {
    const queued: string[] = [];
    this.db.transaction(() => {
      for (const raw of infohashes) {
        const infohash = parseInfohash(raw);
        if (isKnown(infohash)) continue;
        if (this.statements.insert.run(infohash, foundBy, nowMs).changes === 1) queued.push(infohash);
      }
      if (queued.length === 0) return;
      const excess = this.queuedCount() - this.options.maxQueued;
      if (excess > 0) {
        this.statements.dropOldest.run(excess);
        this.statements.bump.run(DROPPED_OLDEST, excess);
      }
    }).immediate();
    return queued;
  }

  /** Up to `limit` due candidates, oldest first, each leased (not due again for CANDIDATE_LEASE_MS) and its attempt counted. */
  take(nowMs: number, limit: number): QueuedCandidate[] {
    return this.db.transaction(() => {
      const due = this.statements.due.all(nowMs, limit) as QueuedCandidate[];
      for (const candidate of due) {
        this.statements.lease.run(nowMs + CANDIDATE_LEASE_MS, candidate.infohash);
        candidate.attempts++;
      }
      return due;
    }).immediate();
  }

  /** A failed attempt: try again at `retryAtMs`, or give up when `giveUp` (the attempts are spent). */
  failed(infohash: string, problem: string, options: { giveUp: boolean; retryAtMs: number; nowMs: number }): void {
    if (!options.giveUp) {
      this.statements.retry.run(options.retryAtMs, problem, infohash);
      return;
    }
    this.db.transaction(() => {
      this.statements.finish.run('dropped', problem, options.nowMs, infohash);
      this.statements.bump.run(`${DROP_REASON_PREFIX}${problem}`, 1);
      this.forgetExcess();
    }).immediate();
  }

  /** The candidate was judged: kept as a discovery, or rejected (with why). */
  judged(infohash: string, status: 'discovered' | 'rejected', reason: string | null, nowMs: number): void {
    this.db.transaction(() => {
      this.statements.finish.run(status, reason, nowMs, infohash);
      if (status === 'rejected') this.forgetExcess();
    }).immediate();
  }

  /** Candidates waiting for metadata (one index count; counts() reads every status and counter). */
  queuedCount(): number {
    return this.statements.countQueued.get() as number;
  }

  statusOf(infohash: string): CandidateStatus | undefined {
    return this.statements.status.get(parseInfohash(infohash)) as CandidateStatus | undefined;
  }

  counts(): QueueCounts {
    const counts: QueueCounts = { queued: 0, discovered: 0, rejected: 0, dropped: 0, droppedOldest: 0, dropReasons: {} };
    for (const row of this.statements.byStatus.all() as { status: CandidateStatus; n: number }[]) counts[row.status] = row.n;
    for (const row of this.statements.counters.all() as { name: string; value: number }[]) {
      if (row.name === DROPPED_OLDEST) counts.droppedOldest = row.value;
      else if (row.name.startsWith(DROP_REASON_PREFIX)) counts.dropReasons[row.name.slice(DROP_REASON_PREFIX.length)] = row.value;
    }
    return counts;
  }

  private forgetExcess(): void {
    const excess = (this.statements.countDone.get() as number) - this.maxRemembered;
    if (excess > 0) this.statements.forgetOldest.run(excess);
  }
}
