/**
 * SeriesStore over InfluxDB 1.x (`swarm` measurement, tag `infohash`, one float field per measured
 * metric). It answers exactly what the SQLite store answers for the same data (the shared contract
 * suite checks it): InfluxDB merges a point written twice at the same time and tags field by field,
 * which is the SQLite upsert's "a later value corrects, a null (an absent field) never erases".
 *
 * The store may be opened while InfluxDB is down (a collector then spools): the database setup is
 * retried before each operation until it succeeds once.
 */
import { parseInfohash } from '../../core/infohash.ts';
import { normalizeBatch, pointLimit, timeSpan, validateQuery } from '../series-validation.ts';
import { SWARM_METRICS, type DetailStore, type SeriesPoint, type SeriesStore, type SwarmSample, type SwarmValues } from '../types.ts';
import { backfillDownsamples, type BackfillRange } from './influx-backfill.ts';
import { createInfluxClient, type InfluxClient } from './influx-client.ts';
import { createInfluxDetailStore } from './influx-detail-store.ts';
import { isBeyondRetention, type InfluxSeries } from './influx-errors.ts';
import { LateWriteBackfill } from './influx-late-writes.ts';
import { RAW_POLICY, SWARM_MEASUREMENT } from './influx-schema.ts';
import { setupInfluxDatabase, type InfluxRetention } from './influx-setup.ts';
import type { InfluxLocation } from './influx-url.ts';
import { qualified, rangeSelect, timeParameter } from './influxql.ts';
import type { InfluxPoint } from './line-protocol.ts';

/** Points per HTTP write: well under InfluxDB's 25 MB body limit, few enough requests per sweep. */
export const INFLUX_WRITE_BATCH_POINTS = 5000;
/** Infohashes per latestSamples statement: keeps the query text short. */
const LATEST_CHUNK = 200;

export interface InfluxStoreOptions {
  retention: InfluxRetention;
  requestTimeoutMs?: number;
  /** Told when a background backfill of late samples fails (it is retried with the next late write). */
  onBackgroundError?: (error: unknown) => void;
}

export interface InfluxSeriesStore extends SeriesStore, DetailStore {
  readonly kind: 'influx';
  readonly client: InfluxClient;
  /** Creates the database, retention policies and CQs if needed; rejects with store_unavailable while unreachable. */
  ready(): Promise<void>;
  /** Recomputes the hourly and daily policies over a range of history (what the CQs would have written). */
  backfill(range: BackfillRange): Promise<number>;
  /** Samples InfluxDB dropped because they were older than the raw policy keeps. */
  readonly droppedBeyondRetention: number;
}

export function openInfluxStore(location: InfluxLocation, options: InfluxStoreOptions): InfluxSeriesStore {
  const client = createInfluxClient(location, { requestTimeoutMs: options.requestTimeoutMs });
  const source = qualified(location.database, RAW_POLICY, SWARM_MEASUREMENT.name);
  let setup: Promise<void> | undefined;
  let droppedBeyondRetention = 0;

  const ready = (): Promise<void> => {
    setup ??= setupInfluxDatabase(client, options.retention).catch((error: unknown) => {
      setup = undefined;
      throw error;
    });
    return setup;
  };
  const backfill = async (range: BackfillRange): Promise<number> => {
    await ready();
    return backfillDownsamples(client, range, options.retention);
  };
  const late = new LateWriteBackfill(backfill, options.onBackgroundError ?? (() => {}));

  async function writeChunk(samples: readonly SwarmSample[]): Promise<void> {
    const points: InfluxPoint[] = samples.map((sample) => ({
      measurement: SWARM_MEASUREMENT.name,
      tags: { infohash: sample.infohash },
      fields: sample.values as Record<string, number>,
      timestamp: sample.atMs,
    }));
    try {
      await client.write(points, RAW_POLICY);
    } catch (error) {
      // Older than the raw policy keeps: InfluxDB drops those points and writes the rest. Retrying
      // (from the spool) could never succeed, and the data would have expired by now anyway.
      if (!isBeyondRetention((error as Error).cause)) throw error;
      droppedBeyondRetention += samples.length;
    }
  }

  return {
    kind: 'influx',
    client,
    ready,
    // Tagged series and peer sketches (issue 4): influx-detail-store.ts.
    ...createInfluxDetailStore({
      client,
      ready,
      onWritten: (earliestMs, latestMs) => late.note(earliestMs, latestMs),
      sweepsKeptFromMs: () => (options.retention.rawMs > 0 ? Date.now() - options.retention.rawMs : 0),
    }),
    backfill,
    get droppedBeyondRetention() {
      return droppedBeyondRetention;
    },

    async writeSamples(samples) {
      const normalized = normalizeBatch(samples);
      if (normalized.length === 0) return;
      await ready();
      for (let start = 0; start < normalized.length; start += INFLUX_WRITE_BATCH_POINTS) {
        await writeChunk(normalized.slice(start, start + INFLUX_WRITE_BATCH_POINTS));
      }
      const span = timeSpan(normalized);
      late.note(span.earliestMs, span.latestMs);
    },

    async latestSamples(infohashes) {
      const wanted = infohashes?.map((hash) => parseInfohash(hash));
      if (wanted?.length === 0) return new Map();
      await ready();
      const latest = new Map<string, SwarmSample>();
      const chunks = wanted === undefined ? [undefined] : chunk([...new Set(wanted)], LATEST_CHUNK);
      for (const hashes of chunks) {
        const placeholders = Object.fromEntries((hashes ?? []).map((hash, index) => [`h${index}`, hash]));
        const where = hashes ? ` WHERE ${hashes.map((_, index) => `"infohash" = $h${index}`).join(' OR ')}` : '';
        // LIMIT applies per series, so this is the newest point of each torrent in one statement.
        const statement = `SELECT * FROM ${source}${where} GROUP BY "infohash" ORDER BY time DESC LIMIT 1`;
        const [result] = await client.query(statement, placeholders);
        for (const series of result?.series ?? []) {
          const sample = seriesToSample(series);
          if (sample) latest.set(sample.infohash, sample);
        }
      }
      return latest;
    },

    async querySeries(query) {
      const { infohash, metric, agg, fromMs, toMs, stepMs } = validateQuery(query);
      const limit = pointLimit(query);
      if (limit === 0 || toMs < 0) return [];
      await ready();
      const statement = rangeSelect({ database: location.database, policy: RAW_POLICY, measurement: SWARM_MEASUREMENT.name, field: metric, agg, stepMs, limit });
      const [result] = await client.query(statement, { infohash, from: timeParameter(fromMs), to: timeParameter(toMs) });
      const values = result?.series?.[0]?.values ?? [];
      return values.filter((row) => typeof row[1] === 'number').map((row): SeriesPoint => [row[0] as number, row[1] as number]);
    },

    async close() {
      // Late samples written just before closing (a one-shot collector draining its spool) still get downsampled.
      if (late.hasPending) await late.flush();
    },
  };
}

function seriesToSample(series: InfluxSeries): SwarmSample | undefined {
  const row = series.values?.[0];
  const infohash = series.tags?.infohash;
  if (!row || !infohash) return undefined;
  const values: SwarmValues = {};
  for (const metric of SWARM_METRICS) {
    const index = series.columns.indexOf(metric);
    const value = index >= 0 ? row[index] : null;
    values[metric] = typeof value === 'number' ? value : null;
  }
  return { infohash, atMs: row[series.columns.indexOf('time')] as number, values };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
