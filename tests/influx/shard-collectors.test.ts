/**
 * Scale-out through real processes: a loopback sim with 30 torrents, three `swarmscope collect
 * --once --shard i/3` collectors writing one InfluxDB, then `serve` on top of it. Every torrent is
 * swept by exactly one collector, and InfluxDB holds one sample for each.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openInfluxStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { runCli, startApiProcess, startSimProcess } from '../helpers/child-processes.ts';
import { influxdForTest, influxSkip } from '../helpers/influxd.ts';
import { temporaryFolder } from '../helpers/temporary-folder.ts';

describe('collect --shard i/3 with three collectors on one InfluxDB', { skip: influxSkip() }, () => {
  const folder = temporaryFolder('swarmscope-shards-');

  it('covers a 30-torrent watchlist exactly once, and serve reads any shard\'s torrents', async (t) => {
    const influxd = await influxdForTest(t);
    const sim = await startSimProcess(t, ['--nodes', '200', '--torrents', '30', '--seed', '21', '--min-peers', '5', '--max-peers', '80']);
    assert.equal(sim.torrents.length, 30);
    const watchlist = join(folder, 'watchlist.json');
    writeFileSync(watchlist, JSON.stringify(sim.torrents.map((torrent) => ({ infohash: torrent.infohash, label: `sim ${torrent.peers}` }))));
    const store = influxd.storeUrl('shards');
    const common = ['--once', '--json', '--store', store, '--watch', watchlist, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--dht-node-query-gap', '0', '--dht-query-timeout', '500'];

    const results = await Promise.all(
      [0, 1, 2].map((index) => runCli(['collect', ...common, '--shard', `${index}/3`, '--data-dir', join(folder, `collector-${index}`)])),
    );
    const swept = results.map((result, index) => {
      assert.equal(result.code, 0, `shard ${index}/3: ${result.stderr}`);
      const json = JSON.parse(result.stdout) as { torrents: { infohash: string; dhtPeers: number | null }[] };
      return json.torrents;
    });
    t.diagnostic(`shard sizes: ${swept.map((torrents) => torrents.length).join(', ')}; slowest ${Math.max(...results.map((result) => result.durationMs))} ms`);
    const all = swept.flat().map((torrent) => torrent.infohash);
    assert.equal(all.length, 30, 'no overlap: 30 sweeps in total');
    assert.deepEqual(new Set(all), new Set(sim.torrents.map((torrent) => torrent.infohash)), 'no gap: every torrent swept');
    assert.ok(swept.every((torrents) => torrents.length > 0), 'each collector had work');

    const influx = openInfluxStore(parseInfluxUrl(store, store), { retention: { rawMs: 30 * 86_400_000, hourlyMs: 365 * 86_400_000, dailyMs: 0 } });
    const latest = await influx.latestSamples();
    assert.equal(latest.size, 30);
    for (const torrent of swept.flat()) assert.equal(latest.get(torrent.infohash)?.values.dht_peers ?? null, torrent.dhtPeers);
    const [counts] = await influx.client.query('SELECT count("dht_nodes") FROM "shards"."raw"."swarm" GROUP BY "infohash"');
    assert.ok(counts!.series!.every((series) => series.values![0]![1] === 1), 'one sample per torrent');

    // serve: no collector, no spool; the state (watchlist) of a collector's data dir, the series from InfluxDB.
    const owned = swept[2]![0]!;
    const api = await startApiProcess(t, ['serve', '--store', store, '--data-dir', join(folder, 'collector-0')]);
    const response = await fetch(`${api.url}/api/v1/torrents/${owned.infohash}/series?metric=dht_peers&from=-1h&step=0`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as { points: [string, number][] };
    assert.deepEqual(body.points.map(([, value]) => value), [owned.dhtPeers]);
    await api.process.stop();
  });
});
