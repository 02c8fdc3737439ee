/**
 * What every SeriesStore checks before it writes or reads, so that the SQLite and InfluxDB adapters
 * (and the spool, which must never hold a sample the store will refuse) accept and refuse the same
 * input with the same error codes.
 */
import { SwarmscopeError } from '../core/errors.ts';
import { parseInfohash } from '../core/infohash.ts';
import { AGGREGATIONS, SWARM_METRICS, isSwarmMetric, type RangeQuery, type SwarmSample, type SwarmValues } from './types.ts';

/** A finite number, else null: NaN or Infinity means a measurement went wrong and would poison every avg and sum. */
export function storedValue(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Throws `invalid_request` / `invalid_infohash`; returns the sample with a lowercase infohash and only finite values. */
export function normalizeSample(sample: SwarmSample): SwarmSample {
  if (!Number.isSafeInteger(sample.atMs) || sample.atMs < 0) {
    throw new SwarmscopeError('invalid_request', `sample time ${sample.atMs} is not a whole number of milliseconds since 1970`);
  }
  const unknown = Object.keys(sample.values).filter((key) => !isSwarmMetric(key));
  if (unknown.length > 0) {
    throw new SwarmscopeError('invalid_request', `unknown metric ${unknown.join(', ')} (known: ${SWARM_METRICS.join(', ')})`);
  }
  const values: SwarmValues = {};
  for (const metric of SWARM_METRICS) {
    const value = storedValue(sample.values[metric]);
    if (value !== null) values[metric] = value;
  }
  return { infohash: parseInfohash(sample.infohash), atMs: sample.atMs, values };
}

/**
 * Validates the whole batch first (all-or-nothing), then leaves out samples that measured nothing:
 * InfluxDB cannot store a point without fields, and an empty row would only hide the previous
 * sample from `latestSamples`, so both stores keep nothing for them.
 */
export function normalizeBatch(samples: readonly SwarmSample[]): SwarmSample[] {
  return samples.map(normalizeSample).filter((sample) => Object.keys(sample.values).length > 0);
}

export function validateQuery(query: RangeQuery): RangeQuery {
  if (!isSwarmMetric(query.metric)) {
    throw new SwarmscopeError('invalid_request', `unknown metric "${query.metric}" (known: ${SWARM_METRICS.join(', ')})`);
  }
  if (!(AGGREGATIONS as readonly string[]).includes(query.agg)) {
    throw new SwarmscopeError('invalid_request', `unknown aggregation "${query.agg}" (known: ${AGGREGATIONS.join(', ')})`);
  }
  if (!Number.isSafeInteger(query.stepMs) || query.stepMs < 0) {
    throw new SwarmscopeError('invalid_request', `step ${query.stepMs} ms is not a whole number >= 0`);
  }
  if (!Number.isFinite(query.fromMs) || !Number.isFinite(query.toMs)) {
    throw new SwarmscopeError('invalid_request', 'the range bounds must be finite times');
  }
  return { ...query, infohash: parseInfohash(query.infohash) };
}

/** A query's `limit` as a count of points, or undefined for no limit. */
export function pointLimit(query: RangeQuery): number | undefined {
  return query.limit === undefined ? undefined : Math.max(0, Math.trunc(query.limit));
}

/** The earliest and latest sample time of a non-empty batch (a loop: spreading a large batch into Math.min overflows the stack). */
export function timeSpan(samples: readonly SwarmSample[]): { earliestMs: number; latestMs: number } {
  let earliestMs = Infinity;
  let latestMs = -Infinity;
  for (const sample of samples) {
    earliestMs = Math.min(earliestMs, sample.atMs);
    latestMs = Math.max(latestMs, sample.atMs);
  }
  return { earliestMs, latestMs };
}
