/** `swarmscope export` reads either store and prints the same CSV and JSON for the same samples. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openStore } from '../../store/open-store.ts';
import type { SwarmSample } from '../../store/types.ts';
import { runCli } from '../helpers/child-processes.ts';
import { influxdForTest, influxSkip } from '../helpers/influxd.ts';
import { temporaryFolder } from '../helpers/temporary-folder.ts';

const A = 'a'.repeat(40);
const HOUR = 3_600_000;
const T0 = Math.floor((Date.now() - 6 * HOUR) / HOUR) * HOUR;
/** Every 10 minutes for 3 h; one sweep did not measure dht_peers (null, not 0). */
const SAMPLES: SwarmSample[] = Array.from({ length: 18 }, (_, i) => ({ infohash: A, atMs: T0 + i * 600_000, values: { dht_peers: i === 7 ? null : i * 3, dht_nodes: 20 } }));

describe('swarmscope export from SQLite and from InfluxDB', { skip: influxSkip() }, () => {
  const folder = temporaryFolder('swarmscope-export-');

  it('prints identical CSV and JSON from both stores', async (t) => {
    const influxd = await influxdForTest(t);
    const stores = [`sqlite:${join(folder, 'export.db')}`, influxd.storeUrl('export')];
    for (const url of stores) {
      const store = await openStore(url, { dataDir: join(folder, 'data') });
      await store.series.writeSamples(SAMPLES);
      await store.close();
    }
    const window = ['--infohash', A, '--metric', 'dht_peers', '--from', new Date(T0).toISOString(), '--to', new Date(T0 + 3 * HOUR - 1).toISOString()];
    const exportFrom = async (url: string, extra: string[]): Promise<string> => {
      const result = await runCli(['export', ...window, ...extra, '--store', url, '--data-dir', join(folder, 'data')]);
      assert.equal(result.code, 0, result.stderr);
      return result.stdout;
    };
    // The data and gaps are identical; the methods record differs only where it should (the store, the instant it was made).
    const withoutMethods = (text: string): string =>
      text.startsWith('{') ? JSON.stringify({ ...(JSON.parse(text) as object), methods: undefined }) : text.split('\n').filter((line) => !line.startsWith('# methods.')).join('\n');
    for (const extra of [['--step', '1h', '--agg', 'max'], ['--step', '0', '--format', 'json'], ['--step', '1h', '--format', 'json']]) {
      const [fromSqlite, fromInflux] = await Promise.all(stores.map((url) => exportFrom(url, extra)));
      assert.equal(withoutMethods(fromInflux!), withoutMethods(fromSqlite!), `export ${extra.join(' ')}`);
      if (extra.includes('json')) assert.deepEqual([fromSqlite!, fromInflux!].map((text) => (JSON.parse(text) as { methods: { store: string } }).methods.store), ['sqlite', 'influx']);
    }
    const csv = withoutMethods(await exportFrom(stores[1]!, ['--step', '1h', '--agg', 'max']));
    // Hour 0: 0..15 -> 15; hour 1: 18, (null), 24..33 -> 33; hour 2: 36..51 -> 51.
    assert.equal(csv, `time,value\n${[15, 33, 51].map((value, hour) => `${new Date(T0 + hour * HOUR).toISOString()},${value}`).join('\n')}\n`);
    const raw = JSON.parse(await exportFrom(stores[1]!, ['--step', '0', '--format', 'json'])) as { points: [string, number][]; step: number };
    assert.equal(raw.step, 0);
    assert.equal(raw.points.length, 17, 'the unmeasured sweep is absent, not 0');
  });
});
