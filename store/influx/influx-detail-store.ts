/**
 * The DetailStore (store/types.ts) over InfluxDB: tagged series in the measurements swarm_tracker,
 * swarm_geo, swarm_asn and swarm_client (tags: infohash and the measurement's own tag; every value
 * a float field, see influx-schema.ts), downsampled by the same continuous queries as `swarm`; peer
 * sketches in `swarm_sketch` (influx-sketch-tables.ts, store/sketch-days.ts). Answers what the
 * SQLite store answers for the same data: the shared contract suite checks it.
 */
import { normalizeSketchBatch, normalizeTaggedBatch, validateSketchRange, validateTaggedQuery } from '../detail-validation.ts';
import { SketchDays } from '../sketch-days.ts';
import { TAGGED_MEASUREMENTS, type DetailStore, type SeriesPoint, type TaggedQuery } from '../types.ts';
import type { InfluxClient } from './influx-client.ts';
import { isBeyondRetention } from './influx-errors.ts';
import { createInfluxSketchTables } from './influx-sketch-tables.ts';
import { RAW_POLICY } from './influx-schema.ts';
import { durationLiteral, qualified, quoteIdent, timeParameter } from './influxql.ts';
import type { InfluxPoint } from './line-protocol.ts';

const POINTS_PER_WRITE = 5000;
const FUNCTION_OF = { avg: 'mean', min: 'min', max: 'max', sum: 'sum', count: 'count', first: 'first', last: 'last' } as const;

export interface InfluxDetailOptions {
  client: InfluxClient;
  ready: () => Promise<void>;
  /** Told each written batch's time span (late samples are downsampled again, see influx-late-writes.ts). */
  onWritten?: (earliestMs: number, latestMs: number) => void;
  /** Sweep sketches before this instant have expired with the raw policy; 0 = never. */
  sweepsKeptFromMs?: () => number;
}

/** One series per tag value: GROUP BY the measurement's tag (and time, when bucketed; fill(none) as for `swarm`). */
export function taggedSelect(database: string, query: TaggedQuery): string {
  const source = qualified(database, RAW_POLICY, query.measurement);
  const tag = quoteIdent(TAGGED_MEASUREMENTS[query.measurement].tag);
  const where = `WHERE "infohash" = $infohash AND time >= $from AND time <= $to`;
  if (query.stepMs === 0) return `SELECT ${quoteIdent(query.field)} FROM ${source} ${where} GROUP BY ${tag}`;
  const value = `${FUNCTION_OF[query.agg]}(${quoteIdent(query.field)})`;
  return `SELECT ${value} FROM ${source} ${where} GROUP BY time(${durationLiteral(query.stepMs)}), ${tag} fill(none)`;
}

export function createInfluxDetailStore(options: InfluxDetailOptions): DetailStore {
  const { client, ready } = options;
  const days = new SketchDays(createInfluxSketchTables(client, ready), options.sweepsKeptFromMs);
  return {
    async writeTagged(samples) {
      const normalized = normalizeTaggedBatch(samples);
      if (normalized.length === 0) return;
      await ready();
      let earliestMs = Infinity;
      let latestMs = -Infinity;
      const points: InfluxPoint[] = normalized.map((sample) => {
        earliestMs = Math.min(earliestMs, sample.atMs);
        latestMs = Math.max(latestMs, sample.atMs);
        const tags = { infohash: sample.infohash, [TAGGED_MEASUREMENTS[sample.measurement].tag]: sample.tag };
        return { measurement: sample.measurement, tags, fields: sample.values as Record<string, number>, timestamp: sample.atMs };
      });
      for (let start = 0; start < points.length; start += POINTS_PER_WRITE) {
        try {
          await client.write(points.slice(start, start + POINTS_PER_WRITE), RAW_POLICY);
        } catch (error) {
          if (!isBeyondRetention((error as Error).cause)) throw error;
        }
      }
      options.onWritten?.(earliestMs, latestMs);
    },

    async queryTagged(query) {
      const valid = validateTaggedQuery(query);
      if (valid.toMs < 0) return new Map();
      await ready();
      const [result] = await client.query(taggedSelect(client.database, valid), {
        infohash: valid.infohash,
        from: timeParameter(valid.fromMs),
        to: timeParameter(valid.toMs),
      });
      const tagKey = TAGGED_MEASUREMENTS[valid.measurement].tag;
      const series = new Map<string, SeriesPoint[]>();
      for (const found of result?.series ?? []) {
        const tag = found.tags?.[tagKey];
        const points = (found.values ?? []).filter((row) => typeof row[1] === 'number').map((row): SeriesPoint => [row[0] as number, row[1] as number]);
        if (tag !== undefined && points.length > 0) series.set(tag, points);
      }
      return new Map([...series].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    },

    async writeSketches(samples) {
      await days.write(normalizeSketchBatch(samples));
    },

    async mergedSketch(infohash, fromMs, toMs) {
      return days.merged(validateSketchRange(infohash, fromMs, toMs), fromMs, toMs);
    },
  };
}
