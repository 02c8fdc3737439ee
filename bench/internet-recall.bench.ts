/**
 * Issue 12's first target: on the Internet profile of the sim (dead contacts, churn, long-tailed
 * RTT, loss, libtorrent's storage cap, upload budget and DoS blocker, mixed implementations), a
 * sweep of 1,000 torrents on 2,000 nodes with swarmscope's default politeness: recall per
 * swarm-size band against what the nodes store, IP blocks triggered, sweep time. Baseline in the
 * same run: the stock `bittorrent-dht` package (devDependency) looking up the same swarms, as hard
 * as it goes (its own concurrency), from another loopback address so its blocks cannot touch
 * swarmscope's. By default 100 torrents on 2,000 nodes (about 6 minutes, so `npm run bench` stays
 * under 20); `--torrents 1000` is the issue's full target run; `--quick` runs 15 torrents of at
 * most 800 peers on 300 nodes; `--budget 180` runs swarmscope's sweep as the collector paces it
 * to a 180-s budget (below). Prints figures; asserts nothing.
 *
 * Recall: swarmscope counts a peer only once two nodes returned it (collector/dht/corroboration.ts),
 * so its recall is against the peers two or more holders store (`corroborable`); the baseline
 * corroborates nothing, so it is shown against all stored peers as well.
 */
import { Socket } from 'node:dgram';
import { DhtClient } from '../collector/dht/dht-client.ts';
import { sweepLookupOptions } from '../collector/measurement-settings.ts';
import { PeerMemory } from '../collector/peer-memory.ts';
import { defaultStages } from '../collector/stages/default-stages.ts';
import { runSweep } from '../collector/sweep.ts';
import { bareWatchedTorrent } from '../collector/watchlist/bare-watched-torrent.ts';
import { DEFAULT_CONFIG } from '../core/config.ts';
import { mapWithConcurrency } from '../core/map-with-concurrency.ts';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.ts';
import { formatCount, reportResult } from './results.ts';
import { rssMiB, startBenchSim } from './sim-process.ts';

const QUICK = process.argv.includes('--quick');
/** `--torrents N` overrides the count (a sweep of 1,000 large swarms at libtorrent's politeness takes long). */
const torrentsFlag = process.argv.indexOf('--torrents');
const TORRENTS = torrentsFlag > 0 ? Number(process.argv[torrentsFlag + 1]) : QUICK ? 15 : 100;
const NODES = QUICK ? 300 : 2000;
/** Swarms of 10–3,000 peers (libtorrent's 500-peer cap matters above 500); quick runs keep them small so they stay quick. */
const MAX_PEERS = QUICK ? 800 : 3000;
/** Torrents looked up at once, by both clients: the sweep's concurrency (`--concurrency N`). */
const concurrencyFlag = process.argv.indexOf('--concurrency');
const CONCURRENCY = concurrencyFlag > 0 ? Number(process.argv[concurrencyFlag + 1]) : 64;
/**
 * `--budget S`: swarmscope's sweep runs as the collector paces it (collector/sweep-pace.ts): it
 * starts at the default 8 lookups at once and widens up to `--max-concurrency` (default 256) when
 * the torrents left would not be done within S seconds. Without it, CONCURRENCY throughout.
 */
const budgetFlag = process.argv.indexOf('--budget');
const BUDGET_MS = budgetFlag > 0 ? Number(process.argv[budgetFlag + 1]) * 1000 : undefined;
const maxConcurrencyFlag = process.argv.indexOf('--max-concurrency');
const MAX_CONCURRENCY = maxConcurrencyFlag > 0 ? Number(process.argv[maxConcurrencyFlag + 1]) : 256;
const OUR_CONCURRENCY = BUDGET_MS === undefined ? CONCURRENCY : DEFAULT_CONFIG.concurrency;
const pace = BUDGET_MS === undefined ? undefined : { maxConcurrency: MAX_CONCURRENCY, budgetMs: BUDGET_MS };
const BASELINE_TIMEOUT_MS = 60_000;
const BANDS = [
  { name: '≤100', max: 100 },
  { name: '101–500', max: 500 },
  { name: '501–3000', max: Infinity },
];

