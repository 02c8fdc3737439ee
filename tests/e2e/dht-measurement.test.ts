/**
 * DHT measurement you can cite (issue 3), against the loopback sim in its own process:
 * BEP 33 estimates against ground truth, IPv6 (BEP 32) on ::1, and a hostile network.
 * The collector runs in this process so its counters and memory can be inspected.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { bareWatchedTorrent } from '../../collector/watchlist/bare-watched-torrent.ts';
import type { DhtClientOptions } from '../../collector/dht/dht-client.ts';
import { loopbackDhtClient } from '../helpers/loopback-dht-client.ts';
import { PeerMemory } from '../../collector/peer-memory.ts';
import { defaultStages } from '../../collector/stages/default-stages.ts';
import { runSweep, type SweepReport } from '../../collector/sweep.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { WatchedTorrent } from '../../store/types.ts';
import { startSimProcess } from '../helpers/child-processes.ts';

function watched(torrents: { infohash: string }[]): WatchedTorrent[] {
  return torrents.map((torrent) => bareWatchedTorrent(torrent.infohash));
}

async function collector(t: TestContext, bootstrap: string[], overrides: Partial<DhtClientOptions> = {}) {
  // Hostile nodes name contacts anywhere: the helper keeps every query on this machine.
  const dht = await loopbackDhtClient(t, bootstrap, { bindHost6: '::1', ...overrides });
  const store = openSqliteStore(':memory:');
  t.after(() => store.close());
  const peerMemory = new PeerMemory();
  return { dht, sweep: (torrents: WatchedTorrent[]): Promise<SweepReport> => runSweep(torrents, { stages: defaultStages({ dht, peerMemory }), series: store.series, concurrency: 8 }) };
}

const valuesOf = (report: SweepReport, infohash: string) => report.results.find((result) => result.torrent.infohash === infohash)!.sample!.values;

test('BEP 33: merged scrape estimates are within 10% of ground truth for swarms of 100–3,000, including swarms larger than one reply', async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '500', '--torrents', '8', '--seed', '33', '--min-peers', '100', '--max-peers', '3000']);
  const { sweep } = await collector(t, sim.bootstrap, { bindHost6: null });
  const report = await sweep(watched(sim.torrents));
  for (const truth of sim.torrents) {
    const values = valuesOf(report, truth.infohash);
    t.diagnostic(`${truth.peers} peers (${truth.seeds} seeds): BEP 33 ${values.bep33_peers} peers, ${values.bep33_seeders} seeders from ${values.bep33_nodes} nodes; dht_peers ${values.dht_peers}`);
    assert.ok(values.bep33_nodes! >= 4, 'most of the k closest answered the scrape');
    assert.equal(values.bep33_saturated, 0);
    assert.ok(Math.abs(values.bep33_peers! - truth.peers) <= 0.1 * truth.peers, `bep33_peers ${values.bep33_peers} vs ${truth.peers}`);
    if (truth.seeds >= 100) assert.ok(Math.abs(values.bep33_seeders! - truth.seeds) <= 0.1 * truth.seeds, `bep33_seeders ${values.bep33_seeders} vs ${truth.seeds}`);
  }
});

test('IPv6 (BEP 32) on ::1: peers announced over IPv6 are counted in dht_peers_v6', async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '200', '--torrents', '4', '--seed', '32', '--min-peers', '20', '--max-peers', '600', '--ipv6']);
  const announcement = sim;
  assert.ok(announcement.bootstrap6.length > 0, 'the sim lists IPv6 bootstrap nodes');
  const { dht, sweep } = await collector(t, [...sim.bootstrap, ...announcement.bootstrap6]);
  assert.deepEqual(dht.joinedFamilies.sort(), [4, 6]);
  const report = await sweep(watched(announcement.torrents));
  for (const truth of announcement.torrents) {
    const values = valuesOf(report, truth.infohash);
    assert.ok(truth.peersV6 > 0, 'the sim gave this torrent IPv6 peers');
    assert.equal(values.dht_peers_v4, truth.peers);
    assert.equal(values.dht_peers_v6, truth.peersV6);
    assert.equal(values.dht_peers, truth.peers + truth.peersV6);
  }
});

function heapUsedAfterGcMiB(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

test('hostile network: with 10% hostile nodes, counts stay within 1% of the honest ground truth, without crash or unbounded growth', async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '1000', '--torrents', '10', '--seed', '66', '--min-peers', '50', '--max-peers', '2000', '--hostile', '0.1']);
  const { dht, sweep } = await collector(t, sim.bootstrap, { bindHost6: null });
  const torrents = watched(sim.torrents);
  const heapsMiB: number[] = [];
  for (let round = 0; round < 3; round++) {
    const report = await sweep(torrents);
    for (const truth of sim.torrents) {
      const values = valuesOf(report, truth.infohash);
      assert.ok(values.dht_peers! <= truth.peers * 1.01 && values.dht_peers! >= truth.peers * 0.99, `round ${round}: ${values.dht_peers} vs honest ${truth.peers}`);
    }
    heapsMiB.push(heapUsedAfterGcMiB());
  }
  const counters = dht.counters;
  t.diagnostic(
    `dropped: malformed datagrams ${counters.malformedDropped}, unexpected ${counters.unexpectedDropped}, bogon values ${counters.bogonValuesDropped}, malformed values ${counters.malformedValuesDropped}, ` +
      `far-node values ${counters.valuesFromFarNodes}, suspect values ${counters.valuesFromSuspects}, nodes over cap ${counters.nodesOverCap}, non-loopback refused ${counters.nonLoopbackRefused}; ` +
      `suspects ${counters.suspectNodes}; heap after GC per round ${heapsMiB.map((heap) => heap.toFixed(1)).join(', ')} MiB`,
  );
  assert.ok(counters.suspectNodes > 0, 'nodes returning values for every infohash were flagged');
  assert.ok(counters.bogonValuesDropped + counters.malformedDropped > 0, 'hostile input was seen and dropped');
  assert.ok(heapsMiB[2]! < heapsMiB[0]! * 1.5 + 20, `heap grows: ${heapsMiB.join(', ')}`);
});
