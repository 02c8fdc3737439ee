/**
 * When to try a failed delivery again. The delays follow a schedule that grows from the base (5 s
 * by default) to hours — 5 s, 30 s, 2 m, 10 m, 30 m, 1 h, 2 h, 4 h, then every 8 h — with full
 * jitter (a uniform draw in [0, delay]) so that receivers recovering from an outage are not hit
 * by every sender at once. A `Retry-After` from the receiver is a floor. Retrying stops once the
 * next attempt would fall after the give-up horizon (24 h after the event fired, by default).
 */

/** Multiples of the base: with 5 s, the schedule above. */
const SCHEDULE_MULTIPLIERS = [1, 6, 24, 120, 360, 720, 1440, 2880, 5760];

export interface RetryPolicyOptions {
  baseMs: number;
  giveUpAfterMs: number;
  /** [0, 1); tests pin it. */
  random?: () => number;
}

export interface RetryDecision {
  /** undefined = give up. */
  nextAttemptAtMs?: number;
}

/** The ceiling of the jittered delay before attempt `attemptsMade + 1`. */
export function backoffCeilingMs(attemptsMade: number, baseMs: number): number {
  const index = Math.min(Math.max(attemptsMade - 1, 0), SCHEDULE_MULTIPLIERS.length - 1);
  return baseMs * SCHEDULE_MULTIPLIERS[index]!;
}

/**
 * `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Returns the delay in
 * milliseconds, or undefined when absent or unreadable (then the schedule alone decides).
 */
export function parseRetryAfterMs(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export function nextRetry(
  attemptsMade: number,
  context: { nowMs: number; eventCreatedAtMs: number; retryAfterMs?: number },
  options: RetryPolicyOptions,
): RetryDecision {
  const random = options.random ?? Math.random;
  const jittered = Math.floor(random() * backoffCeilingMs(attemptsMade, options.baseMs));
  const delayMs = Math.max(jittered, context.retryAfterMs ?? 0);
  const nextAttemptAtMs = context.nowMs + delayMs;
  if (nextAttemptAtMs > context.eventCreatedAtMs + options.giveUpAfterMs) return {};
  return { nextAttemptAtMs };
}
