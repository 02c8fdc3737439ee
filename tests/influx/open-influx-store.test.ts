/** `--store influx://…` through openStore: state in SQLite beside it, and a collector that starts while InfluxDB is down. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { STATE_DB_FILE, openStore } from '../../store/open-store.ts';
import { influxdForTest, influxSkip } from '../helpers/influxd.ts';
import { temporaryFolder } from '../helpers/temporary-folder.ts';

const A = 'a'.repeat(40);
const DAY = 86_400_000;

describe('openStore with an InfluxDB URL', { skip: influxSkip() }, () => {
  const folder = temporaryFolder('swarmscope-open-influx-');

  it('keeps state in <dataDir>/swarmscope-state.db, and a collector opened while InfluxDB is down spools until it is back', async (t) => {
    const influxd = await influxdForTest(t);
    await influxd.stop();
    const dataDir = join(folder, 'data');
    const store = await openStore(influxd.storeUrl('opened'), {
      dataDir,
      retention: { rawMs: 30 * DAY, hourlyMs: 365 * DAY, dailyMs: 0 },
      spool: { maxBytes: 1 << 20, name: 'series-shard-0-of-1' },
    });
    try {
      assert.equal(store.kind, 'influx');
      assert.equal(store.stateDb.name, join(dataDir, STATE_DB_FILE));
      store.registry.add({ infohash: A, label: 'state' });
      assert.equal(store.registry.get(A)?.label, 'state');
      assert.ok(existsSync(join(dataDir, 'spool', 'series-shard-0-of-1.spool')));

      await store.series.writeSamples([{ infohash: A, atMs: Date.now(), values: { dht_peers: 12 } }]);
      assert.equal(store.spool!.depth().records, 1, 'spooled, not lost, not thrown');
      await influxd.start();
      await store.spool!.drained();
      assert.equal((await store.series.latestSamples([A])).get(A)?.values.dht_peers, 12);
    } finally {
      await store.close();
    }
  });
});
