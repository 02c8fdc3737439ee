/**
 * The sweep-shaped samples both store benchmarks ingest (bench/sqlite-store.bench.ts,
 * bench/influx-ingest.bench.ts), so SQLite and InfluxDB are measured on the same rows: sample `index`
 * belongs to torrent index % 1,000, as a sweep of 1,000 torrents writes them.
 */
import type { SwarmSample } from '../store/types.ts';

export const benchInfohash = (index: number): string => index.toString(16).padStart(40, '0');

export const benchSampleAt = (index: number, atMs: number): SwarmSample => ({
  infohash: benchInfohash(index % 1000),
  atMs,
  values: { dht_peers: 100 + (index % 977), dht_peers_v4: 90, dht_peers_v6: 10, dht_nodes: 8, bep33_seeders: 40, bep33_peers: 60, unique_peers: 200, countries: 12, lookup_ms: 900 },
});

/** Nearest-rank percentile of an ascending list. */
export const percentileOf = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** The workload both store benchmarks run: ingest in sweep-shaped batches, then a long 5-minute series queried repeatedly. */
export function storeBenchWorkload(quick: boolean) {
  return { ingestSamples: quick ? 20_000 : 200_000, batch: 1000, cadenceMs: 5 * 60_000, seriesDays: quick ? 30 : 365, queries: 40 };
}
