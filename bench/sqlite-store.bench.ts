/**
 * Issue 12's store targets on SQLite: ingest (samples/s through `writeSamples`, the collector's
 * path) beside the ceiling of the same rows inserted by bare better-sqlite3 into a table of the
 * same shape, in the same run; and a one-year series at a 5-minute cadence (105,120 samples)
 * downsampled to 500 points, p50/p95 over repeated queries, from the raw table and after upkeep
 * has rolled it up. `--quick` uses a tenth of the ingest and a month of series. Asserts nothing.
 */
import { benchInfohash, benchSampleAt, percentileOf, storeBenchWorkload } from './sweep-samples.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.ts';
import type { SwarmSample } from '../store/types.ts';
import { formatCount, reportResult } from './results.ts';

const QUICK = process.argv.includes('--quick');
const { ingestSamples: INGEST_SAMPLES, batch: BATCH, cadenceMs: CADENCE_MS, seriesDays: SERIES_DAYS, queries: QUERIES } = storeBenchWorkload(QUICK);
const T0 = Date.UTC(2025, 0, 1);

const infohash = benchInfohash;
const sampleAt = benchSampleAt;
const percentile = percentileOf;

const dir = mkdtempSync(path.join(tmpdir(), 'swarmscope-bench-sqlite-'));

// Ceiling: the same rows, one prepared INSERT in one transaction per batch, the store's pragmas, no store logic.
const bare = new Database(path.join(dir, 'bare.sqlite'));
bare.pragma('journal_mode = WAL');
bare.pragma('synchronous = NORMAL');
bare.exec('CREATE TABLE swarm (infohash TEXT NOT NULL, at_ms INTEGER NOT NULL, dht_peers NUMERIC, dht_peers_v4 NUMERIC, dht_peers_v6 NUMERIC, dht_nodes NUMERIC, bep33_seeders NUMERIC, bep33_peers NUMERIC, unique_peers NUMERIC, countries NUMERIC, lookup_ms NUMERIC, PRIMARY KEY (infohash, at_ms)) WITHOUT ROWID');
const insert = bare.prepare('INSERT INTO swarm VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
const bareBatch = bare.transaction((rows: SwarmSample[]) => {
  for (const row of rows) {
    const v = row.values;
    insert.run(row.infohash, row.atMs, v.dht_peers, v.dht_peers_v4, v.dht_peers_v6, v.dht_nodes, v.bep33_seeders, v.bep33_peers, v.unique_peers, v.countries, v.lookup_ms);
  }
});
let started = performance.now();
for (let from = 0; from < INGEST_SAMPLES; from += BATCH) bareBatch(Array.from({ length: BATCH }, (_, offset) => sampleAt(from + offset, T0 + Math.floor((from + offset) / 1000) * CADENCE_MS)));
const bareRate = INGEST_SAMPLES / ((performance.now() - started) / 1000);
bare.close();

const store = openSqliteStore(path.join(dir, 'store.sqlite'));
started = performance.now();
for (let from = 0; from < INGEST_SAMPLES; from += BATCH) {
  await store.series.writeSamples(Array.from({ length: BATCH }, (_, offset) => sampleAt(from + offset, T0 + Math.floor((from + offset) / 1000) * CADENCE_MS)));
}
const storeRate = INGEST_SAMPLES / ((performance.now() - started) / 1000);
await store.close();

// One torrent, a sample every 5 minutes for a year, then a year's series at 500 points.
const seriesStore = openSqliteStore(path.join(dir, 'series.sqlite'), { upkeep: { rawRetentionMs: 0, hourlyRetentionMs: 0, dailyRetentionMs: 0, intervalMs: 3_600_000, now: () => T0 + SERIES_DAYS * 86_400_000 } });
const target = 'f'.repeat(40);
const seriesSamples = (SERIES_DAYS * 86_400_000) / CADENCE_MS;
for (let from = 0; from < seriesSamples; from += BATCH) {
  const count = Math.min(BATCH, seriesSamples - from);
  await seriesStore.series.writeSamples(Array.from({ length: count }, (_, offset) => ({ ...sampleAt(from + offset, T0 + (from + offset) * CADENCE_MS), infohash: target })));
}
const rangeMs = SERIES_DAYS * 86_400_000;
const query = { infohash: target, metric: 'dht_peers' as const, fromMs: T0, toMs: T0 + rangeMs, stepMs: Math.ceil(rangeMs / 500), agg: 'avg' as const };
/**
 * `cold`: a one-sample write to another torrent before each query (not timed) moves the store's
 * data version, so no bucket comes from the series cache: the cost of downsampling itself, as the
 * first read after each sweep pays it. Otherwise repeated queries, as between two sweeps.
 */
async function timedQueries(cold: boolean): Promise<{ p50: number; p95: number; points: number }> {
  const timesMs: number[] = [];
  let points = 0;
  for (let round = 0; round < QUERIES; round++) {
    if (cold) await seriesStore.series.writeSamples([{ ...sampleAt(round, T0 + round * CADENCE_MS), infohash: 'e'.repeat(40) }]);
    const at = performance.now();
    points = (await seriesStore.series.querySeries(query)).length;
    timesMs.push(performance.now() - at);
  }
  timesMs.sort((a, b) => a - b);
  return { p50: percentile(timesMs, 50), p95: percentile(timesMs, 95), points };
}
const raw = await timedQueries(true);
const cached = await timedQueries(false);
await seriesStore.upkeep!.run();
const rolled = await timedQueries(true);
await seriesStore.close();

console.log(`SQLite ingest, ${INGEST_SAMPLES} samples in batches of ${BATCH}: store ${Math.round(storeRate)} samples/s; bare better-sqlite3 insert of the same rows ${Math.round(bareRate)} rows/s (store at ${((100 * storeRate) / bareRate).toFixed(0)}% of that ceiling)`);
reportResult({ ingestSamples: INGEST_SAMPLES, storeSamplesPerSec: Math.round(storeRate), bareRowsPerSec: Math.round(bareRate), seriesDays: SERIES_DAYS, seriesSamples, points: raw.points, rawP50Ms: raw.p50, rawP95Ms: raw.p95, rolledP50Ms: rolled.p50, rolledP95Ms: rolled.p95, cachedP50Ms: cached.p50, cachedP95Ms: cached.p95 }, [
  { figure: `SQLite ingest, ${formatCount(INGEST_SAMPLES)} samples in sweep-shaped batches of ${BATCH}`, value: `${formatCount(storeRate)} samples/s`, baseline: `bare better-sqlite3, same table: ${formatCount(bareRate)} rows/s`, target: '≥ 100,000 samples/s' },
  { figure: `SQLite: ${SERIES_DAYS}-day 5-minute series → ${raw.points} points`, value: `p50 ${raw.p50.toFixed(1)} ms, p95 ${raw.p95.toFixed(1)} ms`, baseline: `after upkeep rollups: p95 ${rolled.p95.toFixed(1)} ms; repeated (series cache): p95 ${cached.p95.toFixed(2)} ms`, target: 'p95 ≤ 50 ms' },
]);
console.log(`${SERIES_DAYS}-day series at 5 min (${seriesSamples} samples) → ${raw.points} points: raw p50 ${raw.p50.toFixed(1)} ms, p95 ${raw.p95.toFixed(1)} ms; after upkeep rollups p50 ${rolled.p50.toFixed(1)} ms, p95 ${rolled.p95.toFixed(1)} ms (each after a write, so none from the series cache); repeated without writes (from the cache) p50 ${cached.p50.toFixed(2)} ms, p95 ${cached.p95.toFixed(2)} ms (${QUERIES} queries each)`);
