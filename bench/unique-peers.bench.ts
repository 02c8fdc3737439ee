/**
 * The `unique-peers` query over 30 days: DetailStore.mergedSketch on the SQLite store (the union of
 * a torrent's HyperLogLog sketches over the range, store/sketch-days.ts, then its estimate as the
 * route computes it), p50/p95 over 100 queries, and the same through the REST route
 * GET /api/v1/torrents/:infohash/unique-peers?from=-30d (the app of api/app.ts driven by `inject`,
 * no socket). Baseline in the same run: the same queries over 1 day, taking turns with the long
 * ones so noise falls on both alike.
 *
 * The store (a temporary file) holds 30 days of sweeps at the default 15-minute cadence, written
 * as the collector writes them: one `writeSketches` batch per sweep (collector/sweep.ts) with one
 * sketch per torrent, each the PeerHasher sketch of the sweep's peer IPs (collector/sketches/),
 * so the store rolls up day sketches as the days go by. The measured torrent has 2,000 peers per
 * sweep (600 that stay, 1,400 that churn at 20 new ones per sweep: ~60,000 distinct in 30 days);
 * 9 background torrents of 300 peers each churn the same way. No upkeep: the default raw
 * retention (0, forever) keeps every sweep sketch, so the range's two edge days are read as sweep
 * sketches and the days between as day sketches. `--quick` fills and queries 7 days instead.
 * Asserts nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp } from '../api/app.ts';
import { PeerHasher } from '../collector/sketches/peer-hasher.ts';
import { HyperLogLog } from '../core/hyperloglog.ts';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.ts';
import type { SketchSample } from '../store/types.ts';
import { formatCount, reportResult } from './results.ts';

const QUICK = process.argv.includes('--quick');
const RANGE_DAYS = QUICK ? 7 : 30;
const BASELINE_DAYS = 1;
const DAY_MS = 86_400_000;
const CADENCE_MS = 15 * 60_000;
const QUERIES = 100;
/** "Now": mid-day, so a range `-30d`..now has partial days at both ends, as a real request does. */
const NOW_MS = Date.UTC(2026, 0, 31, 13, 37);
/** A sweep more than the range, so the first day of the range is complete too. */
const FILL_FROM_MS = NOW_MS - (RANGE_DAYS + 1) * DAY_MS;
const SWEEPS = Math.floor((NOW_MS - FILL_FROM_MS) / CADENCE_MS) + 1;

interface SwarmShape {
  infohash: string;
  /** Peers present in every sweep. */
  stable: number;
  /** Peers in a sliding window over the torrent's population. */
  churning: number;
  /** New peers per sweep: the window moves this far. */
  churnPerSweep: number;
}
const target: SwarmShape = { infohash: 'f'.repeat(40), stable: 600, churning: 1400, churnPerSweep: 20 };
const background: SwarmShape[] = Array.from({ length: 9 }, (_, index) => ({ infohash: index.toString(16).padStart(40, '0'), stable: 90, churning: 210, churnPerSweep: 3 }));
const swarms = [target, ...background];

/** Peer k of torrent t as an IPv4 address: a first octet per torrent, k in the other three. */
const peerHost = (torrent: number, peer: number) => `${11 + torrent}.${(peer >>> 16) & 255}.${(peer >>> 8) & 255}.${peer & 255}`;
/** Population indices of a torrent's peers in sweep s: the stable ones, then the window. */
function peersOf(swarm: SwarmShape, sweep: number): number[] {
  const window = swarm.stable + sweep * swarm.churnPerSweep;
  return [...Array.from({ length: swarm.stable }, (_, k) => k), ...Array.from({ length: swarm.churning }, (_, k) => window + k)];
}
/** Distinct peers of sweeps [first, last]: what the estimate should be near. */
const distinctPeers = (swarm: SwarmShape, first: number, last: number) => swarm.stable + swarm.churning + (last - first) * swarm.churnPerSweep;

