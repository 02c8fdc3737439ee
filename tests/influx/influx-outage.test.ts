/**
 * The store outage: sweeps keep coming every 250 ms while influxd is stopped for 30 s and then
 * started again on the same port and data. Every sample written before, during and after the
 * outage must be in InfluxDB exactly once, in the values written.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openInfluxStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { SpoolingSeriesStore } from '../../store/spool/spooling-series-store.ts';
import type { SwarmSample } from '../../store/types.ts';
import { influxdForTest, influxSkip } from '../helpers/influxd.ts';
import { temporaryFolder } from '../helpers/temporary-folder.ts';

const OUTAGE_MS = 30_000;
const SWEEP_EVERY_MS = 250;
const TORRENTS = Array.from({ length: 20 }, (_, i) => createHash('sha1').update(`outage ${i}`).digest('hex'));
const DAY = 86_400_000;

describe('a 30 s InfluxDB outage in the middle of repeated sweeps', { skip: influxSkip() }, () => {
  const folder = temporaryFolder('swarmscope-outage-');

  it('loses nothing and duplicates nothing: the spool takes the outage and replays it in order', async (t) => {
    const influxd = await influxdForTest(t);
    const url = influxd.storeUrl('outage');
    const influx = openInfluxStore(parseInfluxUrl(url, url), { retention: { rawMs: 30 * DAY, hourlyMs: 365 * DAY, dailyMs: 0 }, requestTimeoutMs: 5000 });
    await influx.ready();
    const warnings: string[] = [];
    const log = { warn: (_: unknown, message: string) => warnings.push(message), error: (_: unknown, message: string) => warnings.push(message), info: () => {} };
    const store = SpoolingSeriesStore.open(influx, { path: join(folder, 'series.spool'), maxBytes: 64 << 20, retryMinMs: 200, retryMaxMs: 1000, log: log as never });

    const written: SwarmSample[] = [];
    let lastAtMs = 0;
    const sweepFor = async (durationMs: number): Promise<number> => {
      const endMs = Date.now() + durationMs;
      let sweeps = 0;
      while (Date.now() < endMs) {
        lastAtMs = Math.max(Date.now(), lastAtMs + 1);
        const batch = TORRENTS.map((infohash, i): SwarmSample => ({ infohash, atMs: lastAtMs, values: { dht_peers: written.length + i, dht_nodes: 8 } }));
        await store.writeSamples(batch);
        written.push(...batch);
        sweeps += 1;
        await new Promise((resolve) => setTimeout(resolve, SWEEP_EVERY_MS));
      }
      return sweeps;
    };

    const before = await sweepFor(3000);
    assert.equal(store.depth().records, 0, 'nothing spooled while the store is up');
    await influxd.stop();
    const during = await sweepFor(OUTAGE_MS);
    const depth = store.depth();
    t.diagnostic(`outage: ${during} sweeps, ${depth.records} records (${depth.bytes} bytes) spooled`);
    assert.ok(depth.records >= during - 1, 'the outage went to the spool');
    assert.ok(warnings.some((message) => /store unreachable: spooling/.test(message)));

    await influxd.start();
    const restartedMs = Date.now();
    const afterwards = await sweepFor(3000);
    await store.drained();
    const replayMs = Date.now() - restartedMs;
    t.diagnostic(`sweeps before/during/after: ${before}/${during}/${afterwards}; ${store.depth().replayedSamples} samples replayed within ${replayMs} ms of the restart`);
    assert.equal(store.depth().records, 0);

    const [counts] = await influx.client.query('SELECT count("dht_peers") FROM "outage"."raw"."swarm" GROUP BY "infohash"');
    const sweeps = before + during + afterwards;
    assert.equal(counts!.series!.length, TORRENTS.length);
    for (const series of counts!.series!) assert.equal(series.values![0]![1], sweeps, `points of ${series.tags!.infohash}`);
    for (const infohash of TORRENTS) {
      const expected = written.filter((sample) => sample.infohash === infohash).map((sample) => [sample.atMs, sample.values.dht_peers]);
      const stored = await store.querySeries({ infohash, metric: 'dht_peers', fromMs: 0, toMs: Date.now() + 1000, stepMs: 0, agg: 'avg' });
      assert.deepEqual(stored, expected, `every sample of ${infohash}, once, with its value`);
    }
    await store.close();
  });
});
