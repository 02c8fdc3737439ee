/**
 * SQLite upkeep: rolls complete buckets up (hourly, daily), then applies retention (raw samples
 * older than `rawRetentionMs` once rolled up, rollups past theirs). Runs at open and after writes,
 * at most every `intervalMs`, in chunks with a pause between them so an API on the same event loop
 * keeps answering. Several processes may run it on one file: every step is idempotent.
 */
import type Database from 'better-sqlite3';
import { DAILY, HOURLY, ROLLUP_RESOLUTIONS, bucketStartMs, type RollupResolution } from '../downsampling.ts';
import { createDetailUpkeep } from './sqlite-detail-upkeep.ts';
import { createRollUp } from './sqlite-rollups.ts';

export interface UpkeepOptions {
  /** 0 = forever, for each. */
  rawRetentionMs: number;
  hourlyRetentionMs: number;
  dailyRetentionMs: number;
  intervalMs: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

export interface UpkeepReport {
  rolledRows: number;
  deletedRawRows: number;
  deletedRollupRows: number;
}

/** Buckets rolled up per transaction: a week of hours, or 168 days. */
const BUCKETS_PER_CHUNK = 168;

export class SqliteUpkeep {
  private readonly rollUp;
  private readonly readState;
  private readonly writeState;
  private readonly earliestSample;
  private readonly deleteRaw;
  private readonly deleteRollups;
  /** Tagged series and peer sketches (sqlite-detail-upkeep.ts). */
  private readonly detail;
  private dirtyFromMs?: number;
  private lastRunMs = -Infinity;
  private running?: Promise<UpkeepReport>;
  private readonly now: () => number;

  constructor(
    private readonly db: Database.Database,
    private readonly options: UpkeepOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.rollUp = createRollUp(db);
    this.detail = createDetailUpkeep(db);
    this.readState = db.prepare('SELECT value FROM upkeep_state WHERE name = ?').pluck();
    this.writeState = db.prepare('INSERT INTO upkeep_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)');
    this.earliestSample = db.prepare('SELECT min(at_ms) FROM swarm').pluck();
    // Per torrent by primary key; each torrent's newest row stays, so `latest` never empties.
    this.deleteRaw = db.prepare(`
      DELETE FROM swarm WHERE infohash IN (SELECT infohash FROM swarm_latest) AND at_ms < @before
        AND NOT EXISTS (SELECT 1 FROM swarm_latest AS l WHERE l.infohash = swarm.infohash AND l.at_ms = swarm.at_ms)`);
    this.deleteRollups = db.prepare('DELETE FROM swarm_rollup WHERE resolution_ms = @resolution AND bucket_ms < @before');
  }

  /** Sweep sketches before this instant may have been deleted (store/sketch-days.ts then uses day unions); 0 = none. */
  sketchSweepsKeptFromMs(): number {
    return this.options.rawRetentionMs > 0 ? bucketStartMs(this.now() - this.options.rawRetentionMs, DAILY.bucketMs) : 0;
  }

  /** A write landed: its buckets are re-rolled next time; runs now if the interval has passed. */
  noteWritten(earliestMs: number): void {
    this.dirtyFromMs = Math.min(this.dirtyFromMs ?? Infinity, earliestMs);
    if (this.now() - this.lastRunMs >= this.options.intervalMs) this.schedule();
  }

  /** Runs soon, off the caller's stack; errors go to `onError`. */
  schedule(): void {
    if (this.running) return;
    this.lastRunMs = this.now();
    setImmediate(() => void this.run().catch((error: unknown) => this.options.onError?.(error)));
  }

  async run(): Promise<UpkeepReport> {
    if (this.running) return this.running;
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Waits for a run in progress (before closing the database). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async runOnce(): Promise<UpkeepReport> {
    this.lastRunMs = this.now();
    const report: UpkeepReport = { rolledRows: 0, deletedRawRows: 0, deletedRollupRows: 0 };
    // Scheduled at open, it may start after a short-lived command already closed the database.
    if (!this.db.open) return report;
    const dirtyFromMs = this.dirtyFromMs;
    this.dirtyFromMs = undefined;
    const rawCutoffMs = this.options.rawRetentionMs > 0 ? bucketStartMs(this.now() - this.options.rawRetentionMs, DAILY.bucketMs) : 0;
    for (const resolution of ROLLUP_RESOLUTIONS) {
      report.rolledRows += await this.rollResolution(resolution, dirtyFromMs, rawCutoffMs);
    }
    if (!this.db.open) return report;
    // Only what both rollups have covered may go: a raw row is never deleted before it is rolled up.
    const rolledUntilMs = Math.min(...ROLLUP_RESOLUTIONS.map((resolution) => (this.readState.get(stateName(resolution)) as number | undefined) ?? 0));
    report.deletedRawRows = this.deleteRaw.run({ before: Math.min(rawCutoffMs, rolledUntilMs) }).changes;
    report.deletedRawRows += this.detail.deleteRaw(Math.min(rawCutoffMs, rolledUntilMs));
    for (const [resolution, keepMs] of [[HOURLY, this.options.hourlyRetentionMs], [DAILY, this.options.dailyRetentionMs]] as const) {
      if (keepMs > 0) report.deletedRollupRows += this.deleteRollups.run({ resolution: resolution.bucketMs, before: this.now() - keepMs }).changes;
      if (keepMs > 0) report.deletedRollupRows += this.detail.deleteRollups(resolution, this.now() - keepMs);
    }
    return report;
  }

  private async rollResolution(resolution: RollupResolution, dirtyFromMs: number | undefined, rawCutoffMs: number): Promise<number> {
    const watermarkMs = (this.readState.get(stateName(resolution)) as number | undefined) ?? (this.earliestSample.get() as number | null) ?? this.now();
    // Re-rolling for a late sample stops at the raw cut-off: older buckets have lost raw rows to
    // retention and would come out partial (such a sample is then only in the raw table, until it expires).
    const rerollFromMs = dirtyFromMs === undefined ? Infinity : Math.max(dirtyFromMs, rawCutoffMs);
    const fromMs = bucketStartMs(Math.min(watermarkMs, rerollFromMs), resolution.bucketMs);
    // Complete buckets only; the current one is rolled once it has ended.
    const toMs = bucketStartMs(this.now(), resolution.bucketMs);
    let rows = 0;
    for (let chunkMs = fromMs; chunkMs < toMs; chunkMs += resolution.bucketMs * BUCKETS_PER_CHUNK) {
      if (!this.db.open) return rows;
      const chunkEndMs = Math.min(chunkMs + resolution.bucketMs * BUCKETS_PER_CHUNK, toMs);
      rows += this.rollUp(resolution, chunkMs, chunkEndMs);
      rows += this.detail.rollUp(resolution, chunkMs, chunkEndMs);
      this.writeState.run(stateName(resolution), chunkEndMs);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return rows;
  }
}

function stateName(resolution: RollupResolution): string {
  return `rolled_until_ms:${resolution.name}`;
}