const sim = await startBenchSim(['--profile', 'internet', '--nodes', String(NODES), '--torrents', String(TORRENTS), '--seed', '12', '--min-peers', '10', '--max-peers', String(MAX_PEERS)]);
const bandOf = (peers: number) => BANDS.find((band) => peers <= band.max)!.name;
const blocksBy = (ip: string) => sim.stderrLines().filter((line) => line.startsWith('sim: block:') && line.includes(` ignores ${ip} `)).length;

// swarmscope: a sweep as `collect` runs it, with the default politeness (40 queries per IP per 10 s, 250 ms between queries to one node).
// Queries per node address during swarmscope's sweep (a bench-only tally around dgram's send): the
// busiest node's count over the 4 queries a second allowed to one IP is a floor on the sweep's time.
const datagramsToHost = new Map<string, number>();
const originalSend = Socket.prototype.send;
Socket.prototype.send = function tallied(this: Socket, ...args: unknown[]) {
  const host = args.find((arg, index) => index > 0 && typeof arg === 'string');
  if (typeof host === 'string') datagramsToHost.set(host, (datagramsToHost.get(host) ?? 0) + 1);
  return (originalSend as (...rest: unknown[]) => void).apply(this, args);
} as typeof Socket.prototype.send;
const store = openSqliteStore(':memory:');
const dht = await DhtClient.open({
  bindHost: '127.0.0.1',
  bindHost6: null,
  port: 0,
  bootstrap: sim.bootstrap,
  bootstrapTimeoutMs: 30_000,
  allowPrivateAddresses: true,
  loopbackOnly: true,
  queryTimeoutMs: DEFAULT_CONFIG.dhtQueryTimeoutMs,
  maxQueriesPerIpPer10s: DEFAULT_CONFIG.dhtMaxQueriesPerIpPer10s,
  lookup: sweepLookupOptions(DEFAULT_CONFIG),
});
await dht.bootstrap();
const report = await runSweep(sim.torrents.map((torrent) => bareWatchedTorrent(torrent.infohash)), { stages: defaultStages({ dht, peerMemory: new PeerMemory() }), series: store.series, concurrency: OUR_CONCURRENCY, pace });
const sweepSeconds = (report.finishedAtMs - report.startedAtMs) / 1000;
const ours = new Map(report.results.map((result) => [result.torrent.infohash, result.sample?.values.dht_peers ?? 0]));
const ourQueries = dht.counters.queriesSent;
Socket.prototype.send = originalSend;
const busiestNodeQueries = Math.max(0, ...datagramsToHost.values());
const perIpPerSec = DEFAULT_CONFIG.dhtMaxQueriesPerIpPer10s / 10;
await dht.close();
await store.close();
const ourRss = rssMiB();

// Baseline: stock bittorrent-dht, one lookup per torrent, every `peer` event counted once.
const StockDht = (await import('bittorrent-dht' as string)).default as new (options: Record<string, unknown>) => {
  listen(port: number, host: string, callback: () => void): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
  once(event: string, listener: (...args: unknown[]) => void): void;
  lookup(infohash: string, callback: (error: Error | null) => void): void;
  destroy(callback?: () => void): void;
};
const stock = new StockDht({ bootstrap: sim.bootstrap, host: '127.0.0.2' });
await new Promise<void>((resolve) => stock.listen(0, '127.0.0.2', resolve));
await new Promise<void>((resolve) => {
  stock.once('ready', () => resolve());
  setTimeout(resolve, 30_000).unref();
});
const theirs = new Map<string, Set<string>>(sim.torrents.map((torrent) => [torrent.infohash, new Set()]));
stock.on('peer', (peer, infohash) => theirs.get(Buffer.from(infohash as Uint8Array).toString('hex'))?.add(`${(peer as { host: string }).host}:${(peer as { port: number }).port}`));
const baselineStarted = performance.now();
await mapWithConcurrency(sim.torrents, CONCURRENCY, (torrent) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, BASELINE_TIMEOUT_MS);
    stock.lookup(torrent.infohash, () => {
      clearTimeout(timer);
      resolve();
    });
  }),
);
const baselineSeconds = (performance.now() - baselineStarted) / 1000;
await new Promise<void>((resolve) => stock.destroy(() => resolve()));

