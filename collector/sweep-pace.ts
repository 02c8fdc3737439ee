/**
 * How many torrents a sweep looks up at once. On a friendly DHT a lookup takes a second and 8 at
 * once sweep 10,000 torrents well inside the 15-minute interval; on the real one a large swarm's
 * lookup takes minutes (the Internet profile: 100–300 s, bounded by the per-IP politeness limit and
 * by holders that serve 50 or 100 random values a reply), and 8 at once would need hours. The pace
 * starts at `concurrency` and widens, up to `maxConcurrency`, whenever the torrents left would not
 * be done within the sweep's budget at the lookup time measured so far. It never narrows within a
 * sweep: a lookup in progress is not stopped.
 *
 * Widening is polite by construction: the per-IP rate limit and the per-node query gap
 * (collector/dht/ip-rate-limiter.ts, query-pacer.ts) hold across all lookups, so more lookups at
 * once never send one node more than it allows; they only keep more nodes busy at once.
 */
import { monotonicMs } from '../core/clock.ts';

/** Share of the sweep interval the lookups may take: the rest is for the batch write and upkeep. */
export const SWEEP_BUDGET_SHARE = 0.8;
/** How often the pace is re-read while lookups run, besides at each lookup's end. */
export const PACE_CHECK_INTERVAL_MS = 1_000;

export interface SweepPace {
  /** Lookups at once at the start, and never fewer. */
  concurrency: number;
  /** Never more at once. */
  maxConcurrency: number;
  /** The lookups should be done this long after the sweep starts. */
  budgetMs: number;
  /** Mean lookup time of the sweep before, if any: a sweep starts as wide as the last one needed. */
  expectedLookupMs?: number;
  /** Monotonic clock (tests pass their own). */
  nowMs?: () => number;
}

export interface PacedResult<R> {
  results: R[];
  /** The most lookups that ran at once. */
  peakConcurrency: number;
  /** Mean time of the lookups that ran, in ms (0 when none did). */
  meanLookupMs: number;
}

/**
 * Lookups at once needed to finish `remaining` lookups (not yet started or running) in
 * `budgetLeftMs` at `lookupMs` each: throughput is width / lookupMs, so the width is
 * remaining · lookupMs / budgetLeftMs, between the floor and the cap; past the budget, the cap.
 */
export function widthNeeded(pace: Pick<SweepPace, 'concurrency' | 'maxConcurrency'>, remaining: number, lookupMs: number, budgetLeftMs: number): number {
  const cap = Math.max(pace.concurrency, pace.maxConcurrency);
  if (!(lookupMs > 0) || remaining <= 0) return pace.concurrency;
  if (budgetLeftMs <= lookupMs) return cap;
  return Math.min(cap, Math.max(pace.concurrency, Math.ceil((remaining * lookupMs) / budgetLeftMs)));
}

/** Runs `work` over `items` at the widening pace above; results keep the input order. */
export async function mapWithSweepPace<T, R>(items: readonly T[], pace: SweepPace, work: (item: T, index: number) => Promise<R>): Promise<PacedResult<R>> {
  const now = pace.nowMs ?? monotonicMs;
  const startedMs = now();
  const results = new Array<R>(items.length);
  const runningSince = new Map<number, number>();
  let next = 0;
  let finished = 0;
  let finishedMs = 0;
  let width = Math.max(1, pace.concurrency);
  let peak = 0;

  /** Mean lookup time: finished lookups, and running ones at their time so far (a lower bound that keeps rising). */
  const lookupMsEstimate = (): number | undefined => {
    const atMs = now();
    let runningMs = 0;
    for (const sinceMs of runningSince.values()) runningMs += atMs - sinceMs;
    const seen = finished + runningSince.size;
    const measured = seen > 0 ? (finishedMs + runningMs) / seen : undefined;
    if (finished === 0) return Math.max(measured ?? 0, pace.expectedLookupMs ?? 0) || undefined;
    return measured;
  };

  return new Promise<PacedResult<R>>((resolve, reject) => {
    let failed = false;
    const timer = setInterval(() => repace(), PACE_CHECK_INTERVAL_MS);
    timer.unref();
    const done = (): void => {
      clearInterval(timer);
      resolve({ results, peakConcurrency: peak, meanLookupMs: finished > 0 ? finishedMs / finished : 0 });
    };
    const start = (index: number): void => {
      const sinceMs = now();
      runningSince.set(index, sinceMs);
      peak = Math.max(peak, runningSince.size);
      work(items[index]!, index).then(
        (result) => {
          results[index] = result;
          runningSince.delete(index);
          finished++;
          finishedMs += now() - sinceMs;
          repace();
        },
        (error: unknown) => {
          failed = true;
          clearInterval(timer);
          reject(error);
        },
      );
    };
    const repace = (): void => {
      if (failed) return;
      const lookupMs = lookupMsEstimate();
      if (lookupMs !== undefined) width = Math.max(width, widthNeeded(pace, items.length - finished, lookupMs, pace.budgetMs - (now() - startedMs)));
      while (next < items.length && runningSince.size < width) start(next++);
      if (finished === items.length) done();
    };
    repace();
  });
}
