/** Series requests as people write them (shared by the API and `export`), and the duration/time parsing under them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDurationMs, parseDurationMs, parseTimeMs } from '../../core/duration.ts';
import { isSwarmscopeError } from '../../core/errors.ts';
import { bucketCount, defaultStepMs, resolveSeriesRequest, seriesToCsv, seriesToJson } from '../../store/series-request.ts';

const A = 'a'.repeat(40);
const NOW = Date.UTC(2026, 0, 2);
const H = 3_600_000;

function fails(code: string, pattern: RegExp) {
  return (error: unknown) => isSwarmscopeError(error) && error.code === code && pattern.test(error.message);
}

describe('durations', () => {
  it('reads units, compounds and bare seconds', () => {
    assert.equal(parseDurationMs('15m'), 900_000);
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
    assert.equal(parseDurationMs('300s'), 300_000);
    assert.equal(parseDurationMs('300'), 300_000);
    assert.equal(parseDurationMs('250ms'), 250);
    assert.equal(parseDurationMs('1.5h'), 5_400_000);
    assert.equal(parseDurationMs('7d'), 7 * 24 * H);
    assert.equal(parseDurationMs('2w'), 14 * 24 * H);
    assert.equal(parseDurationMs('0'), 0);
    assert.equal(parseDurationMs('90', undefined, { bareUnit: 'ms' }), 90);
  });

  it('names the option it came from and suggests a form that works', () => {
    assert.throws(() => parseDurationMs('15x', '--interval'), fails('invalid_config', /^--interval: "15x" is not a duration.*15m/));
    assert.throws(() => parseDurationMs('-5m'), fails('invalid_config', /not a duration/));
    assert.throws(() => parseDurationMs(''), fails('invalid_config', /not a duration/));
    assert.throws(() => parseDurationMs('20y'), fails('invalid_config', /not a duration/));
    assert.throws(() => parseDurationMs('11000d'), fails('invalid_config', /10 years/));
    assert.throws(() => parseDurationMs('x', 'step', { errorCode: 'invalid_request' }), fails('invalid_request', /^step: /));
  });

  it('prints the shortest exact spelling', () => {
    assert.equal(formatDurationMs(900_000), '15m');
    assert.equal(formatDurationMs(5_400_000), '90m');
    assert.equal(formatDurationMs(1500), '1500ms');
    assert.equal(formatDurationMs(0), '0s');
  });
});

describe('points in time', () => {
  it('reads ISO 8601 (UTC when no zone is given), now, relative times and epoch milliseconds', () => {
    assert.equal(parseTimeMs('now', NOW), NOW);
    assert.equal(parseTimeMs('-24h', NOW), NOW - 24 * H);
    assert.equal(parseTimeMs('now-1h', NOW), NOW - H);
    assert.equal(parseTimeMs('now+30m', NOW), NOW + H / 2);
    assert.equal(parseTimeMs('2026-01-01', NOW), Date.UTC(2026, 0, 1));
    assert.equal(parseTimeMs('2026-01-01T12:00', NOW), Date.UTC(2026, 0, 1, 12));
    assert.equal(parseTimeMs('2026-01-01T12:00:00+02:00', NOW), Date.UTC(2026, 0, 1, 10));
    assert.equal(parseTimeMs('2026-01-01T00:00:00.250Z', NOW), Date.UTC(2026, 0, 1) + 250);
    assert.equal(parseTimeMs('1767225600000', NOW), Date.UTC(2026, 0, 1));
  });

  it('refuses anything else with examples', () => {
    assert.throws(() => parseTimeMs('yesterday', NOW, '--from'), fails('invalid_config', /^--from: "yesterday" is not a time.*ISO 8601/));
    assert.throws(() => parseTimeMs('2026-01-01T25:00', NOW), fails('invalid_config', /not a time/));
    assert.throws(() => parseTimeMs('-3 parsecs', NOW), fails('invalid_config', /not a duration/));
  });
});

describe('series requests', () => {
  it('defaults to the last 24 h, avg, and a nice step giving at most 500 points', () => {
    const query = resolveSeriesRequest({ infohash: A.toUpperCase(), metric: 'dht_peers' }, { nowMs: NOW });
    assert.deepEqual(query, { infohash: A, metric: 'dht_peers', agg: 'avg', fromMs: NOW - 24 * H, toMs: NOW, stepMs: 300_000 });
    assert.ok(bucketCount(query.fromMs, query.toMs, query.stepMs) <= 500);
  });

  it('picks default steps from the nice ladder', () => {
    assert.equal(defaultStepMs(60_000), 1000);
    assert.equal(defaultStepMs(H), 10_000);
    assert.equal(defaultStepMs(7 * 24 * H), H / 2);
    assert.equal(defaultStepMs(365 * 24 * H), 86_400_000);
    assert.equal(defaultStepMs(10 * 365 * 24 * H), 2 * 604_800_000);
  });

  it('accepts explicit steps, 0 for raw samples, and relative or absolute bounds', () => {
    const query = resolveSeriesRequest(
      { infohash: A, metric: 'tracker_seeders', from: '2026-01-01', to: '-1h', step: '15m', agg: 'max' },
      { nowMs: NOW },
    );
    assert.deepEqual(query, { infohash: A, metric: 'tracker_seeders', agg: 'max', fromMs: Date.UTC(2026, 0, 1), toMs: NOW - H, stepMs: 900_000 });
    assert.equal(resolveSeriesRequest({ infohash: A, metric: 'dht_peers', step: '0' }, { nowMs: NOW }).stepMs, 0);
    assert.equal(resolveSeriesRequest({ infohash: A, metric: 'dht_peers', step: '3600' }, { nowMs: NOW }).stepMs, H);
  });

  it('names the field in every error', () => {
    const name = (field: string) => `querystring/${field}`;
    const resolve = (input: Record<string, string>) => resolveSeriesRequest({ infohash: A, metric: 'dht_peers', ...input }, { nowMs: NOW, fieldName: name, maxPoints: 10_000 });
    assert.throws(() => resolve({ metric: 'peers' }), fails('invalid_request', /^querystring\/metric: "peers" is not a metric; valid metrics: dht_peers, /));
    assert.throws(() => resolve({ agg: 'median' }), fails('invalid_request', /^querystring\/agg: .*avg, min, max/));
    assert.throws(() => resolve({ from: 'soon' }), fails('invalid_request', /^querystring\/from: /));
    assert.throws(() => resolve({ from: 'now', to: '-1h' }), fails('invalid_request', /querystring\/from .* is after querystring\/to/));
    assert.throws(() => resolve({ step: '500ms' }), fails('invalid_request', /querystring\/step must be 0 .* or at least 1s/));
    assert.throws(() => resolve({ step: '1s', from: '-30d' }), fails('invalid_request', /querystring\/step is too small .* use 300s or more/));
    assert.throws(() => resolve({ infohash: 'zz' }), fails('invalid_infohash', /not an infohash/));
  });

  it('does not cap the number of buckets unless asked (export may be long)', () => {
    const query = resolveSeriesRequest({ infohash: A, metric: 'dht_peers', step: '1s', from: '-30d' }, { nowMs: NOW });
    assert.equal(query.stepMs, 1000);
  });

  it('renders JSON with ISO times and the step in seconds, and CSV with a header', () => {
    const query = resolveSeriesRequest({ infohash: A, metric: 'dht_peers', step: '1h' }, { nowMs: NOW });
    const points: [number, number][] = [[Date.UTC(2026, 0, 1), 12], [Date.UTC(2026, 0, 1, 1), 0.5]];
    assert.deepEqual(seriesToJson(query, points), {
      infohash: A,
      metric: 'dht_peers',
      step: 3600,
      agg: 'avg',
      points: [['2026-01-01T00:00:00.000Z', 12], ['2026-01-01T01:00:00.000Z', 0.5]],
    });
    assert.equal(seriesToCsv(points), 'time,value\n2026-01-01T00:00:00.000Z,12\n2026-01-01T01:00:00.000Z,0.5\n');
    assert.equal(seriesToCsv([]), 'time,value\n');
  });
});
