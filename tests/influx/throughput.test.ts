/**
 * Figures, not limits: write throughput of SQLite and InfluxDB for sweep-sized batches, and how fast
 * a spool drains into InfluxDB. Printed as diagnostics; the assertions only catch a collapse.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SwarmscopeError } from '../../core/errors.ts';
import { openInfluxStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { SpoolingSeriesStore } from '../../store/spool/spooling-series-store.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { SeriesStore, SwarmSample } from '../../store/types.ts';
import { influxdForTest, influxSkip } from '../helpers/influxd.ts';
import { temporaryFolder } from '../helpers/temporary-folder.ts';

const TORRENTS = Array.from({ length: 1000 }, (_, i) => createHash('sha1').update(`throughput ${i}`).digest('hex'));
const SWEEPS = 30;
const DAY = 86_400_000;
const RETENTION = { rawMs: 30 * DAY, hourlyMs: 365 * DAY, dailyMs: 0 };

/** Sweep n of 1000 torrents, 15 minutes apart, ending now. */
function sweep(n: number): SwarmSample[] {
  const atMs = Date.now() - (SWEEPS - n) * 900_000;
  return TORRENTS.map((infohash, i) => ({ infohash, atMs, values: { dht_peers: i + n, dht_peers_v4: i, dht_peers_v6: n, dht_nodes: 30, new_peers: 1, lookup_ms: 800 } }));
}

async function samplesPerSecond(store: SeriesStore): Promise<number> {
  const startedMs = performance.now();
  for (let n = 0; n < SWEEPS; n++) await store.writeSamples(sweep(n));
  return Math.round((SWEEPS * TORRENTS.length) / ((performance.now() - startedMs) / 1000));
}

describe('store throughput', { skip: influxSkip() }, () => {
  const folder = temporaryFolder('swarmscope-throughput-');

  it('writes sweeps of 1,000 torrents to SQLite and InfluxDB, and drains a spool', async (t) => {
    const influxd = await influxdForTest(t);
    const sqlite = openSqliteStore(join(folder, 'throughput.db'));
    const sqliteRate = await samplesPerSecond(sqlite.series);
    await sqlite.close();
    const url = influxd.storeUrl('throughput');
    const influx = openInfluxStore(parseInfluxUrl(url, url), { retention: RETENTION });
    await influx.ready();
    const influxRate = await samplesPerSecond(influx);
    t.diagnostic(`write throughput, ${SWEEPS} sweeps × ${TORRENTS.length} torrents: SQLite ${sqliteRate} samples/s, InfluxDB ${influxRate} samples/s`);

    let down = true;
    const switchable: SeriesStore = {
      kind: 'influx',
      writeSamples: (samples) => (down ? Promise.reject(new SwarmscopeError('store_unavailable', 'down')) : influx.writeSamples(samples)),
      latestSamples: (infohashes) => influx.latestSamples(infohashes),
      querySeries: (query) => influx.querySeries(query),
      close: () => influx.close(),
    };
    const spool = SpoolingSeriesStore.open(switchable, { path: join(folder, 'throughput.spool'), maxBytes: 256 << 20, retryMinMs: 20, retryMaxMs: 20 });
    const spoolRate = await samplesPerSecond(spool);
    const spooled = spool.depth();
    down = false;
    const startedMs = performance.now();
    await spool.drained();
    const replayRate = Math.round(spool.depth().replayedSamples / ((performance.now() - startedMs) / 1000));
    t.diagnostic(`spool: appends ${spoolRate} samples/s (fsync per sweep), ${spooled.records} records / ${(spooled.bytes / 1e6).toFixed(1)} MB; replays ${replayRate} samples/s into InfluxDB`);
    await spool.close();
    for (const rate of [sqliteRate, influxRate, spoolRate, replayRate]) assert.ok(rate > 2000, `${rate} samples/s`);
  });
});
