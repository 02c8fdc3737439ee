/**
 * The `mirror` series in both stores: the same writes answer the same queries in SQLite
 * (`mirror_series`) and in a real InfluxDB (`mirror` measurement, tag `mirror`); and a real check
 * of a loopback mirror lands in InfluxDB where a Grafana panel would read it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createInfluxClient } from '../../store/influx/influx-client.ts';
import { MIRROR_MEASUREMENT } from '../../store/influx/influx-schema.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { MIRROR_METRICS, type MirrorSeriesStore } from '../../store/mirror-series.ts';
import { openMirrorSeries } from '../../store/mirror-series-open.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { influxSkip, startInfluxd, type Influxd } from '../helpers/influxd.ts';
import { openCheckerFixture } from './checker-fixture.ts';
import { buildMultiFileTorrent } from './multi-file-torrent.ts';
import { startMirrorServer } from './mirror-server.ts';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const KEEP_EVERYTHING = { rawRetentionMs: 0, hourlyRetentionMs: 0, dailyRetentionMs: 0 };
const M = 'mir_contract';

function contract(name: string, open: () => Promise<MirrorSeriesStore>): void {
  it(`${name}: raw and bucketed answers, nulls left out, idempotent writes`, async () => {
    const series = await open();
    await series.writeMirrorSamples([
      { mirrorId: M, atMs: T0, values: { up: 1, status: 200, latency_ms: 40, bytes: 71_000, pieces_verified: 2, pieces_failed: 0 } },
      { mirrorId: M, atMs: T0 + 5 * MIN, values: { up: 1, status: 200, latency_ms: 60, bytes: 71_000, pieces_verified: null, pieces_failed: null } },
      { mirrorId: M, atMs: T0 + 10 * MIN, values: { up: 0, status: null, latency_ms: null, bytes: null } },
      { mirrorId: 'mir_other', atMs: T0, values: { up: 0, status: 451 } },
    ]);
    // Written twice (a retry): one sample; the null does not erase the measured status.
    await series.writeMirrorSamples([{ mirrorId: M, atMs: T0, values: { up: 1, status: null } }]);
    const range = { mirrorId: M, fromMs: T0, toMs: T0 + 15 * MIN };
    assert.deepEqual(await series.queryMirrorSeries({ ...range, metric: 'up', stepMs: 0, agg: 'last' }), [[T0, 1], [T0 + 5 * MIN, 1], [T0 + 10 * MIN, 0]]);
    assert.deepEqual(await series.queryMirrorSeries({ ...range, metric: 'status', stepMs: 0, agg: 'last' }), [[T0, 200], [T0 + 5 * MIN, 200]], 'no answer: no status, never 0');
    assert.deepEqual(await series.queryMirrorSeries({ ...range, metric: 'pieces_verified', stepMs: 0, agg: 'last' }), [[T0, 2]]);
    assert.deepEqual(await series.queryMirrorSeries({ ...range, metric: 'up', stepMs: 15 * MIN, agg: 'avg' }), [[T0, 2 / 3]], 'availability');
    assert.deepEqual(await series.queryMirrorSeries({ ...range, metric: 'latency_ms', stepMs: 10 * MIN, agg: 'max' }), [[T0, 60]]);
    assert.deepEqual(await series.queryMirrorSeries({ ...range, metric: 'up', stepMs: 10 * MIN, agg: 'last' }), [[T0, 1], [T0 + 10 * MIN, 0]]);
    assert.deepEqual(await series.queryMirrorSeries({ ...range, metric: 'up', stepMs: 10 * MIN, agg: 'count' }), [[T0, 2], [T0 + 10 * MIN, 1]]);
    assert.deepEqual(await series.queryMirrorSeries({ ...range, mirrorId: 'mir_unknown', metric: 'up', stepMs: 0, agg: 'last' }), []);
    await assert.rejects(series.queryMirrorSeries({ ...range, mirrorId: 'x" OR 1=1', metric: 'up', stepMs: 0, agg: 'last' }), /not a mirror id/);
  });
}

describe('mirror series', () => {
  it('the contract\'s metrics are the fields of the InfluxDB `mirror` measurement', () => {
    assert.deepEqual([...MIRROR_METRICS].sort(), Object.keys(MIRROR_MEASUREMENT.fields).sort());
    assert.deepEqual(MIRROR_MEASUREMENT.tags, ['mirror']);
  });

  contract('SQLite', async () => {
    const store = openSqliteStore(':memory:');
    after(() => store.close());
    return openMirrorSeries({ store: 'sqlite::memory:', ...KEEP_EVERYTHING }, store.db);
  });

  describe('InfluxDB', { skip: influxSkip() }, () => {
    let influxd: Influxd;
    before(async () => {
      influxd = await startInfluxd();
    });
    after(async () => influxd?.dispose());
    const stateDb = () => {
      const store = openSqliteStore(':memory:');
      after(() => store.close());
      return store.db;
    };

    contract('InfluxDB', async () => openMirrorSeries({ store: influxd.storeUrl('mirror_contract'), ...KEEP_EVERYTHING }, stateDb()));

    it('a real check of a loopback mirror is written to the `mirror` measurement, tagged with the mirror id', async () => {
      const torrent = buildMultiFileTorrent();
      const server = await startMirrorServer(torrent);
      const series = openMirrorSeries({ store: influxd.storeUrl('mirror_checks'), ...KEEP_EVERYTHING }, stateDb());
      const f = openCheckerFixture(torrent, { series });
      try {
        const id = f.add({ url: `${server.base}/good/`, infohash: torrent.infohash });
        const [result] = await f.checker.checkAll({ force: true });
        const at = result!.check.atMs;
        assert.deepEqual(await series.queryMirrorSeries({ mirrorId: id, metric: 'pieces_verified', fromMs: at - MIN, toMs: at + MIN, stepMs: 0, agg: 'last' }), [[at, 5]]);
        // What a Grafana panel runs: the measurement and tag by name.
        const url = influxd.storeUrl('mirror_checks');
        const client = createInfluxClient(parseInfluxUrl(url, url));
        const [answer] = await client.query('SELECT "up", "status", "bytes", "pieces_failed" FROM "mirror" WHERE "mirror" = $mirror', { mirror: id });
        assert.deepEqual(answer?.series?.[0]?.values, [[at, 1, 200, 71_000, 0]]);
      } finally {
        await f.close();
        await server.close();
      }
    });
  });
});
