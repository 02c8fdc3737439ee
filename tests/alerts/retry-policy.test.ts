import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffCeilingMs, nextRetry, parseRetryAfterMs } from '../../api/webhooks/retry-policy.ts';

const S = 1000;
const H = 3_600_000;

test('the schedule grows from 5 s to hours, then stays at 8 h', () => {
  const ceilings = Array.from({ length: 11 }, (_, i) => backoffCeilingMs(i + 1, 5 * S));
  assert.deepEqual(ceilings, [5 * S, 30 * S, 120 * S, 600 * S, 1800 * S, H, 2 * H, 4 * H, 8 * H, 8 * H, 8 * H]);
  assert.equal(backoffCeilingMs(1, 10), 10, 'tests shrink the whole schedule with the base');
});

test('full jitter: the delay is uniform in [0, ceiling]', () => {
  const options = { baseMs: 5 * S, giveUpAfterMs: 24 * H };
  const at = (random: number) => nextRetry(3, { nowMs: 1_000_000, eventCreatedAtMs: 1_000_000 }, { ...options, random: () => random }).nextAttemptAtMs;
  assert.equal(at(0), 1_000_000);
  assert.equal(at(0.5), 1_000_000 + 60 * S);
  assert.equal(at(0.999999), 1_000_000 + 120 * S - 1);
});

test('Retry-After is a floor, in seconds or as an HTTP date', () => {
  const nowMs = Date.UTC(2026, 0, 2);
  assert.equal(parseRetryAfterMs('120', nowMs), 120 * S);
  assert.equal(parseRetryAfterMs(' 0 ', nowMs), 0);
  assert.equal(parseRetryAfterMs('Fri, 02 Jan 2026 00:10:00 GMT', nowMs), 600 * S);
  assert.equal(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:00 GMT', nowMs), 0, 'a date in the past means now');
  assert.equal(parseRetryAfterMs('soon', nowMs), undefined);
  assert.equal(parseRetryAfterMs(undefined, nowMs), undefined);
  const decision = nextRetry(1, { nowMs, eventCreatedAtMs: nowMs, retryAfterMs: 600 * S }, { baseMs: 5 * S, giveUpAfterMs: 24 * H, random: () => 0.5 });
  assert.equal(decision.nextAttemptAtMs, nowMs + 600 * S);
});

test('gives up once the next attempt would fall after the horizon', () => {
  const created = 0;
  const options = { baseMs: 5 * S, giveUpAfterMs: 24 * H, random: () => 1 };
  assert.ok(nextRetry(9, { nowMs: 15 * H, eventCreatedAtMs: created }, options).nextAttemptAtMs);
  assert.deepEqual(nextRetry(9, { nowMs: 17 * H, eventCreatedAtMs: created }, options), {});
  assert.deepEqual(nextRetry(1, { nowMs: 0, eventCreatedAtMs: created, retryAfterMs: 25 * H }, options), {}, 'a Retry-After past the horizon');
});
