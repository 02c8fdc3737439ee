/**
 * How series are downsampled, shared by both stores so that the SQLite rollups and the InfluxDB
 * continuous queries keep the same things: per metric and bucket the mean, min and max, except
 * for distinct counts over a growing window (`unique_peers`), which keep only the last value.
 *
 * Why `unique_peers` is never averaged or summed: a peer seen in several sweeps would be counted
 * several times. Its last value in a bucket is the count "since watching began" at the bucket's
 * end, which stays exact at any resolution. When the peers/privacy work stores mergeable
 * HyperLogLog sketches, the sketch of a bucket will be the union of its sweeps' sketches, merged by
 * swarmscope itself (neither SQL nor a continuous query can merge sketches), and a distinct count
 * over any range will come from merging the stored sketches of that range.
 */
import type { SwarmMetric } from './types.ts';

export type DownsampleRule = 'mean_min_max' | 'last';

/** Metrics whose downsampled value is the bucket's last one; every other metric keeps mean, min and max. */
export const LAST_VALUE_METRICS: readonly SwarmMetric[] = ['unique_peers'];

export function downsampleRule(metric: string): DownsampleRule {
  return (LAST_VALUE_METRICS as readonly string[]).includes(metric) ? 'last' : 'mean_min_max';
}

export interface RollupResolution {
  name: 'hourly' | 'daily';
  /** Bucket width; buckets start at multiples of it since the epoch, as query buckets do. */
  bucketMs: number;
}

export const HOURLY: RollupResolution = { name: 'hourly', bucketMs: 3_600_000 };
export const DAILY: RollupResolution = { name: 'daily', bucketMs: 86_400_000 };
export const ROLLUP_RESOLUTIONS: readonly RollupResolution[] = [HOURLY, DAILY];

export function bucketStartMs(atMs: number, bucketMs: number): number {
  return Math.floor(atMs / bucketMs) * bucketMs;
}
