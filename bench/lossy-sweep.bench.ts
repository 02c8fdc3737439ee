/**
 * Issue 3's target: a sweep of 1,000 torrents on a 2,000-node sim with 50 ms RTT, jitter and 10%
 * loss, from one process, with recall against ground truth. Swarms of 10–500 peers (most watched
 * torrents; larger swarms are counted by BEP 33 and harvested at a polite pace, see sweep.bench).
 * Baseline in the same run: the same sweep with fixed 2 s timeouts (the stock bittorrent-dht
 * behaviour this client replaces), over the first 100 torrents, scaled to 1,000.
 * `--quick`: 100 torrents on 500 nodes, baseline over the first 10.
 */
import { bareWatchedTorrent } from '../collector/watchlist/bare-watched-torrent.ts';
import { DhtClient } from '../collector/dht/dht-client.ts';
import { PeerMemory } from '../collector/peer-memory.ts';
import { defaultStages } from '../collector/stages/default-stages.ts';
import { runSweep } from '../collector/sweep.ts';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.ts';
import type { WatchedTorrent } from '../store/types.ts';
import { reportResult } from './results.ts';
import { rssMiB, startBenchSim } from './sim-process.ts';

const QUICK = process.argv.includes('--quick');
const TORRENTS = QUICK ? 100 : 1000;
const NODES = QUICK ? 500 : 2000;
const sim = await startBenchSim(['--nodes', String(NODES), '--torrents', String(TORRENTS), '--seed', '9', '--min-peers', '10', '--max-peers', '500', '--loss', '0.1', '--rtt-ms', '50']);
const store = openSqliteStore(':memory:');
const torrents: WatchedTorrent[] = sim.torrents.map((torrent) => bareWatchedTorrent(torrent.infohash));
const truth = new Map(sim.torrents.map((torrent) => [torrent.infohash, torrent.peers]));

async function sweepWith(subset: WatchedTorrent[], adaptiveTimeouts: boolean, concurrency: number) {
  const dht = await DhtClient.open({
    bindHost: '127.0.0.1',
    bindHost6: null,
    port: 0,
    bootstrap: sim.bootstrap,
    bootstrapTimeoutMs: 10_000,
    allowPrivateAddresses: true,
    loopbackOnly: true,
    queryTimeoutMs: 2000,
    adaptiveTimeouts,
  });
  await dht.bootstrap();
  const report = await runSweep(subset, { stages: defaultStages({ dht, peerMemory: new PeerMemory() }), series: store.series, concurrency });
  const found = report.results.reduce((sum, result) => sum + (result.sample?.values.dht_peers ?? 0), 0);
  const expected = subset.reduce((sum, torrent) => sum + truth.get(torrent.infohash)!, 0);
  const seconds = (report.finishedAtMs - report.startedAtMs) / 1000;
  const result = { seconds, recall: found / expected, queries: dht.counters.queriesSent, timeouts: dht.counters.timeouts, failed: report.results.filter((entry) => entry.error).length };
  await dht.close();
  return result;
}

const fixed = await sweepWith(torrents.slice(0, TORRENTS / 10), false, 64);
const adaptive = await sweepWith(torrents, true, 64);
console.log(`${NODES}-node sim, 50 ms RTT ± jitter, 10% loss; ${TORRENTS} swarms, ${[...truth.values()].reduce((a, b) => a + b, 0)} peers`);
console.log(
  `sweep of ${TORRENTS} torrents, 64 at once: ${adaptive.seconds.toFixed(1)} s, recall ${(100 * adaptive.recall).toFixed(2)}%, ` +
    `${adaptive.queries} queries, ${adaptive.timeouts} timeouts, ${adaptive.failed} failed; collector RSS ${rssMiB()} MiB`,
);
const fixedPerAll = fixed.seconds * 10;
console.log(
  `baseline, fixed 2 s timeouts: ${fixed.seconds.toFixed(1)} s for ${TORRENTS / 10} torrents (≈ ${fixedPerAll.toFixed(0)} s per ${TORRENTS}), recall ${(100 * fixed.recall).toFixed(2)}%; ` +
    `adaptive timeouts are ${(fixedPerAll / adaptive.seconds).toFixed(1)}× faster`,
);
reportResult({ torrents: TORRENTS, nodes: NODES, seconds: adaptive.seconds, recall: adaptive.recall, fixedTimeoutSeconds: fixedPerAll }, [
  {
    figure: `sweep of ${TORRENTS} torrents of 10–500 peers, ${NODES}-node sim with 50 ms RTT and 10% loss, 64 at once`,
    value: `${adaptive.seconds.toFixed(1)} s, recall ${(100 * adaptive.recall).toFixed(2)}%`,
    baseline: `fixed 2 s timeouts: ≈ ${fixedPerAll.toFixed(0)} s (${(fixedPerAll / adaptive.seconds).toFixed(1)}× slower)`,
  },
]);
await store.close();
sim.stop();