const rows = BANDS.map((band) => {
  const inBand = sim.torrents.filter((torrent) => bandOf(torrent.stored) === band.name);
  const sum = (pick: (torrent: (typeof inBand)[number]) => number) => inBand.reduce((total, torrent) => total + pick(torrent), 0);
  const corroborable = sum((torrent) => torrent.corroborable);
  const stored = sum((torrent) => torrent.stored);
  const found = sum((torrent) => Math.min(ours.get(torrent.infohash) ?? 0, torrent.corroborable));
  const baseline = sum((torrent) => Math.min(theirs.get(torrent.infohash)!.size, torrent.stored));
  return { band: band.name, torrents: inBand.length, stored, corroborable, recall: found / corroborable, baselineRecall: baseline / stored };
});
const percent = (value: number) => (Number.isFinite(value) ? `${(100 * value).toFixed(1)}%` : '–');
const ourWidth = pace ? `swarmscope paced to ${BUDGET_MS! / 1000} s (${OUR_CONCURRENCY} at once at first, up to ${report.peakConcurrency})` : `${CONCURRENCY} lookups at once`;
console.log(`Internet profile (sim/internet-profile.ts), ${NODES} nodes, ${TORRENTS} torrents of 10–${formatCount(MAX_PEERS)} peers, ${ourWidth}; stock bittorrent-dht ${CONCURRENCY} at once`);
console.log('band (stored peers) | torrents | stored | corroborable | swarmscope recall (of corroborable) | stock bittorrent-dht recall (of stored)');
for (const row of rows) console.log(`${row.band} | ${row.torrents} | ${row.stored} | ${row.corroborable} | ${percent(row.recall)} | ${percent(row.baselineRecall)}`);
console.log(`swarmscope: sweep ${sweepSeconds.toFixed(1)} s (${(TORRENTS / sweepSeconds).toFixed(1)} lookups/s), ${ourQueries} queries, ${blocksBy('127.0.0.1')} IP blocks, ${report.results.filter((result) => result.error).length} torrents not measured; RSS ${ourRss} MiB`);
console.log(`swarmscope: the busiest node was sent ${busiestNodeQueries} queries, ${(busiestNodeQueries / perIpPerSec).toFixed(0)} s at ${perIpPerSec} a second (a floor on the sweep's time); nodes sent 1,000 or more: ${[...datagramsToHost.values()].filter((count) => count >= 1000).length}`);
console.log(`stock bittorrent-dht: ${baselineSeconds.toFixed(1)} s (${(TORRENTS / baselineSeconds).toFixed(1)} lookups/s), ${blocksBy('127.0.0.2')} IP blocks`);
reportResult({
  nodes: NODES,
  torrents: TORRENTS,
  concurrency: CONCURRENCY,
  ...(pace ? { pace: { budgetMs: BUDGET_MS, startConcurrency: OUR_CONCURRENCY, maxConcurrency: MAX_CONCURRENCY, peakConcurrency: report.peakConcurrency } } : {}),
  bands: rows,
  swarmscope: { sweepSeconds, lookupsPerSec: TORRENTS / sweepSeconds, queries: ourQueries, busiestNodeQueries, blocks: blocksBy('127.0.0.1'), rssMiB: ourRss },
  stockBittorrentDht: { seconds: baselineSeconds, lookupsPerSec: TORRENTS / baselineSeconds, blocks: blocksBy('127.0.0.2') },
}, [
  ...rows.filter((row) => row.torrents > 0).map((row) => ({
    figure: `Internet-profile recall, swarms of ${row.band} stored peers (${row.torrents} of ${TORRENTS} torrents, ${NODES} nodes, ${ourWidth})`,
    value: `${percent(row.recall)} of corroborable`,
    baseline: `stock bittorrent-dht: ${percent(row.baselineRecall)} of stored`,
    target: '≥ 99%',
  })),
  {
    figure: `Internet-profile sweep of ${TORRENTS} torrents (${ourWidth}): time, IP blocks`,
    value: `${sweepSeconds.toFixed(1)} s (${(TORRENTS / sweepSeconds).toFixed(2)} lookups/s), ${blocksBy('127.0.0.1')} blocks`,
    baseline: `stock bittorrent-dht: ${baselineSeconds.toFixed(1)} s, ${blocksBy('127.0.0.2')} blocks`,
    target: '0 blocks; 1,000 torrents ≤ 3 min',
  },
]);
sim.stop();
process.exit(0);
