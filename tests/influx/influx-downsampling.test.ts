/**
 * Retention policies, continuous queries and backfill on a real influxd, read back the way Grafana
 * reads them (InfluxQL over HTTP), and compared with the SQLite rollups of the same samples.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bucketStartMs } from '../../store/downsampling.ts';
import { openInfluxStore, type InfluxSeriesStore } from '../../store/influx/influx-series-store.ts';
import { CQ_PREFIX, goDurationMs } from '../../store/influx/influx-setup.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { SwarmSample } from '../../store/types.ts';
import { influxSkip, startInfluxd, type Influxd } from '../helpers/influxd.ts';

const A = 'a'.repeat(40);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const RETENTION = { rawMs: 30 * DAY, hourlyMs: 365 * DAY, dailyMs: 0 };

/** Grafana's datasource: GET /query?db=&q=&epoch=ms, values in the text. */
async function grafanaQuery(influxd: Influxd, db: string, q: string): Promise<[number, number][]> {
  const response = await fetch(`${influxd.url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`);
  const body = (await response.json()) as { results: { error?: string; series?: { values: [number, number][] }[] }[] };
  assert.equal(body.results[0]?.error, undefined, q);
  return body.results[0]?.series?.[0]?.values ?? [];
}

describe('InfluxDB retention policies and continuous queries', { skip: influxSkip() }, () => {
  let influxd: Influxd;
  const open = (db: string, retention = RETENTION): InfluxSeriesStore => openInfluxStore(parseInfluxUrl(influxd.storeUrl(db), db), { retention });
  before(async () => {
    influxd = await startInfluxd();
  });
  after(async () => influxd?.dispose());

  it('creates the policies and CQs once, idempotently, and follows a changed retention', async () => {
    const first = open('setup');
    await first.ready();
    await open('setup').ready();
    const [policies] = await first.client.query('SHOW RETENTION POLICIES ON "setup"');
    const rows = policies!.series![0]!.values!.map(([name, duration, , , isDefault]) => [name, goDurationMs(String(duration)), isDefault]);
    assert.deepEqual(rows.filter(([name]) => name !== 'autogen'), [['raw', 30 * DAY, true], ['hourly', 365 * DAY, false], ['daily', 0, false]]);
    const [queries] = await first.client.query('SHOW CONTINUOUS QUERIES');
    const ours = queries!.series!.find((series) => series.name === 'setup')!.values!;
    assert.equal(ours.length, 12, 'six measurements (swarm, swarm_tracker, swarm_geo, swarm_asn, swarm_client, mirror) × (hourly, daily)');
    assert.ok(ours.every(([name]) => String(name).startsWith(CQ_PREFIX)));
    for (const [name, text] of ours) {
      // Distinct counts survive downsampling: never averaged or summed, only the last value.
      assert.doesNotMatch(String(text), /(mean|sum|min|max)\("?unique_peers"?\)/, String(name));
      if (/^swarmscope_swarm_(hourly|daily)_/.test(String(name))) assert.match(String(text), /last\("?unique_peers"?\)/);
    }
    await open('setup', { ...RETENTION, rawMs: 7 * DAY }).ready();
    const [changed] = await first.client.query('SHOW RETENTION POLICIES ON "setup"');
    assert.equal(goDurationMs(String(changed!.series![0]!.values!.find(([name]) => name === 'raw')![1])), 7 * DAY);
  });

  it('answers a Grafana-style query over the hourly and daily policies after a backfill, as the SQLite rollups do', async () => {
    const store = open('grafana');
    const nowMs = Date.now();
    const startMs = bucketStartMs(nowMs - 5 * HOUR, HOUR);
    // Three full hours, a sweep every 15 minutes: dht_peers 10, 20, ... and a growing unique_peers.
    const samples: SwarmSample[] = Array.from({ length: 12 }, (_, i) => ({
      infohash: A,
      atMs: startMs + i * 15 * 60_000,
      values: { dht_peers: 10 * (i + 1), unique_peers: 100 + 7 * i },
    }));
    await store.writeSamples(samples);
    assert.ok((await store.backfill({ fromMs: startMs, toMs: startMs + 3 * HOUR - 1 })) > 0);

    const window = `"infohash" = '${A}' AND time >= ${startMs}ms AND time < ${startMs + 3 * HOUR}ms`;
    const hourlyMean = await grafanaQuery(influxd, 'grafana', `SELECT mean("dht_peers") FROM "hourly"."swarm" WHERE ${window} GROUP BY time(1h) fill(none)`);
    // Hour 0: 10..40 -> 25; hour 1: 50..80 -> 65; hour 2: 90..120 -> 105.
    assert.deepEqual(hourlyMean, [[startMs, 25], [startMs + HOUR, 65], [startMs + 2 * HOUR, 105]]);
    const hourlyMax = await grafanaQuery(influxd, 'grafana', `SELECT max("dht_peers_max") FROM "hourly"."swarm" WHERE ${window} GROUP BY time(1h) fill(none)`);
    assert.deepEqual(hourlyMax.map(([, value]) => value), [40, 80, 120]);
    const unique = await grafanaQuery(influxd, 'grafana', `SELECT last("unique_peers") FROM "hourly"."swarm" WHERE ${window} GROUP BY time(1h) fill(none)`);
    assert.deepEqual(unique.map(([, value]) => value), [121, 149, 177]);

    const daily = await grafanaQuery(influxd, 'grafana', `SELECT "dht_peers", "dht_peers_min", "dht_peers_max" FROM "daily"."swarm" WHERE "infohash" = '${A}' AND time >= ${startMs - DAY}ms`);
    const byDay = new Map<number, number[]>();
    for (const sample of samples) byDay.set(bucketStartMs(sample.atMs, DAY), [...(byDay.get(bucketStartMs(sample.atMs, DAY)) ?? []), sample.values.dht_peers!]);
    const expectedDaily = [...byDay].map(([dayMs, values]) => [dayMs, values.reduce((a, b) => a + b, 0) / values.length, Math.min(...values), Math.max(...values)]);
    assert.deepEqual(daily, expectedDaily);

    // The same samples in SQLite roll up to the same hourly means.
    const sqlite = openSqliteStore(':memory:', { upkeep: { rawRetentionMs: 0, hourlyRetentionMs: 0, dailyRetentionMs: 0, intervalMs: HOUR } });
    await sqlite.series.writeSamples(samples);
    await sqlite.upkeep!.run();
    const sqliteHourly = sqlite.db.prepare(`SELECT bucket_ms, mean FROM swarm_rollup WHERE metric = 'dht_peers' AND resolution_ms = ? ORDER BY bucket_ms`).raw().all(HOUR);
    assert.deepEqual(sqliteHourly, hourlyMean);
    await sqlite.close();
    await store.close();
  });

  it('downsamples a sample written after its hour was rolled up (a replayed spool) again', async () => {
    const store = open('late');
    const hourMs = bucketStartMs(Date.now() - 4 * HOUR, HOUR);
    await store.writeSamples([{ infohash: A, atMs: hourMs, values: { dht_peers: 10 } }]);
    await store.backfill({ fromMs: hourMs, toMs: hourMs });
    // Hours late: the CQ already ran for this hour; closing flushes the pending backfill.
    await store.writeSamples([{ infohash: A, atMs: hourMs + 60_000, values: { dht_peers: 30 } }]);
    await store.close();
    const q = `SELECT "dht_peers" FROM "hourly"."swarm" WHERE "infohash" = '${A}' AND time >= ${hourMs}ms AND time < ${hourMs + HOUR}ms`;
    assert.deepEqual(await grafanaQuery(influxd, 'late', q), [[hourMs, 20]]);
  });
});
