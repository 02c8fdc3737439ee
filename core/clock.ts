/**
 * Two clocks, for two jobs. Durations, deadlines, timeouts and pacing use `monotonicMs` (Node's
 * `performance.now()`, CLOCK_MONOTONIC underneath), which an NTP step or an operator's `date -s`
 * cannot move: a backward step of an hour must not stall a sweep for an hour, nor a forward step
 * expire every timeout at once. Only the times written as data (sample stamps, sweep-log rows,
 * persisted schedules) read the wall clock, and the collector's sample stamps go through
 * collector/sample-clock.ts, which notices steps.
 */
export function monotonicMs(): number {
  return performance.now();
}

/** Resolves after `delayMs` on the monotonic clock (Node timers are monotonic). */
export function sleepMs(delayMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, delayMs)));
}