// The collector's hashing (a random key, as a new data folder gets). Each peer's HMAC is computed
// once and reused: the sketch is the same as PeerHasher.sketch(hosts), which hashes again every sweep.
const hasher = new PeerHasher(randomBytes(32));
const hashes = new Map<string, Buffer>();
function sweepSketch(torrent: number, peers: readonly number[]): Buffer {
  const sketch = new HyperLogLog();
  for (const peer of peers) {
    const host = peerHost(torrent, peer);
    let hash = hashes.get(host);
    if (!hash) hashes.set(host, (hash = hasher.hash(host)));
    sketch.addHash(hash);
  }
  return sketch.serialize();
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const summary = (timesMs: number[]) => {
  const sorted = [...timesMs].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
};

const startedMs = performance.now();
const dir = mkdtempSync(path.join(tmpdir(), 'swarmscope-bench-unique-peers-'));
const store = openSqliteStore(path.join(dir, 'store.sqlite'), { now: () => NOW_MS });
try {
  // --- Fill: one batch per sweep, oldest first, as a collector running for the whole range writes them. ---
  const fillAt = performance.now();
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const atMs = FILL_FROM_MS + sweep * CADENCE_MS;
    const batch: SketchSample[] = swarms.map((swarm, torrent) => ({ infohash: swarm.infohash, atMs, sketch: sweepSketch(torrent, peersOf(swarm, sweep)) }));
    await store.series.writeSketches(batch);
  }
  const fillMs = performance.now() - fillAt;
  const rows = store.db.prepare('SELECT resolution_ms, count(*) AS count, sum(length(sketch)) AS bytes FROM peer_sketch GROUP BY resolution_ms ORDER BY resolution_ms').all() as { resolution_ms: number; count: number; bytes: number }[];
  for (const swarm of swarms) store.registry.add({ infohash: swarm.infohash });

  // --- The API, as `swarmscope serve` builds it over this store (default rate limit: 1,200/min, far above what is sent here). ---
  const app = await buildApp({ series: store.series, registry: store.registry, stateDb: store.db, readiness: () => ({ ready: true, checks: { store: { ok: true } } }), now: () => NOW_MS });
  try {
    const ranges = { long: RANGE_DAYS * DAY_MS, short: BASELINE_DAYS * DAY_MS };
    const storeQuery = async (rangeMs: number) => HyperLogLog.deserialize((await store.series.mergedSketch(target.infohash, NOW_MS - rangeMs, NOW_MS))!).estimate();
    const apiQuery = async (rangeMs: number) => {
      const response = await app.inject({ url: `/api/v1/torrents/${target.infohash}/unique-peers?from=-${rangeMs / DAY_MS}d` });
      if (response.statusCode !== 200) throw new Error(`unique-peers answered ${response.statusCode}: ${response.body}`);
      return (response.json() as { uniquePeers: number }).uniquePeers;
    };
    // Warm-up (statements prepared, pages cached, JIT) and the answers, checked against the truth below.
    const estimates = { long: await storeQuery(ranges.long), short: await storeQuery(ranges.short), apiLong: await apiQuery(ranges.long), apiShort: await apiQuery(ranges.short) };

    const timesMs = { storeLong: [] as number[], storeShort: [] as number[], apiLong: [] as number[], apiShort: [] as number[] };
    const time = async (into: number[], run: () => Promise<unknown>) => {
      const at = performance.now();
      await run();
      into.push(performance.now() - at);
    };
    for (let round = 0; round < QUERIES; round++) {
      await time(timesMs.storeLong, () => storeQuery(ranges.long));
      await time(timesMs.storeShort, () => storeQuery(ranges.short));
      await time(timesMs.apiLong, () => apiQuery(ranges.long));
      await time(timesMs.apiShort, () => apiQuery(ranges.short));
    }
    const storeLong = summary(timesMs.storeLong);
    const storeShort = summary(timesMs.storeShort);
    const apiLong = summary(timesMs.apiLong);
    const apiShort = summary(timesMs.apiShort);

    // The sweeps inside each range, for the true distinct count.
    const lastSweep = SWEEPS - 1;
    const firstSweepIn = (rangeMs: number) => Math.ceil((NOW_MS - rangeMs - FILL_FROM_MS) / CADENCE_MS);
    const truth = { long: distinctPeers(target, firstSweepIn(ranges.long), lastSweep), short: distinctPeers(target, firstSweepIn(ranges.short), lastSweep) };
    // How many sketches each query merges, by the rule of SketchDays.merged: the day sketch of every
    // whole day inside the range, the sweep sketches of the partial days at its ends.
    const countRows = store.db.prepare('SELECT count(*) FROM peer_sketch WHERE infohash = ? AND resolution_ms = ? AND at_ms BETWEEN ? AND ?').pluck();
    const sketchesMerged = (rangeMs: number) => {
      const fromMs = NOW_MS - rangeMs;
      const firstWholeDayMs = Math.ceil(fromMs / DAY_MS) * DAY_MS;
      const wholeDaysEndMs = Math.floor((NOW_MS + 1) / DAY_MS) * DAY_MS;
      const count = (resolutionMs: number, from: number, to: number) => (to < from ? 0 : (countRows.get(target.infohash, resolutionMs, from, to) as number));
      if (firstWholeDayMs >= wholeDaysEndMs) return { days: 0, sweeps: count(0, fromMs, NOW_MS) };
      return { days: count(DAY_MS, firstWholeDayMs, wholeDaysEndMs - 1), sweeps: count(0, fromMs, firstWholeDayMs - 1) + count(0, wholeDaysEndMs, NOW_MS) };
    };
    const merged = { long: sketchesMerged(ranges.long), short: sketchesMerged(ranges.short) };
    const fmt = (value: number) => value.toFixed(2);
    const describeRows = rows.map((row) => `${row.count} ${row.resolution_ms === 0 ? 'sweep' : 'day'} sketches (${(row.bytes / 1e6).toFixed(1)} MB)`).join(', ');

    console.log(`SQLite store, ${RANGE_DAYS + 1} days of sweeps every 15 min of ${swarms.length} torrents (${SWEEPS} sweeps, written in ${(fillMs / 1000).toFixed(1)} s): ${describeRows}`);
    console.log(`torrent with ${target.stable + target.churning} peers per sweep: ${RANGE_DAYS} days ≈ ${Math.round(estimates.long)} distinct (truth ${truth.long}), 1 day ≈ ${Math.round(estimates.short)} (truth ${truth.short}); API says ${estimates.apiLong} and ${estimates.apiShort}`);
    console.log(`  store mergedSketch, ${RANGE_DAYS} days: p50 ${fmt(storeLong.p50)} ms, p95 ${fmt(storeLong.p95)} ms; 1 day (baseline): p50 ${fmt(storeShort.p50)} ms, p95 ${fmt(storeShort.p95)} ms (${RANGE_DAYS}-day p50 ${(storeLong.p50 / storeShort.p50).toFixed(2)}× the 1-day)`);
    console.log(`  GET /unique-peers,   ${RANGE_DAYS} days: p50 ${fmt(apiLong.p50)} ms, p95 ${fmt(apiLong.p95)} ms; 1 day (baseline): p50 ${fmt(apiShort.p50)} ms, p95 ${fmt(apiShort.p95)} ms (${RANGE_DAYS}-day p50 ${(apiLong.p50 / apiShort.p50).toFixed(2)}× the 1-day)`);
    console.log(`  (${QUERIES} queries each, the four kinds taking turns; a ${RANGE_DAYS}-day query merges ${merged.long.days} day + ${merged.long.sweeps} sweep sketches, a 1-day query ${merged.short.days} day + ${merged.short.sweeps} sweep sketches)`);
    console.log(`total ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
    reportResult({
      rangeDays: RANGE_DAYS,
      torrents: swarms.length,
      sweeps: SWEEPS,
      peersPerSweep: target.stable + target.churning,
      fillMs: Math.round(fillMs),
      sweepSketches: rows.find((row) => row.resolution_ms === 0)?.count ?? 0,
      daySketches: rows.find((row) => row.resolution_ms === DAY_MS)?.count ?? 0,
      rangeMergesDaySketches: merged.long.days,
      rangeMergesSweepSketches: merged.long.sweeps,
      dayMergesSweepSketches: merged.short.sweeps,
      estimateRange: Math.round(estimates.long),
      truthRange: truth.long,
      estimateDay: Math.round(estimates.short),
      truthDay: truth.short,
      storeRangeP50Ms: storeLong.p50,
      storeRangeP95Ms: storeLong.p95,
      storeDayP50Ms: storeShort.p50,
      storeDayP95Ms: storeShort.p95,
      apiRangeP50Ms: apiLong.p50,
      apiRangeP95Ms: apiLong.p95,
      apiDayP50Ms: apiShort.p50,
      apiDayP95Ms: apiShort.p95,
    }, [
      {
        figure: `unique peers over ${RANGE_DAYS} days (SQLite mergedSketch; ${formatCount(target.stable + target.churning)} peers per 15-min sweep)`,
        value: `p50 ${fmt(storeLong.p50)} ms, p95 ${fmt(storeLong.p95)} ms`,
        baseline: `over 1 day: p50 ${fmt(storeShort.p50)} ms, p95 ${fmt(storeShort.p95)} ms`,
      },
      {
        figure: `GET /api/v1/torrents/:infohash/unique-peers?from=-${RANGE_DAYS}d (inject)`,
        value: `p50 ${fmt(apiLong.p50)} ms, p95 ${fmt(apiLong.p95)} ms`,
        baseline: `from=-1d: p50 ${fmt(apiShort.p50)} ms, p95 ${fmt(apiShort.p95)} ms`,
      },
    ]);
  } finally {
    await app.close();
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
