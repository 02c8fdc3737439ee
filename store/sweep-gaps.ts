/**
 * Gaps in a torrent's series, from the sweep log (store/state/sweep-log.ts): the spans of time in
 * which a sample was due and none was taken, each with its cause, so a graph shows a break and an
 * export lists it, never a line drawn across missing time. A swarm that was measured with 0 peers
 * is not a gap; a sweep that could not measure it is.
 *
 * Samples are stamped at a sweep's end, so a gap runs from the last sample before it to the next
 * sample (or the end of the range). Causes (GAP_CAUSES): a sweep that ran but failed for this
 * torrent (`not_measured`), a sweep that failed as a whole (`dht_unreachable`, `store_unavailable`,
 * `sweep_failed`), and no sweep at all when one was due (`collector_down`). A forward step of the
 * system clock (collector/sample-clock.ts) skips a span of time in which nothing was due: it is a
 * `clock_step` gap, and its slots are not counted as planned.
 */
import { GAP_CAUSES, type ClockStepRecord, type SweepAttempt } from './state/sweep-log.ts';

/**
 * A sweep is due `intervalMs` after the previous one started, or as soon as it ends when it overran
 * (collector/scheduler.ts). Half an interval more than that without a new attempt means no sweep ran.
 */
export const OVERDUE_FACTOR = 1.5;

export interface Gap {
  fromMs: number;
  toMs: number;
  /** A stable code from GAP_CAUSES. */
  cause: string;
  /** What went wrong, in words (the first failure's message), when known. */
  detail?: string;
}

export interface SweepCoverage {
  /** The cadence the range was swept at (the newest attempt's interval). */
  intervalMs: number;
  /** Sweep slots in the range at that cadence. */
  planned: number;
  /** Sweeps that measured the torrent (or, with no torrent, that finished). */
  done: number;
  /** planned − done, never below 0. */
  missed: number;
  /** Attempts that failed, for this torrent or as a whole. */
  failedAttempts: number;
}

export interface GapQuery {
  fromMs: number;
  toMs: number;
  nowMs: number;
  /** When the torrent was added and, if so, removed: outside that, nothing was due. */
  watchedFromMs?: number;
  watchedUntilMs?: number | null;
  /** Whether a sweep of this shard (`i/n`) covers the torrent; all do when omitted. */
  coversShard?: (shard: string) => boolean;
  /** Steps of the collector's clock in the range (SweepLog.clockSteps). */
  clockSteps?: readonly ClockStepRecord[];
}

export interface GapReport {
  gaps: Gap[];
  /** null when the sweep log holds nothing for the range (a store older than the log, or no collector yet). */
  coverage: SweepCoverage | null;
}

export type Miss = Readonly<{ cause: string; detail?: string }>;

const KNOWN_CAUSES: ReadonlySet<string> = new Set(Object.values(GAP_CAUSES));
/** A log repeats a few failure texts many times: each is split once (a bounded memo, shared values are frozen). */
const splitCauses = new Map<string, Miss>();
const SPLIT_CAUSES_KEPT = 1024;

/** `<cause>: <detail>` of a failed sweep, split (store/sweep-gaps-window.ts reads failures the same way). */
export function splitCause(text: string): Miss {
  let split = splitCauses.get(text);
  if (split) return split;
  const match = /^([a-z_]+)(?::\s*(.*))?$/s.exec(text);
  split = Object.freeze(
    match && KNOWN_CAUSES.has(match[1]!) ? (match[2] ? { cause: match[1]!, detail: match[2] } : { cause: match[1]! }) : { cause: GAP_CAUSES.notMeasured, detail: text },
  );
  if (splitCauses.size >= SPLIT_CAUSES_KEPT) splitCauses.clear();
  splitCauses.set(text, split);
  return split;
}

/** Why this attempt has no sample for the torrent, or undefined when it has one. */
function missOf(attempt: SweepAttempt): Miss | undefined {
  if (attempt.outcome === 'failed') return splitCause(attempt.cause ?? GAP_CAUSES.sweepFailed);
  if (attempt.miss !== undefined) return { cause: GAP_CAUSES.notMeasured, detail: attempt.miss };
  return undefined;
}

export function overdueAfter(attempt: SweepAttempt): number {
  return attempt.startedAtMs + OVERDUE_FACTOR * Math.max(attempt.intervalMs, attempt.finishedAtMs - attempt.startedAtMs);
}

export function pushMerged(gaps: Gap[], gap: Gap): void {
  if (gap.toMs <= gap.fromMs) return;
  const last = gaps.at(-1);
  if (last && last.cause === gap.cause && gap.fromMs <= last.toMs) {
    last.toMs = Math.max(last.toMs, gap.toMs);
    return;
  }
  gaps.push(gap);
}

export interface Span {
  fromMs: number;
  toMs: number;
}

/** The spans of time a forward step skipped: from where the stamps were to where they landed. */
export function skippedSpans(steps: readonly ClockStepRecord[]): Span[] {
  return steps.filter((step) => step.skippedMs > 0).map((step) => ({ fromMs: step.atMs - step.skippedMs, toMs: step.atMs }));
}

