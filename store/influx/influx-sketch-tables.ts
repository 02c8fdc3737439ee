/**
 * The SketchTables of store/sketch-days.ts in InfluxDB: measurement `swarm_sketch`, tag
 * `infohash`, one string field `hll` holding the base64 of a serialized sketch (core/hyperloglog.ts,
 * at most 16,386 bytes, so under InfluxDB's 64 KiB string limit). Sweep sketches go to the `raw`
 * policy and expire with it; day unions go to the `daily` policy at the day's start and live as
 * long as daily rollups. `swarm_sketch` is deliberately not in MEASUREMENTS: a continuous query
 * cannot merge sketches (swarmscope does, in store/sketch-days.ts).
 */
import { DAY_MS, type SketchTables } from '../sketch-days.ts';
import type { SketchSample } from '../types.ts';
import type { InfluxClient } from './influx-client.ts';
import { isBeyondRetention } from './influx-errors.ts';
import { DOWNSAMPLE_POLICIES, RAW_POLICY } from './influx-schema.ts';
import { qualified, timeParameter } from './influxql.ts';
import type { InfluxPoint } from './line-protocol.ts';

export const SKETCH_MEASUREMENT = 'swarm_sketch';
const SKETCH_FIELD = 'hll';
const DAY_POLICY = DOWNSAMPLE_POLICIES.find((policy) => policy.bucketMs === DAY_MS)!.name;
/** A dense sketch is ~22 KB of base64: 500 points keep a write body near 11 MB, under InfluxDB's 25 MB. */
const SKETCH_POINTS_PER_WRITE = 500;

export function createInfluxSketchTables(client: InfluxClient, ready: () => Promise<void>): SketchTables {
  const source = (policy: string): string => qualified(client.database, policy, SKETCH_MEASUREMENT);

  async function write(policy: string, rows: readonly SketchSample[]): Promise<void> {
    await ready();
    for (let start = 0; start < rows.length; start += SKETCH_POINTS_PER_WRITE) {
      const points: InfluxPoint[] = rows.slice(start, start + SKETCH_POINTS_PER_WRITE).map((row) => ({
        measurement: SKETCH_MEASUREMENT,
        tags: { infohash: row.infohash },
        fields: { [SKETCH_FIELD]: row.sketch.toString('base64') },
        timestamp: row.atMs,
      }));
      try {
        await client.write(points, policy);
      } catch (error) {
        // Older than the policy keeps: dropped by InfluxDB, as the `swarm` writes are.
        if (!isBeyondRetention((error as Error).cause)) throw error;
      }
    }
  }

  async function read(policy: string, infohash: string, fromMs: number, toMs: number): Promise<[number, Buffer][]> {
    await ready();
    const statement = `SELECT "${SKETCH_FIELD}" FROM ${source(policy)} WHERE "infohash" = $infohash AND time >= $from AND time <= $to`;
    const [result] = await client.query(statement, { infohash, from: timeParameter(fromMs), to: timeParameter(toMs) });
    return (result?.series?.[0]?.values ?? [])
      .filter((row) => typeof row[1] === 'string')
      .map((row): [number, Buffer] => [row[0] as number, Buffer.from(row[1] as string, 'base64')]);
  }

  async function torrentsIn(policy: string, dayMs: number): Promise<Set<string>> {
    await ready();
    const statement = `SELECT count("${SKETCH_FIELD}") FROM ${source(policy)} WHERE time >= $from AND time < $to GROUP BY "infohash"`;
    const [result] = await client.query(statement, { from: timeParameter(dayMs), to: timeParameter(dayMs + DAY_MS) });
    return new Set((result?.series ?? []).flatMap((series) => (series.tags?.infohash ? [series.tags.infohash] : [])));
  }

  return {
    writeSweeps: (samples) => write(RAW_POLICY, samples),
    writeDays: (rows) => write(DAY_POLICY, rows),
    readSweeps: async (infohash, fromMs, toMs) => (await read(RAW_POLICY, infohash, fromMs, toMs)).map(([, sketch]) => sketch),
    readDays: async (infohash, fromDayMs, toDayMs) => new Map(await read(DAY_POLICY, infohash, fromDayMs, toDayMs)),
    torrentsWithSweeps: (dayMs) => torrentsIn(RAW_POLICY, dayMs),
    torrentsWithDay: (dayMs) => torrentsIn(DAY_POLICY, dayMs),
  };
}
