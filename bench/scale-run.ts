/**
 * One size of the scale benchmark (bench/scale.bench.ts), in a process of its own:
 * `node --import tsx --expose-gc bench/scale-run.ts <torrents> [--concurrency N] [--heap-snapshot]`.
 * Prints progress, then one `scale-result:` JSON line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import Database from 'better-sqlite3';
import { CollectorService } from '../collector/collector-service.ts';
import { loadConfig } from '../core/config.ts';
import { importWatchlist, openRuntime } from '../cli/runtime.ts';
import { SweepLog } from '../store/state/sweep-log.ts';
import { summariseHeapSnapshot } from './heap-summary.ts';
import { startBenchSim } from './sim-process.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, strict: false, options: { concurrency: { type: 'string' }, 'heap-snapshot': { type: 'boolean' } } });
const torrentCount = Number(positionals[0]);
/** A 2:1 torrent-to-node ratio at 10,000 keeps each node's share of holders near the 1,000-torrent run's; small runs get 1,000. */
const nodeCount = Math.max(torrentCount < 1000 ? 1000 : 2000, Math.ceil(torrentCount / 2));
/** Swarms of 10–50,000 peers, Pareto-shaped (sim/swarm-sizes.ts): ≈ 100 per torrent, ≈ 1,000,000 at 10,000. */
const MAX_PEERS = 50_000;
const SAMPLE_RSS_EVERY_MS = 100;
const SWEEPS_PER_DAY = 96; // the default 15-minute cadence
/**
 * How each table that a sweep writes grows (store/sqlite migrations): rows appended by every sweep,
 * rows kept per torrent and day (peer sketches are merged into the day's row), and rows written once
 * per torrent or series (the registry, the latest-sample pointer, series identities). A table not
 * listed counts as appended by every sweep, so growth per day can only be overstated.
 */
const PER_DAY_TABLES = new Set(['peer_sketch', 'peer_sketch_by_time', 'sqlite_autoindex_peer_sketch_1']);
const ONCE_TABLES = new Set(['swarm_latest', 'tagged_series', 'sqlite_autoindex_tagged_series_1', 'torrents', 'sqlite_autoindex_torrents_1', 'collector_settings']);

const sim = await startBenchSim(['--nodes', String(nodeCount), '--torrents', String(torrentCount), '--seed', '21', '--size-distribution', 'pareto', '--min-peers', '10', '--max-peers', String(MAX_PEERS)]);
const dir = mkdtempSync(path.join(tmpdir(), 'swarmscope-bench-scale-'));
const watchlistPath = path.join(dir, 'watchlist.json');
writeFileSync(watchlistPath, JSON.stringify(sim.torrents.map((torrent, index) => ({ infohash: torrent.infohash, label: `scale ${index}` }))));
const storePath = path.join(dir, 'swarmscope.db');
const config = loadConfig({
  env: {},
  flags: {
    store: `sqlite:${storePath}`,
    dataDir: dir,
    watch: [watchlistPath],
    bootstrap: sim.bootstrap,
    allowPrivateAddresses: true,
    dhtLoopbackOnly: true,
    logLevel: 'warn',
    ...(typeof values.concurrency === 'string' ? { concurrency: Number(values.concurrency) } : {}),
  },
});

const runtime = await openRuntime(config, 'collector');
importWatchlist(runtime);
const collector = await CollectorService.open(runtime.config, runtime.registry, runtime.series, runtime.log, { sweepLog: new SweepLog(runtime.stateDb) });
const rssBeforeSweepBytes = process.memoryUsage().rss;
let peakRssBytes = rssBeforeSweepBytes;
let peakHeapUsedBytes = process.memoryUsage().heapUsed;
const memorySampler = setInterval(() => {
  const usage = process.memoryUsage();
  peakRssBytes = Math.max(peakRssBytes, usage.rss);
  peakHeapUsedBytes = Math.max(peakHeapUsedBytes, usage.heapUsed);
}, SAMPLE_RSS_EVERY_MS);
const bytesBefore = tableBytes(storePath);
const report = await collector.sweepOnce();
clearInterval(memorySampler);
peakRssBytes = Math.max(peakRssBytes, process.memoryUsage().rss);

const truth = new Map(sim.torrents.map((torrent) => [torrent.infohash, torrent.peers]));
const found = report.results.reduce((sum, result) => sum + Math.min(result.sample?.values.dht_peers ?? 0, truth.get(result.torrent.infohash) ?? 0), 0);
const peers = sim.torrents.reduce((sum, torrent) => sum + torrent.peers, 0);
const queries = collector.dht.counters.queriesSent;

// What the collector keeps between sweeps: the report is dropped, as the scheduler drops it.
const sweepSec = (report.finishedAtMs - report.startedAtMs) / 1000;
const failed = report.results.filter((result) => result.error).length;
report.results.length = 0;
for (let round = 0; round < 3; round++) global.gc?.();
const heapAfterGcMiB = process.memoryUsage().heapUsed / 2 ** 20;
if (values['heap-snapshot']) {
  const file = writeHeapSnapshot(path.join(dir, `scale-${torrentCount}.heapsnapshot`));
  console.log(`heap snapshot: ${file}`);
  for (const line of summariseHeapSnapshot(file, 15)) console.log(line);
}

const bytesAfter = tableBytes(storePath);
const storeBytesByTable = Object.fromEntries([...bytesAfter].map(([name, bytes]) => [name, bytes - (bytesBefore.get(name) ?? 0)]).filter(([, bytes]) => (bytes as number) > 0));
await collector.stop();
await runtime.close();
sim.stop();

console.log(
  `scale-result: ${JSON.stringify({
    torrents: torrentCount,
    nodes: nodeCount,
    peers,
    sweepSec,
    concurrency: config.concurrency,
    recallPercent: (100 * found) / peers,
    failed,
    queries,
    rssBeforeSweepMiB: Math.round(rssBeforeSweepBytes / 2 ** 20),
    peakRssMiB: Math.round(peakRssBytes / 2 ** 20),
    peakHeapUsedMiB: Math.round(peakHeapUsedBytes / 2 ** 20),
    heapAfterGcMiB,
    storeBytesPerSweep: Object.values(storeBytesByTable).reduce((sum: number, bytes) => sum + (bytes as number), 0),
    storeBytesPerDay: Object.entries(storeBytesByTable).reduce((sum: number, [name, bytes]) => sum + (ONCE_TABLES.has(name) ? 0 : PER_DAY_TABLES.has(name) ? (bytes as number) : SWEEPS_PER_DAY * (bytes as number)), 0),
    storeBytesByTable,
  })}`,
);

/** Bytes each table and index takes in the store file (SQLite's dbstat), after a checkpoint. */
function tableBytes(file: string): Map<string, number> {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const rows = db.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as { name: string; bytes: number }[];
  db.close();
  return new Map(rows.map((row) => [row.name, row.bytes]));
}
