/**
 * Gaps of one torrent from the sweep log kept in memory (SweepLog.window): the same report as
 * store/sweep-gaps.ts's walk over every attempt of a range, from a few binary searches and a walk
 * over the attempts that can start a gap (issue 12: a 30-day series answer covers 2,880 sweeps).
 * tests/methods/sweep-gaps-window.test.ts checks the two agree on random histories.
 */
import { GAP_CAUSES, type SweepAttempt, type SweepLogWindow } from './state/sweep-log.ts';
import { clipped, overdueAfter, overlapMs, pushMerged, skippedSpans, splitCause, sweepGaps, windowOf, type Gap, type GapQuery, type GapReport, type Miss } from './sweep-gaps.ts';
import { lowerBound, upperBound } from '../core/sorted-search.ts';

/**
 * The attempts of a sweep log that one set of shards covers, and what follows from them alone,
 * derived once per version of the log (SweepLogWindow.derived) and shared by every torrent in those
 * shards: a request then costs a few binary searches and a walk over its gaps, not over every
 * attempt in its range (a month of 15-minute sweeps is 2,880).
 */
interface ShardAttempts {
  /** Indexes into the log, ascending. */
  positions: Int32Array;
  startedAtMs: Float64Array;
  finishedAtMs: Float64Array;
  /** Whether startedAtMs never decreases: then "watched since" cuts off a prefix. */
  startsInOrder: boolean;
  /** [j] = 1: position j started overdue after position j - 1, not counting time a clock step skipped. */
  overdue: Uint8Array;
  /** [j] = failed attempts among positions [0, j). */
  failedBefore: Int32Array;
  /** Positions that are overdue or failed, ascending: where a gap can start without a miss. */
  events: Int32Array;
}

const DERIVED_SHARDS = 'sweep-gaps:shards';
const DERIVED_IDS = 'sweep-gaps:ids';
const DERIVED_SHARD_SETS = 'sweep-gaps:shard-sets';

function derived<T>(window: SweepLogWindow, key: string, make: () => T): T {
  let value = window.derived.get(key) as T | undefined;
  if (value === undefined) {
    value = make();
    window.derived.set(key, value);
  }
  return value;
}

/** Sets of shards kept per version of the log: a log holds a few shard layouts, each torrent is in one shard of each. */
const SHARD_SETS_KEPT = 16;

function shardAttempts(window: SweepLogWindow, covers: readonly boolean[], shards: readonly string[]): ShardAttempts {
  const kept = derived(window, DERIVED_SHARD_SETS, () => new Map<string, ShardAttempts>());
  const key = covers.map((covered) => (covered ? 1 : 0)).join('');
  let found = kept.get(key);
  if (!found) {
    found = shardAttemptsOf(window, covers, shards);
    if (kept.size >= SHARD_SETS_KEPT) kept.clear();
    kept.set(key, found);
  }
  return found;
}

function shardAttemptsOf(window: SweepLogWindow, covers: readonly boolean[], shards: readonly string[]): ShardAttempts {
  const coveredShards = new Set(shards.filter((_, index) => covers[index]));
  const positions: number[] = [];
  window.all.forEach((attempt, index) => {
    if (coveredShards.has(attempt.shard)) positions.push(index);
  });
  const count = positions.length;
  const startedAtMs = new Float64Array(count);
  const finishedAtMs = new Float64Array(count);
  const overdue = new Uint8Array(count);
  const failedBefore = new Int32Array(count + 1);
  const events: number[] = [];
  let startsInOrder = true;
  for (let j = 0; j < count; j++) {
    const attempt = window.all[positions[j]!]!;
    startedAtMs[j] = attempt.startedAtMs;
    finishedAtMs[j] = attempt.finishedAtMs;
    if (j > 0) {
      const previous = window.all[positions[j - 1]!]!;
      if (attempt.startedAtMs < previous.startedAtMs) startsInOrder = false;
      if (attempt.startedAtMs > overdueAfter(previous)) overdue[j] = 1;
    }
    const failed = attempt.outcome === 'failed';
    failedBefore[j + 1] = failedBefore[j]! + (failed ? 1 : 0);
    if (overdue[j] === 1 || failed) events.push(j);
  }
  return { positions: Int32Array.from(positions), startedAtMs, finishedAtMs, startsInOrder, overdue, failedBefore, events: Int32Array.from(events) };
}

/**
 * The same report as `sweepGaps(log.attempts(fromMs, toMs, infohash), query)` for a window of the
 * sweep log (SweepLog.window) and the torrent's misses (SweepLog.missesOf), without walking every
 * attempt of the window. Shards that cannot be read, or a torrent watched since a time when
 * attempts do not start in order, take the walk (sweepGaps itself).
 */
