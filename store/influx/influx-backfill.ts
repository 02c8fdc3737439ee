/**
 * Downsamples history the continuous queries never saw: data that was in the database before the
 * CQs existed, or that arrived after its bucket's CQ ran (a spool replayed after an outage). It runs
 * the CQs' own SELECT … INTO (influxql.ts) over an explicit time range, in chunks so no single
 * statement reads too much; writing a bucket again replaces it, so running twice is harmless.
 */
import type { InfluxClient } from './influx-client.ts';
import { DOWNSAMPLE_POLICIES, MEASUREMENTS, RAW_POLICY } from './influx-schema.ts';
import type { InfluxRetention } from './influx-setup.ts';
import { downsampleSelect, timeParameter } from './influxql.ts';

/** Buckets per statement: a week of hours, or about four months of days. */
const BUCKETS_PER_CHUNK = 168;

export interface BackfillRange {
  fromMs: number;
  toMs: number;
}

/** Recomputes every hourly and daily bucket that [fromMs, toMs] touches. Returns the statements run. */
export async function backfillDownsamples(
  client: InfluxClient,
  range: BackfillRange,
  retention: InfluxRetention,
  nowMs: number = Date.now(),
): Promise<number> {
  let statements = 0;
  for (const policy of DOWNSAMPLE_POLICIES) {
    const keepMs = policy.name === 'hourly' ? retention.hourlyMs : retention.dailyMs;
    // Buckets the target policy would drop at once are not written (InfluxDB refuses them as a partial write).
    const oldestMs = keepMs === 0 ? 0 : nowMs - keepMs + policy.bucketMs;
    const startMs = Math.floor(Math.max(range.fromMs, oldestMs, 0) / policy.bucketMs) * policy.bucketMs;
    const endMs = (Math.floor(range.toMs / policy.bucketMs) + 1) * policy.bucketMs;
    const chunkMs = policy.bucketMs * BUCKETS_PER_CHUNK;
    for (let chunkStartMs = startMs; chunkStartMs < endMs; chunkStartMs += chunkMs) {
      const chunkEndMs = Math.min(chunkStartMs + chunkMs, endMs);
      for (const schema of MEASUREMENTS) {
        const select = downsampleSelect(client.database, RAW_POLICY, schema, policy, 'WHERE time >= $from AND time < $to');
        await client.execute(select, { from: timeParameter(chunkStartMs), to: timeParameter(chunkEndMs) });
        statements += 1;
      }
    }
  }
  return statements;
}