/** How much of [fromMs, toMs] the spans cover. */
export function overlapMs(spans: readonly Span[], fromMs: number, toMs: number): number {
  return spans.reduce((total, span) => total + Math.max(0, Math.min(span.toMs, toMs) - Math.max(span.fromMs, fromMs)), 0);
}

/** `gap` without the parts inside `spans` (sorted, disjoint). */
function withoutSpans(gap: Gap, spans: readonly Span[]): Gap[] {
  const pieces: Gap[] = [];
  let fromMs = gap.fromMs;
  for (const span of spans) {
    if (span.toMs <= fromMs || span.fromMs >= gap.toMs) continue;
    if (span.fromMs > fromMs) pieces.push({ ...gap, fromMs, toMs: span.fromMs });
    fromMs = Math.max(fromMs, span.toMs);
  }
  if (fromMs < gap.toMs) pieces.push({ ...gap, fromMs });
  return pieces;
}

function clockStepGaps(gaps: readonly Gap[], steps: readonly ClockStepRecord[]): Gap[] {
  const skipped = skippedSpans(steps);
  if (skipped.length === 0) return [...gaps];
  const stepGaps = skipped.map((span) => ({
    ...span,
    cause: GAP_CAUSES.clockStep,
    detail: `the system clock stepped forward: sample times jumped ${Math.round((span.toMs - span.fromMs) / 1000)} s, in which no time passed`,
  }));
  const others = gaps.flatMap((gap) => (gap.cause === GAP_CAUSES.collectorDown ? withoutSpans(gap, skipped) : [gap]));
  return [...others, ...stepGaps].sort((a, b) => a.fromMs - b.fromMs);
}

export function sweepGaps(attempts: readonly SweepAttempt[], query: GapQuery): GapReport {
  const relevant = attempts.filter(
    (attempt) => (query.coversShard?.(attempt.shard) ?? true) && attempt.startedAtMs >= (query.watchedFromMs ?? -Infinity),
  );
  return gapsOfRelevant(relevant, query);
}

/** The part of the range in which the torrent was watched and which is not in the future. */
export function windowOf(query: GapQuery): { windowFromMs: number; windowToMs: number } {
  return {
    windowFromMs: Math.max(query.fromMs, query.watchedFromMs ?? -Infinity),
    windowToMs: Math.min(query.toMs, query.nowMs, query.watchedUntilMs ?? Infinity),
  };
}

/** sweepGaps over the attempts that concern the torrent (its shards, since it was watched), oldest first. */
function gapsOfRelevant(relevant: readonly SweepAttempt[], query: GapQuery): GapReport {
  const { windowFromMs, windowToMs } = windowOf(query);
  if (relevant.length === 0 || windowToMs <= windowFromMs) return { gaps: [], coverage: null };

  const skipped = skippedSpans(query.clockSteps ?? []);
  const raw: Gap[] = [];
  let previous: SweepAttempt | undefined;
  for (const attempt of relevant) {
    // Time a forward clock step skipped between two sweeps did not pass: it cannot make one overdue.
    if (previous && attempt.startedAtMs - overlapMs(skipped, previous.startedAtMs, attempt.startedAtMs) > overdueAfter(previous)) {
      pushMerged(raw, { fromMs: previous.finishedAtMs, toMs: attempt.startedAtMs, cause: GAP_CAUSES.collectorDown });
    }
    const miss = missOf(attempt);
    if (miss) {
      const fromMs = previous?.finishedAtMs ?? attempt.finishedAtMs - attempt.intervalMs;
      pushMerged(raw, { fromMs: Math.min(fromMs, attempt.startedAtMs), toMs: attempt.finishedAtMs, ...miss });
    }
    previous = attempt;
  }
  // After the newest attempt: nothing since, though a sweep was due long ago.
  if (previous && windowToMs > overdueAfter(previous)) {
    pushMerged(raw, { fromMs: previous.finishedAtMs, toMs: windowToMs, cause: GAP_CAUSES.collectorDown });
  }

  const gaps = clipped(raw, query, windowFromMs, windowToMs);
  const inWindow = relevant.filter((attempt) => attempt.finishedAtMs >= windowFromMs && attempt.finishedAtMs <= windowToMs);
  const done = inWindow.filter((attempt) => missOf(attempt) === undefined).length;
  const intervalMs = relevant.at(-1)!.intervalMs;
  const planned = Math.max(done, Math.floor((windowToMs - windowFromMs - overlapMs(skipped, windowFromMs, windowToMs)) / intervalMs));
  return {
    gaps,
    coverage: { intervalMs, planned, done, missed: Math.max(0, planned - done), failedAttempts: inWindow.length - done },
  };
}

/** The gaps with clock steps marked, cut to the window. */
export function clipped(raw: readonly Gap[], query: GapQuery, windowFromMs: number, windowToMs: number): Gap[] {
  return clockStepGaps(raw, query.clockSteps ?? [])
    .map((gap) => ({ ...gap, fromMs: Math.max(gap.fromMs, windowFromMs), toMs: Math.min(gap.toMs, windowToMs) }))
    .filter((gap) => gap.toMs > gap.fromMs);
}