export function sweepGapsInWindow(window: SweepLogWindow, misses: ReadonlyMap<number, string>, query: GapQuery): GapReport {
  const shards = derived(window, DERIVED_SHARDS, () => [...new Set(window.all.map((attempt) => attempt.shard))]);
  let covers: boolean[] | undefined = [];
  for (const shard of shards) {
    try {
      covers.push(query.coversShard?.(shard) ?? true);
    } catch {
      covers = undefined; // thrown again by the walk, if an attempt of the window has that shard
      break;
    }
  }
  const log = covers && shardAttempts(window, covers, shards);
  if (!log || (!log.startsInOrder && query.watchedFromMs !== undefined)) {
    return sweepGaps(withMisses(window.all.slice(window.start, window.end), misses), query);
  }

  // Positions [first, last] of the window's attempts that concern the torrent.
  let first = lowerBound(log.positions, window.start);
  if (query.watchedFromMs !== undefined) first = Math.max(first, lowerBound(log.startedAtMs, query.watchedFromMs));
  const last = lowerBound(log.positions, window.end) - 1;
  const { windowFromMs, windowToMs } = windowOf(query);
  if (first > last || windowToMs <= windowFromMs) return { gaps: [], coverage: null };

  const attemptAt = (position: number): SweepAttempt => window.all[log.positions[position]!]!;
  const missAt = (attempt: SweepAttempt): Miss | undefined => {
    if (attempt.outcome === 'failed') return splitCause(attempt.cause ?? GAP_CAUSES.sweepFailed);
    const miss = misses.get(attempt.id);
    return miss !== undefined ? { cause: GAP_CAUSES.notMeasured, detail: miss } : undefined;
  };
  // The positions in [first, last] where the torrent was not measured although the sweep was done.
  const missed: number[] = [];
  if (misses.size > 0) {
    const ids = derived(window, DERIVED_IDS, () => new Map(window.all.map((attempt, index) => [attempt.id, index])));
    for (const id of misses.keys()) {
      const index = ids.get(id);
      if (index === undefined) continue;
      const position = lowerBound(log.positions, index);
      if (position >= first && position <= last && log.positions[position] === index && attemptAt(position).outcome !== 'failed') missed.push(position);
    }
    missed.sort((a, b) => a - b);
  }

  const skipped = skippedSpans(query.clockSteps ?? []);
  const raw: Gap[] = [];
  const firstAttempt = attemptAt(first);
  const firstMiss = missAt(firstAttempt);
  if (firstMiss) {
    pushMerged(raw, { fromMs: Math.min(firstAttempt.finishedAtMs - firstAttempt.intervalMs, firstAttempt.startedAtMs), toMs: firstAttempt.finishedAtMs, ...firstMiss });
  }
  // Positions after the first with an overdue start, a failure or a miss, in order: the only ones that add a gap.
  let event = lowerBound(log.events, first + 1);
  let missedIndex = lowerBound(missed, first + 1);
  for (;;) {
    const nextEvent = event < log.events.length ? log.events[event]! : Infinity;
    const nextMissed = missedIndex < missed.length ? missed[missedIndex]! : Infinity;
    const position = Math.min(nextEvent, nextMissed);
    if (position > last) break;
    if (nextEvent === position) event++;
    if (nextMissed === position) missedIndex++;
    const previous = attemptAt(position - 1);
    const attempt = attemptAt(position);
    // Skipped time only makes a start less overdue (overlapMs >= 0): a start that is not overdue without it is not with it.
    if (log.overdue[position] === 1 && attempt.startedAtMs - overlapMs(skipped, previous.startedAtMs, attempt.startedAtMs) > overdueAfter(previous)) {
      pushMerged(raw, { fromMs: previous.finishedAtMs, toMs: attempt.startedAtMs, cause: GAP_CAUSES.collectorDown });
    }
    const miss = missAt(attempt);
    if (miss) pushMerged(raw, { fromMs: Math.min(previous.finishedAtMs, attempt.startedAtMs), toMs: attempt.finishedAtMs, ...miss });
  }
  const newest = attemptAt(last);
  if (windowToMs > overdueAfter(newest)) pushMerged(raw, { fromMs: newest.finishedAtMs, toMs: windowToMs, cause: GAP_CAUSES.collectorDown });

  const gaps = clipped(raw, query, windowFromMs, windowToMs);
  // Attempts that finished inside the window: a run of positions, as finishedAtMs only grows.
  const fromPosition = Math.max(first, lowerBound(log.finishedAtMs, windowFromMs));
  const toPosition = Math.min(last, upperBound(log.finishedAtMs, windowToMs) - 1);
  const inWindow = Math.max(0, toPosition - fromPosition + 1);
  const failed = inWindow > 0 ? log.failedBefore[toPosition + 1]! - log.failedBefore[fromPosition]! : 0;
  const missedInWindow = inWindow > 0 ? lowerBound(missed, toPosition + 1) - lowerBound(missed, fromPosition) : 0;
  const done = inWindow - failed - missedInWindow;
  const intervalMs = newest.intervalMs;
  const planned = Math.max(done, Math.floor((windowToMs - windowFromMs - overlapMs(skipped, windowFromMs, windowToMs)) / intervalMs));
  return {
    gaps,
    coverage: { intervalMs, planned, done, missed: Math.max(0, planned - done), failedAttempts: inWindow - done },
  };
}

/** Attempts with `miss` set from the torrent's misses (SweepLog.attempts does the same). */
function withMisses(attempts: readonly SweepAttempt[], misses: ReadonlyMap<number, string>): SweepAttempt[] {
  if (misses.size === 0) return [...attempts];
  return attempts.map((attempt) => {
    const miss = misses.get(attempt.id);
    return miss ? { ...attempt, miss } : attempt;
  });
}

