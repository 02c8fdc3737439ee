/**
 * The `mirror` series in InfluxDB: measurement `mirror` (store/influx/influx-schema.ts), tag
 * `mirror` = the mirror id, one float field per measured value, written to the `raw` policy; the
 * continuous queries that downsample `swarm` cover `mirror` too (an hourly mean of `up` is the
 * availability). The database setup is the swarm store's, run lazily here as well, so the first
 * mirror write works even when the checker starts before any sweep was written.
 */
import { createInfluxClient } from './influx/influx-client.ts';
import { MIRROR_MEASUREMENT, RAW_POLICY } from './influx/influx-schema.ts';
import { setupInfluxDatabase, type InfluxRetention } from './influx/influx-setup.ts';
import type { InfluxLocation } from './influx/influx-url.ts';
import { rangeSelect, timeParameter } from './influx/influxql.ts';
import type { InfluxPoint } from './influx/line-protocol.ts';
import { checkMirrorId, normalizeMirrorSamples, type MirrorSeriesStore } from './mirror-series.ts';
import type { SeriesPoint } from './types.ts';

export function createInfluxMirrorSeries(location: InfluxLocation, retention: InfluxRetention): MirrorSeriesStore {
  const client = createInfluxClient(location);
  let setup: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    setup ??= setupInfluxDatabase(client, retention).catch((error: unknown) => {
      setup = undefined;
      throw error;
    });
    return setup;
  };

  return {
    kind: 'influx',
    async writeMirrorSamples(samples) {
      const normalized = normalizeMirrorSamples(samples);
      if (normalized.length === 0) return;
      await ready();
      const points: InfluxPoint[] = normalized.map((sample) => ({
        measurement: MIRROR_MEASUREMENT.name,
        tags: { mirror: sample.mirrorId },
        fields: sample.values as Record<string, number>,
        timestamp: sample.atMs,
      }));
      await client.write(points, RAW_POLICY);
    },
    async queryMirrorSeries(query) {
      const limit = query.limit === undefined ? undefined : Math.max(0, Math.trunc(query.limit));
      if (limit === 0 || query.toMs < 0) return [];
      await ready();
      const statement = rangeSelect({
        database: location.database,
        policy: RAW_POLICY,
        measurement: MIRROR_MEASUREMENT.name,
        field: query.metric,
        agg: query.agg,
        stepMs: query.stepMs,
        limit,
        tag: 'mirror',
      });
      const parameters = { mirror: checkMirrorId(query.mirrorId), from: timeParameter(query.fromMs), to: timeParameter(query.toMs) };
      const [result] = await client.query(statement, parameters);
      const rows = result?.series?.[0]?.values ?? [];
      return rows.filter((row) => typeof row[1] === 'number').map((row): SeriesPoint => [row[0] as number, row[1] as number]);
    },
  };
}
