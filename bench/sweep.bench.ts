/**
 * A sweep of 100 watched torrents on a 1,000-node loopback sim (swarms of 10–2,000 peers), with
 * the default polite harvest pace (250 ms between queries to one node). Prints the sweep time, DHT
 * queries, recall against the sim's ground truth, and the collector's RSS. Baseline in the same
 * run: the same sweep with lookups one at a time, over the first 10 torrents, scaled to 100.
 * `--quick`: 20 torrents on 300 nodes, 8 at once.
 */
import { bareWatchedTorrent } from '../collector/watchlist/bare-watched-torrent.ts';
import { DhtClient } from '../collector/dht/dht-client.ts';
import { PeerMemory } from '../collector/peer-memory.ts';
import { defaultStages } from '../collector/stages/default-stages.ts';
import { runSweep } from '../collector/sweep.ts';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.ts';
import type { WatchedTorrent } from '../store/types.ts';
import { type TableRow, reportResult } from './results.ts';
import { rssMiB, startBenchSim } from './sim-process.ts';

const QUICK = process.argv.includes('--quick');
const TORRENTS = QUICK ? 20 : 100;
const NODES = QUICK ? 300 : 1000;
const sim = await startBenchSim(['--nodes', String(NODES), '--torrents', String(TORRENTS), '--seed', '5', '--min-peers', '10', '--max-peers', '2000']);
const store = openSqliteStore(':memory:');
const rssStartMiB = rssMiB();
const dht = await DhtClient.open({
  bindHost: '127.0.0.1',
  port: 0,
  bootstrap: sim.bootstrap,
  bootstrapTimeoutMs: 10_000,
  allowPrivateAddresses: true,
  queryTimeoutMs: 1000,
});
await dht.bootstrap();
const torrents: WatchedTorrent[] = sim.torrents.map((torrent) => bareWatchedTorrent(torrent.infohash));
const truth = new Map(sim.torrents.map((torrent) => [torrent.infohash, torrent.peers]));

async function sweep(subset: WatchedTorrent[], concurrency: number) {
  const sentBefore = dht.counters.queriesSent;
  const report = await runSweep(subset, { stages: defaultStages({ dht, peerMemory: new PeerMemory() }), series: store.series, concurrency });
  const found = report.results.reduce((sum, result) => sum + (result.sample?.values.dht_peers ?? 0), 0);
  const expected = subset.reduce((sum, torrent) => sum + truth.get(torrent.infohash)!, 0);
  return { seconds: (report.finishedAtMs - report.startedAtMs) / 1000, queries: dht.counters.queriesSent - sentBefore, recall: found / expected, failed: report.results.filter((result) => result.error).length };
}

const serial = await sweep(torrents.slice(0, 10), 1);
const serialPer100 = serial.seconds * (TORRENTS / 10);
const rows: string[] = [];
const tableRows: TableRow[] = [];
for (const concurrency of QUICK ? [8] : [8, 32]) {
  const result = await sweep(torrents, concurrency);
  tableRows.push({
    figure: `friendly-sim sweep of ${TORRENTS} torrents of 10–2,000 peers (${NODES} nodes), ${concurrency} at once`,
    value: `${result.seconds.toFixed(1)} s, recall ${(100 * result.recall).toFixed(2)}%`,
    baseline: `one lookup at a time: ≈ ${serialPer100.toFixed(0)} s per 100 (${(serialPer100 / result.seconds).toFixed(1)}× slower)`,
  });
  rows.push(
    `sweep of ${TORRENTS} torrents, ${concurrency} at once: ${result.seconds.toFixed(1)} s, ${result.queries} queries, recall ${(100 * result.recall).toFixed(2)}%, ` +
      `${result.failed} failed, ${(serialPer100 / result.seconds).toFixed(1)}× faster than one at a time`,
  );
}
if (global.gc) global.gc();
console.log(`${NODES}-node sim, ${sim.torrents.reduce((sum, torrent) => sum + torrent.peers, 0)} peers in ${TORRENTS} swarms of 10–2,000`);
console.log(`baseline, one lookup at a time: ${serial.seconds.toFixed(1)} s for 10 torrents (≈ ${serialPer100.toFixed(0)} s per 100), recall ${(100 * serial.recall).toFixed(2)}%`);
for (const row of rows) console.log(row);
console.log(`collector RSS: ${rssStartMiB} MiB before, ${rssMiB()} MiB after the sweeps (${dht.knownNodeCount} nodes known)`);
reportResult({ torrents: TORRENTS, nodes: NODES, serialSecondsPer100: serialPer100 }, tableRows);
await dht.close();
await store.close();
sim.stop();
