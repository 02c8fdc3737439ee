/**
 * Samples written after their hour's continuous query ran (a spool replayed after an outage, a
 * slow sweep) would be missing from the hourly and daily policies: each CQ run only recomputes its
 * RESAMPLE FOR window. This collects the time range of such late samples and backfills it a moment
 * later, once per burst of writes rather than once per batch.
 */
import type { BackfillRange } from './influx-backfill.ts';

/** Older than this when written = late: the hourly CQ recomputes the last 2 h, so 1 h leaves a margin. */
export const LATE_AFTER_MS = 3_600_000;
const DEBOUNCE_MS = 2_000;

export class LateWriteBackfill {
  private pending?: BackfillRange;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly backfill: (range: BackfillRange) => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Called with each written batch's time span. */
  note(earliestMs: number, latestMs: number): void {
    if (earliestMs >= this.now() - LATE_AFTER_MS) return;
    this.pending = this.pending
      ? { fromMs: Math.min(this.pending.fromMs, earliestMs), toMs: Math.max(this.pending.toMs, latestMs) }
      : { fromMs: earliestMs, toMs: latestMs };
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
    // A pending backfill must not keep a finished command alive; close() flushes it instead.
    this.timer.unref();
  }

  /** Runs the pending backfill now; on failure the range stays pending for the next write or flush. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    const range = this.pending;
    if (!range) return;
    this.pending = undefined;
    this.running = this.backfill(range)
      .then(() => undefined)
      .catch((error: unknown) => {
        this.pending = this.pending ? { fromMs: Math.min(this.pending.fromMs, range.fromMs), toMs: Math.max(this.pending.toMs, range.toMs) } : range;
        this.onError(error);
      })
      .finally(() => {
        this.running = undefined;
      });
    await this.running;
  }

  get hasPending(): boolean {
    return this.pending !== undefined;
  }
}
