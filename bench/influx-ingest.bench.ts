/**
 * Issue 12's store targets on InfluxDB (a real Debian `influxd` 1.x on a free loopback port, the
 * tests' tests/helpers/influxd.ts). Ingest, in samples/s, of sweep-shaped batches (1,000 torrents
 * per batch, the SQLite bench's samples) through the collector's write path, `openStore(influx://…)`
 * with its spool (what `swarmscope start` opens), and through `openInfluxStore` alone; baseline in
 * the same run, the ceiling: the same points as line protocol, built by hand and POSTed to /write in
 * the same batch sizes. The three take turns batch by batch (the first of each round rotating), each
 * into its own database set up the same way, so influxd's background work (WAL, cache snapshots,
 * compactions, Go GC) falls on all three alike; the client's and influxd's CPU time per batch are
 * shown too. Target: ≥ 50,000 samples/s. Then a one-year series of one torrent at a 5-minute
 * cadence (105,120 samples), queried as 500 points through `querySeries`, p50/p95 over 200 rounds
 * (quick: 40), each one store query and the same InfluxQL sent as a bare GET /query, alternating. `--quick` uses a tenth of the ingest
 * and 30 days of series. Then disk growth, on an influxd that snapshots its cache to TSM and fully
 * compacts 2 s after the last write: two days of 96 sweeps of 1,000 torrents (quick: 100) written as
 * runSweep writes them through openStore (24 fields, 20 tagged points, a sketch), day sketches and
 * hourly/daily backfill; fs.statSync bytes once compacted, beside the `swarm` points alone as bare
 * line protocol. influxd is stopped at the end, also on error or Ctrl-C. Asserts nothing.
 */
import { benchInfohash, benchSampleAt, percentileOf, storeBenchWorkload } from './sweep-samples.ts';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HLL_PRECISION, HLL_REGISTERS, HyperLogLog } from '../core/hyperloglog.ts';
import { openStore, type OpenedStore } from '../store/open-store.ts';
import { openInfluxStore, type InfluxSeriesStore } from '../store/influx/influx-series-store.ts';
import { RAW_POLICY, SWARM_MEASUREMENT } from '../store/influx/influx-schema.ts';
import type { InfluxRetention } from '../store/influx/influx-setup.ts';
import { createInfluxSketchTables } from '../store/influx/influx-sketch-tables.ts';
import { parseInfluxUrl } from '../store/influx/influx-url.ts';
import { rangeSelect, timeParameter } from '../store/influx/influxql.ts';
import { SketchDays } from '../store/sketch-days.ts';
import { TAGGED_MEASUREMENTS, type SketchSample, type SwarmSample, type TaggedMeasurement, type TaggedSample } from '../store/types.ts';
import { startInfluxd, type Influxd } from '../tests/helpers/influxd.ts';
import { formatCount, reportResult } from './results.ts';

const QUICK = process.argv.includes('--quick');
const { ingestSamples: INGEST_SAMPLES, batch: BATCH, cadenceMs: CADENCE_MS, seriesDays: SERIES_DAYS, queries: QUERIES } = storeBenchWorkload(QUICK);
const TARGET_SAMPLES_PER_SEC = 50_000;
/** Rounds of one store and one bare query each: p95 of 40 is its 38th value, too noisy to set beside a target. */
const QUERY_ROUNDS = QUICK ? QUERIES : 5 * QUERIES;
const DAY_MS = 86_400_000;
/** The retention `openStore` gives InfluxDB when none is configured. */
const INGEST_RETENTION: InfluxRetention = { rawMs: 30 * DAY_MS, hourlyMs: 365 * DAY_MS, dailyMs: 0 };
/** The year of series must outlive the raw policy's 30 days. */
const SERIES_RETENTION: InfluxRetention = { rawMs: 0, hourlyMs: 0, dailyMs: 0 };
/**
 * Ingested sweeps start half an hour ago and run on into the future: samples older than an hour
 * would be "late" (store/influx/influx-late-writes.ts) and start a background backfill in the
 * middle of the measurement, which is not what a collector writing its sweeps as they end causes.
 */
const INGEST_T0 = Math.floor((Date.now() - 30 * 60_000) / CADENCE_MS) * CADENCE_MS;
const SERIES_T0 = Date.UTC(2025, 0, 1);

const infohash = benchInfohash;
const sampleAt = benchSampleAt;
const sweepBatch = (from: number): SwarmSample[] =>
  Array.from({ length: BATCH }, (_, offset) => sampleAt(from + offset, INGEST_T0 + Math.floor((from + offset) / 1000) * CADENCE_MS));
const percentile = percentileOf;

/** Line protocol as InfluxDB documents it: tag values cannot hold `,= ` here (hex), field values are floats. */
function lineProtocol(samples: readonly SwarmSample[]): string {
  let body = '';
  for (const sample of samples) {
    let fields = '';
    for (const [field, value] of Object.entries(sample.values)) if (typeof value === 'number') fields += `${fields ? ',' : ''}${field}=${value}`;
    body += `${SWARM_MEASUREMENT.name},infohash=${sample.infohash} ${fields} ${sample.atMs}\n`;
  }
  return body;
}

async function bareWrite(influxd: Influxd, database: string, body: string): Promise<void> {
  const response = await fetch(`${influxd.url}/write?db=${database}&rp=${RAW_POLICY}&precision=ms`, { method: 'POST', body });
  if (response.status !== 204) throw new Error(`bare /write answered ${response.status}: ${await response.text()}`);
}

async function bareQuery(influxd: Influxd, database: string, statement: string, params: Record<string, string>): Promise<number> {
  const query = new URLSearchParams({ db: database, q: statement, epoch: 'ms', params: JSON.stringify(params) });
  const response = await fetch(`${influxd.url}/query?${query}`);
  const body = (await response.json()) as { results?: { series?: { values?: unknown[][] }[]; error?: string }[] };
  const result = body.results?.[0];
  if (response.status !== 200 || result?.error) throw new Error(`bare /query answered ${response.status}: ${JSON.stringify(body)}`);
  return result?.series?.[0]?.values?.length ?? 0;
}

/**
 * influxd's pid, found by the private config path in its command line (tests/helpers/influxd.ts
 * does not expose it), to read its CPU time from /proc. Undefined where there is no /proc.
 */
function influxdPid(influxd: Influxd): number | undefined {
  const config = path.join(influxd.dir, 'influxdb.conf');
  const commandLine = (entry: string): string[] => {
    try {
      return readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      return []; // gone meanwhile, or not ours to read
    }
  };
  const pid = (existsSync('/proc') ? readdirSync('/proc') : []).find((entry) => /^\d+$/.test(entry) && commandLine(entry).includes(config));
  return pid === undefined ? undefined : Number(pid);
}

/** User + system CPU time of a process in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms on Linux). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const influxStoreAt = (influxd: Influxd, database: string, retention: InfluxRetention): InfluxSeriesStore =>
  openInfluxStore(parseInfluxUrl(influxd.storeUrl(database), influxd.storeUrl(database)), { retention });

// --- The disk-growth days: deterministic noise, so every run writes the same bytes. ---
/** Days of 15-minute sweeps of this many torrents, extrapolated to SCALE_TORRENTS. */
// Per-torrent bytes come out the same at 100 and 1,000 torrents; 200 keeps the full run short enough for `npm run bench`.
const [DISK_TORRENTS, SWEEPS_PER_DAY, SCALE_TORRENTS] = [QUICK ? 100 : 200, 96, 10_000];
/** Two UTC days ending the day before yesterday or the day before (both in one 7-day shard group of the hourly and daily policies),
 * within the raw policy's 30 days, a raw shard each (1-day shard groups), every sweep "late". Sweep g of the two days: g = 0..191. */
const DISK_DAY_MS = ((lastMs: number) => (lastMs % (7 * DAY_MS) === 0 ? lastMs - 2 * DAY_MS : lastMs - DAY_MS))(Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS);
const fmix = (h: number): number => ((h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)), (h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)), (h ^ (h >>> 16)) >>> 0);
/** Uniform in [0, 1) per (torrent, sweep, key); `around` is x ± spread (a fraction), rounded. */
const noise = (t: number, s: number, key: number) => fmix(fmix(fmix(t + 0x9e3779b9) ^ s) ^ key) / 2 ** 32;
const between = (t: number, s: number, key: number, low: number, high: number) => low + Math.floor(noise(t, s, key) * (high - low + 1));
const around = (t: number, s: number, key: number, x: number, spread: number) => Math.round(x * (1 + spread * (2 * noise(t, s, key) - 1)));
/** Swarm sizes spread evenly over the ingest samples' 100–1,076 peers (quick too), ±15% over the day, ±5% sweep to sweep. */
const baseOf = (t: number) => 100 + Math.floor(((t + 0.5) * 977) / DISK_TORRENTS);
const peersAt = (t: number, s: number) => around(t, s, 0, baseOf(t) * (1 + 0.15 * Math.sin(2 * Math.PI * (s / SWEEPS_PER_DAY + noise(t, -1, 0)))), 0.05);
/** The unique-peers bench's churn: 30% of a swarm stays all day, the rest is a window moving by 1% of the swarm per sweep. */
const churnOf = (t: number) => Math.max(1, Math.round(baseOf(t) / 100));
/** A sweep every 15 min, ending 1–3 min after it starts; runSweep stamps all its samples with that end (ms). */
const sweepEndMs = (s: number) => DISK_DAY_MS + (s * DAY_MS) / SWEEPS_PER_DAY + between(-1, s, 0, 60_000, 180_000);

/** All 24 `swarm` fields, as the DHT, tracker, probe, estimate, enrichment and sketch stages fill them. */
function daySample(t: number, s: number, atMs: number): SwarmSample {
  const [peers, base, churn] = [peersAt(t, s), baseOf(t), churnOf(t)];
  const [v4, estimate, near] = [around(t, s, 1, 0.85 * peers, 0.03), around(t, s, 2, 1.3 * peers, 0.1), (key: number, x: number) => around(t, s, key, x, 0.1)];
  return { infohash: infohash(t), atMs, values: {
      dht_peers: peers, dht_peers_v4: v4, dht_peers_v6: peers - v4, dht_nodes: between(t, s, 3, 8, 40), dht_uncorroborated: between(t, s, 4, 0, 3), new_peers: around(t, s, 16, churn, 0.5), lookup_ms: between(t, s, 18, 400, 3000),
      bep33_seeders: near(5, 0.4 * peers), bep33_peers: near(6, 0.6 * peers), bep33_nodes: between(t, s, 7, 8, 30), bep33_saturated: noise(t, s, 8) < 0.05 ? 1 : 0,
      tracker_seeders: near(9, 0.5 * peers), tracker_leechers: near(10, 0.3 * peers), tracker_completed: 20 * base + Math.floor((s * base) / 50),
      probe_seeders: between(t, s, 11, 5, 25), probe_leechers: between(t, s, 12, 5, 20), probe_unreachable: between(t, s, 13, 5, 25), pex_peers: near(14, 0.3 * peers), swarm_estimate_overlap: between(t, s, 15, 0, 30),
      swarm_estimate: estimate, swarm_estimate_low: Math.round(0.8 * estimate), swarm_estimate_high: Math.round(1.25 * estimate), unique_peers: 5 * base + s * churn, countries: between(t, s, 17, 9, 14),
  } };
}

const TAGS = { swarm_geo: ['US', 'DE', 'CN', 'FR', 'GB', 'RU', 'NL', 'CA', 'JP', 'KR', 'BR', 'IN', 'PL', 'SE', 'UA', 'ES', 'IT', 'AU', 'SG', 'TW'],
  swarm_asn: ['AS7922', 'AS3320', 'AS4134', 'AS4837', 'AS3215', 'AS12322', 'AS5089', 'AS6830', 'AS701', 'AS16509', 'AS24940', 'AS14061'],
  swarm_tracker: ['udp://tracker.opentrackr.org:1337/announce', 'udp://open.stealth.si:80/announce', 'udp://tracker.torrent.eu.org:451/announce', 'udp://exodus.desync.com:6969/announce', 'https://tracker.tamersunion.org:443/announce'],
  swarm_client: ['qBittorrent/4.6.2', 'Transmission 4.0.5', 'libtorrent/2.0.9', 'BitComet 2.04', 'Deluge 2.1.1'] };
/** Per torrent and sweep: 7 countries + other, 4 ASNs + other (enrichment), 3 trackers (1 scrape in 30 unanswered), 3 clients + other (probes). */
function dayTagged(t: number, s: number, atMs: number): TaggedSample[] {
  const [peers, base, infohashOf] = [peersAt(t, s), baseOf(t), infohash(t)];
  const tags = (measurement: TaggedMeasurement, count: number) => Array.from({ length: count }, (_, i) => TAGS[measurement][(t * 3 + i) % TAGS[measurement].length]!);
  const split = (measurement: TaggedMeasurement, shares: number[], total: number, key: number, counts = shares.map((share, i) => around(t, s, key + i, share * total, 0.2))): TaggedSample[] =>
    [...tags(measurement, shares.length), 'other'].map((tag, i) => ({ measurement, infohash: infohashOf, tag, atMs, values: { peers: counts[i] ?? Math.max(0, total - counts.reduce((sum, count) => sum + count, 0)) } }));
  const scrape = (i: number) => ({ tracker_seeders: around(t, s, 50 + i, 0.5 * peers, 0.2), tracker_leechers: around(t, s, 60 + i, 0.3 * peers, 0.2), tracker_completed: (20 + i) * base + Math.floor((s * base) / 50), tracker_up: 1 });
  return [
    ...split('swarm_geo', [0.3, 0.18, 0.12, 0.1, 0.08, 0.06, 0.05], peers, 20),
    ...split('swarm_asn', [0.2, 0.15, 0.1, 0.08], peers, 30),
    ...tags('swarm_tracker', 3).map((tag, i): TaggedSample => ({ measurement: 'swarm_tracker', infohash: infohashOf, tag, atMs, values: noise(t, s, 40 + i) < 1 / 30 ? { tracker_up: 0 } : scrape(i) })),
    ...split('swarm_client', [0.45, 0.25, 0.12], between(t, s, 11, 5, 25) + between(t, s, 12, 5, 20), 70),
  ];
}

const [sweepSketch, peerHashBytes] = [new HyperLogLog(), new Uint8Array(8)];
const peerHash = new DataView(peerHashBytes.buffer);
/** The sweep's peer sketch (peer k's hash: a mix of t and k), serialized from the touched registers (serialize() scans 16,384, 0.2 ms); `check` compares. */
function daySketch(t: number, s: number, atMs: number, check: boolean): SketchSample {
  const [peers, stable, touched] = [peersAt(t, s), Math.min(peersAt(t, s), Math.round(0.3 * baseOf(t))), new Set<number>(), sweepSketch.registers.fill(0)];
  const add = (k: number) => {
    peerHash.setUint32(0, fmix(Math.imul(t, 0x9e3779b1) + k));
    peerHash.setUint32(4, fmix(k ^ fmix(t + 0x5bd1e995)));
    sweepSketch.addHash(peerHashBytes);
    touched.add(peerHash.getUint16(0) >>> 2); // the register: the hash's top 14 bits
  };
  for (let k = 0; k < peers; k++) add(k < stable ? k : k + s * churnOf(t));
  const indices = [...touched].sort((a, b) => a - b);
  // The sparse format: 2, the precision, then (register u16 BE, value u8) per non-zero register, in order; else dense.
  const sparse = indices.length * 3 < HLL_REGISTERS;
  const sketch = sparse ? Buffer.alloc(2 + 3 * indices.length, HLL_PRECISION).fill(2, 0, 1) : sweepSketch.serialize();
  if (sparse) indices.forEach((index, i) => sketch.set([index >>> 8, index & 255, sweepSketch.registers[index]!], 2 + 3 * i));
  if (check && !sketch.equals(sweepSketch.serialize())) throw new Error('the sweep sketch differs from HyperLogLog.serialize()');
  return { infohash: infohash(t), atMs, sketch };
}
/** The tagged points as line protocol, for the database that attributes their bytes. */
const taggedLineProtocol = (samples: readonly TaggedSample[]) =>
  samples.map((sample) => `${sample.measurement},infohash=${sample.infohash},${TAGGED_MEASUREMENTS[sample.measurement].tag}=${sample.tag.replace(/[ ,=\\]/g, '\\$&')} ${Object.entries(sample.values).map(([field, value]) => `${field}=${value}`).join(',')} ${sample.atMs}\n`).join('');
/** Files under a folder: fs.statSync size, and allocated blocks (the series file's 4 MiB segments are sparse). */
const filesUnder = (root: string) => (existsSync(root) ? readdirSync(root, { recursive: true, encoding: 'utf8' }) : []).flatMap((relative) => {
  const stat = statSync(path.join(root, relative), { throwIfNoEntry: false }); // a compaction may have removed it meanwhile
  return stat?.isFile() ? [{ path: path.join(root, relative), size: stat.size, allocated: stat.blocks * 512 }] : [];
});
function databaseUse(influxd: Influxd, database: string) {
  const [dataDir, wal] = [path.join(influxd.dir, 'data', database), filesUnder(path.join(influxd.dir, 'wal', database))];
  const data = filesUnder(dataDir);
  const bytes = (folder: string, key: 'size' | 'allocated' = 'size') => data.filter((file) => file.path.startsWith(path.join(dataDir, folder, path.sep))).reduce((sum, file) => sum + file[key], 0);
  const files = [...data.filter((file) => !file.path.includes(`${path.sep}_series${path.sep}`)), ...wal];
  return { raw: bytes(RAW_POLICY), hourly: bytes('hourly'), daily: bytes('daily'), wal: wal.reduce((sum, file) => sum + file.size, 0), seriesFile: bytes('_series', 'allocated'), tsmFiles: data.filter((file) => file.path.endsWith('.tsm')).length, files };
}
/** Polls until the WALs are empty, no compaction is writing, each shard is one TSM file and nothing changed for 3 s (at most 3 min). */
async function settle(influxd: Influxd, databases: readonly string[]): Promise<{ ms: number; settled: boolean }> {
  const startedMs = performance.now();
  let [signature, sameSinceMs] = ['', startedMs];
  while (performance.now() - startedMs < 180_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const files = databases.flatMap((database) => databaseUse(influxd, database).files);
    const now = files.map((file) => `${file.path}:${file.size}`).sort().join('\n');
    if (now !== signature) [signature, sameSinceMs] = [now, performance.now()];
    const tsmDirs = files.filter((file) => file.path.endsWith('.tsm')).map((file) => path.dirname(file.path));
    const quiet = new Set(tsmDirs).size === tsmDirs.length && files.every((file) => !file.path.endsWith('.tmp') && !(file.path.endsWith('.wal') && file.size > 0));
    if (quiet && performance.now() - sameSinceMs >= 3000) return { ms: performance.now() - startedMs, settled: true };
  }
  return { ms: performance.now() - startedMs, settled: false };
}

const startedMs = performance.now();
const influxd = await startInfluxd();
const dataDir = mkdtempSync(path.join(tmpdir(), 'swarmscope-bench-influx-'));
let diskInfluxd: Influxd | undefined;
let disposed: Promise<void> | undefined;
const cleanUp = (): Promise<void> => {
  disposed ??= Promise.all([influxd.dispose(), diskInfluxd?.dispose()]).finally(() => rmSync(dataDir, { recursive: true, force: true })).then(() => undefined);
  return disposed;
};
// Ctrl-C or a kill from bench/run.ts skips `finally`; the helper's exit hook alone would SIGKILL influxd but leave its folder.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));

try {
  // --- Ingest: three writers take turns, batch by batch. ---
  // The collector's store: openStore with a spool, as storeOptionsFromConfig gives a collector.
  const collector: OpenedStore = await openStore(influxd.storeUrl('collector'), {
    dataDir,
    retention: INGEST_RETENTION,
    spool: { maxBytes: 256 << 20, name: 'series' },
  });
  const direct = influxStoreAt(influxd, 'direct', INGEST_RETENTION);
  await direct.ready();
  // The ceiling's database gets the same policies and CQs from the store's own setup; its writes do not go through the store.
  const bareSetup = influxStoreAt(influxd, 'bare', INGEST_RETENTION);
  await bareSetup.ready();
  await bareSetup.close();

  // One warm-up batch each (outside the counts): connections, JIT, the first shard's creation.
  await collector.series.writeSamples(sweepBatch(0));
  await direct.writeSamples(sweepBatch(0));
  await bareWrite(influxd, 'bare', lineProtocol(sweepBatch(0)));

  // Wall time per writer, and this process's CPU time per writer: the machine is shared and noisy,
  // and the CPU time says what the client side itself costs, whatever influxd and neighbours do.
  const writers = { bare: (batch: SwarmSample[]) => bareWrite(influxd, 'bare', lineProtocol(batch)), direct: (batch: SwarmSample[]) => direct.writeSamples(batch), collector: (batch: SwarmSample[]) => collector.series.writeSamples(batch) };
  const spentMs = { bare: 0, direct: 0, collector: 0 };
  const cpuMs = { bare: 0, direct: 0, collector: 0 };
  // influxd's CPU time too: equal for the three (the same points), it is what the ceiling is made of.
  const pid = influxdPid(influxd);
  const serverCpuMs = { bare: 0, direct: 0, collector: 0 };
  const order = ['bare', 'direct', 'collector'] as const;
  for (let from = 0; from < INGEST_SAMPLES; from += BATCH) {
    const batch = sweepBatch(from);
    // The first writer of a round rotates: influxd's deferred work (Go GC, WAL, cache snapshots)
    // tends to land on whoever writes next, and must not land on the same writer every time.
    const round = from / BATCH;
    for (const name of [...order.slice(round % 3), ...order.slice(0, round % 3)]) {
      const at = performance.now();
      const cpuAt = process.cpuUsage();
      const serverCpuAtMs = processCpuMs(pid);
      await writers[name](batch);
      const cpu = process.cpuUsage(cpuAt);
      cpuMs[name] += (cpu.user + cpu.system) / 1000;
      serverCpuMs[name] += processCpuMs(pid) - serverCpuAtMs;
      spentMs[name] += performance.now() - at;
    }
  }
  const cpuPerBatchMs = (ms: number) => ms / (INGEST_SAMPLES / BATCH);
  const rate = (ms: number) => INGEST_SAMPLES / (ms / 1000);
  const [bareRate, directRate, collectorRate] = [rate(spentMs.bare), rate(spentMs.direct), rate(spentMs.collector)];
  const spooled = collector.spool?.depth().records ?? 0;
  await collector.close();
  await direct.close();

  // --- A year (quick: 30 days) of one torrent, queried as 500 points. ---
  const target = 'f'.repeat(40);
  const seriesSamples = (SERIES_DAYS * DAY_MS) / CADENCE_MS;
  const writer = influxStoreAt(influxd, 'series', SERIES_RETENTION);
  let at = performance.now();
  for (let from = 0; from < seriesSamples; from += BATCH) {
    const count = Math.min(BATCH, seriesSamples - from);
    await writer.writeSamples(Array.from({ length: count }, (_, offset) => ({ ...sampleAt(from + offset, SERIES_T0 + (from + offset) * CADENCE_MS), infohash: target })));
  }
  const seriesWriteMs = performance.now() - at;
  // These samples are all "late": close() runs the backfill of the hourly and daily policies now,
  // so it is finished (and timed) before the queries rather than competing with them.
  at = performance.now();
  await writer.close();
  const backfillMs = performance.now() - at;

  const reader = influxStoreAt(influxd, 'series', SERIES_RETENTION);
  await reader.ready();
  const rangeMs = SERIES_DAYS * DAY_MS;
  const query = { infohash: target, metric: 'dht_peers' as const, fromMs: SERIES_T0, toMs: SERIES_T0 + rangeMs, stepMs: Math.ceil(rangeMs / 500), agg: 'avg' as const };
  // The statement querySeries sends, for the bare baseline.
  const statement = rangeSelect({ database: 'series', policy: RAW_POLICY, measurement: SWARM_MEASUREMENT.name, field: query.metric, agg: query.agg, stepMs: query.stepMs });
  const params = { infohash: target, from: timeParameter(query.fromMs), to: timeParameter(query.toMs) };
  // Store and bare queries alternate, the first of each round rotating, so influxd's background
  // work (the backfill's compactions, Go GC) falls on both alike; 40 in a block each had put a p95
  // of 63–81 ms on whichever block ran first, against ~29 ms for both when alternated.
  const runs = { store: async () => (await reader.querySeries(query)).length, bare: () => bareQuery(influxd, 'series', statement, params) };
  const timesMs: Record<keyof typeof runs, number[]> = { store: [], bare: [] };
  const points: Record<keyof typeof runs, number> = { store: 0, bare: 0 };
  for (const run of Object.values(runs)) await run(); // warm-up: the first read of each shard opens its files
  for (let round = 0; round < QUERY_ROUNDS; round++) {
    for (const name of round % 2 === 0 ? (['store', 'bare'] as const) : (['bare', 'store'] as const)) {
      const started = performance.now();
      points[name] = await runs[name]();
      timesMs[name].push(performance.now() - started);
    }
  }
  const summary = (name: keyof typeof runs) => {
    const sorted = [...timesMs[name]].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), points: points[name] };
  };
  const storeQuery = summary('store');
  const bareSeries = summary('bare');
  await reader.close();

  const percentOf = (value: number, of: number) => `${((100 * value) / of).toFixed(0)}%`;
  console.log(`InfluxDB ${influxd.url} ingest, ${INGEST_SAMPLES} samples in sweeps of ${BATCH} torrents, the three writers taking turns per batch:`);
  const cpu = (name: keyof typeof cpuMs) => `CPU per batch: client ${cpuPerBatchMs(cpuMs[name]).toFixed(1)} ms, influxd ${cpuPerBatchMs(serverCpuMs[name]).toFixed(1)} ms`;
  console.log(`  bare line protocol POST /write (ceiling): ${Math.round(bareRate)} samples/s, ${cpu('bare')}`);
  console.log(`  openInfluxStore().writeSamples:           ${Math.round(directRate)} samples/s (${percentOf(directRate, bareRate)} of the ceiling), ${cpu('direct')}`);
  console.log(`  openStore() collector path, with spool:   ${Math.round(collectorRate)} samples/s (${percentOf(collectorRate, bareRate)} of the ceiling), ${cpu('collector')}; ${spooled} batches left in the spool`);
  console.log(`  target ${TARGET_SAMPLES_PER_SEC} samples/s: collector path ${collectorRate >= TARGET_SAMPLES_PER_SEC ? 'meets' : 'misses'} it (${percentOf(collectorRate, TARGET_SAMPLES_PER_SEC)})`);
  console.log(`${SERIES_DAYS}-day series at 5 min (${seriesSamples} samples, written in ${(seriesWriteMs / 1000).toFixed(1)} s, backfill of the downsampled policies ${(backfillMs / 1000).toFixed(1)} s) → ${storeQuery.points} points: ` +
      `querySeries p50 ${storeQuery.p50.toFixed(1)} ms, p95 ${storeQuery.p95.toFixed(1)} ms; bare GET /query p50 ${bareSeries.p50.toFixed(1)} ms, p95 ${bareSeries.p95.toFixed(1)} ms (${QUERY_ROUNDS} queries each, alternating)`);
  // --- Disk growth, on an influxd that snapshots its cache and compacts 2 s after the last write. ---
  await influxd.dispose(); // its compactions of the databases above must not share the CPU with this part
  const disk = (diskInfluxd = await startInfluxd({ cacheSnapshotWriteColdDuration: '2s', compactFullWriteColdDuration: '2s' }));
  for (const database of ['day_bare', 'day_tagged']) await influxStoreAt(disk, database, INGEST_RETENTION).ready();
  const dayMs = { store: 0, bare: 0, tagged: 0, rollUp: 0, backfill: 0, settle: 0 };
  const timedInto = <T>(name: keyof typeof dayMs, work: () => Promise<T>, atMs = performance.now()) => work().finally(() => (dayMs[name] += performance.now() - atMs));
  const written = { sketchBytes: 0, taggedPoints: 0, daySketches: 0, settled: true };
  const afterDay: { store: ReturnType<typeof databaseUse>; bare: ReturnType<typeof databaseUse>; tagged: ReturnType<typeof databaseUse> }[] = [];
  for (const day of [0, 1]) {
    const dayStore = await openStore(disk.storeUrl('day_store'), { dataDir, retention: INGEST_RETENTION, spool: { maxBytes: 1 << 30, name: 'day' } });
    for (let g = day * SWEEPS_PER_DAY; g < (day + 1) * SWEEPS_PER_DAY; g++) {
      const [atMs, torrents] = [sweepEndMs(g), Array.from({ length: DISK_TORRENTS }, (_, t) => t)];
      const [samples, tagged, sketches] = [torrents.map((t) => daySample(t, g, atMs)), torrents.flatMap((t) => dayTagged(t, g, atMs)), torrents.map((t) => daySketch(t, g, atMs, t === 0))];
      [written.sketchBytes, written.taggedPoints] = [written.sketchBytes + sketches.reduce((sum, sample) => sum + sample.sketch.length, 0), written.taggedPoints + tagged.length];
      // runSweep's three writes, in its order, through the collector's store (the spool in front of InfluxDB).
      await timedInto('store', async () => (await dayStore.spool!.writeSamples(samples), await dayStore.spool!.writeTagged(tagged), await dayStore.spool!.writeSketches(sketches)));
      await timedInto('bare', () => bareWrite(disk, 'day_bare', lineProtocol(samples)));
      await timedInto('tagged', () => bareWrite(disk, 'day_tagged', taggedLineProtocol(tagged)));
    }
    const rollUp = influxStoreAt(disk, 'day_store', INGEST_RETENTION); // the next day's first sweep would roll this day's sketches up (store/sketch-days.ts): the same code, now
    written.daySketches += await timedInto('rollUp', () => new SketchDays(createInfluxSketchTables(rollUp.client, rollUp.ready)).rollUpDaysBefore(DISK_DAY_MS + (day + 1) * DAY_MS));
    await timedInto('backfill', () => dayStore.close()); // every sweep is "late": close() runs the store's backfill of the hourly and daily policies (the CQs' SELECT … INTO)
    written.settled &&= (await timedInto('settle', () => settle(disk, ['day_store', 'day_bare', 'day_tagged']))).settled;
    afterDay.push({ store: databaseUse(disk, 'day_store'), bare: databaseUse(disk, 'day_bare'), tagged: databaseUse(disk, 'day_tagged') });
  }
  const [first, both, bytesOf] = [afterDay[0]!, afterDay[1]!, ({ files: _files, ...bytes }: ReturnType<typeof databaseUse>) => bytes];
  // Raw: a shard per day, so half of the two. Hourly and daily: one 7-day shard, whose per-series index the first day pays alone;
  // the second day's bytes are a day's marginal cost, so a week is first + 6 × marginal, and a day in steady state a 7th of that.
  const steady = (key: 'hourly' | 'daily') => (first.store[key] + 6 * (both.store[key] - first.store[key])) / 7;
  const [raw, hourly, daily] = [both.store.raw / 2, steady('hourly'), steady('daily')];
  const [dayBytes, bareDayBytes, taggedDayBytes] = [raw + hourly + daily + both.store.wal / 2, (both.bare.raw + both.bare.wal) / 2, both.tagged.raw / 2];
  const kib = (bytes: number) => `${(bytes / DISK_TORRENTS / 1024).toFixed(1)} KiB`;
  const mibAt = (bytes: number, days = 1) => (((bytes / DISK_TORRENTS) * SCALE_TORRENTS * days) / 2 ** 20).toFixed(0);
  const seconds = (ms: number) => `${(ms / 2000).toFixed(1)} s`; // per day
  console.log(`disk growth: 2 days (${new Date(DISK_DAY_MS).toISOString().slice(0, 10)} and the next) of ${SWEEPS_PER_DAY} sweeps of ${DISK_TORRENTS} torrents, each 24 fields, ${written.taggedPoints / 2 / SWEEPS_PER_DAY / DISK_TORRENTS} tagged points and a sketch per sweep; per day: ` +
      `written through openStore in ${seconds(dayMs.store)} (bare swarm ${seconds(dayMs.bare)}, bare tagged ${seconds(dayMs.tagged)}), ${written.daySketches / 2} day sketches rolled up in ${seconds(dayMs.rollUp)}, backfill on close ${seconds(dayMs.backfill)}, ` +
      `influxd ${written.settled ? 'settled' : 'NOT settled (bytes include uncompacted data)'} (WALs empty, one TSM file per shard) in ${seconds(dayMs.settle)}`);
  console.log(`  store: ${kib(dayBytes)} per torrent per day → ${mibAt(dayBytes)} MiB/day at ${formatCount(SCALE_TORRENTS)} torrents: raw ${kib(raw)}, hourly ${kib(hourly)}, daily ${kib(daily)} (downsampled ${percentOf(hourly + daily, dayBytes)}), WAL ${both.store.wal} bytes`);
  console.log(`    hourly + daily as measured: ${kib(first.store.hourly)} + ${kib(first.store.daily)} for the first day in its shard, +${kib(both.store.hourly - first.store.hourly)} + ${kib(both.store.daily - first.store.daily)} for the second (steady state: (first + 6 × second) / 7)`);
  console.log(`    raw by part: swarm ${kib(bareDayBytes)} (as the baseline), tagged ${kib(taggedDayBytes)} (their own database), sketches ${kib(raw - bareDayBytes - taggedDayBytes)} by difference (${kib(written.sketchBytes / 2)} serialized)`);
  console.log(`  baseline, bare swarm line protocol: ${kib(bareDayBytes)} per torrent per day → ${mibAt(bareDayBytes)} MiB/day at ${formatCount(SCALE_TORRENTS)} torrents; the store's day is ${(dayBytes / bareDayBytes).toFixed(1)}× that`);
  console.log(`  not counted: the series file (_series, ${kib(both.store.seriesFile)} allocated: per series, not per day). No CQ ran on these past days: hourly and daily hold the store's backfill and day sketches. ` +
      `At the default retention, ${formatCount(SCALE_TORRENTS)} torrents keep ≈ ${mibAt(raw, 30)} MiB raw (30 d) + ${mibAt(hourly, 365)} MiB hourly (365 d) + ${mibAt(daily, 365)} MiB daily per year`);
  console.log(`total ${((performance.now() - startedMs) / 1000).toFixed(1)} s`);
  reportResult({
    ingestSamples: INGEST_SAMPLES, batch: BATCH, targetSamplesPerSec: TARGET_SAMPLES_PER_SEC,
    bareSamplesPerSec: Math.round(bareRate), directStoreSamplesPerSec: Math.round(directRate), collectorStoreSamplesPerSec: Math.round(collectorRate),
    bareClientCpuMsPerBatch: cpuPerBatchMs(cpuMs.bare), directClientCpuMsPerBatch: cpuPerBatchMs(cpuMs.direct), collectorClientCpuMsPerBatch: cpuPerBatchMs(cpuMs.collector),
    bareInfluxdCpuMsPerBatch: cpuPerBatchMs(serverCpuMs.bare), directInfluxdCpuMsPerBatch: cpuPerBatchMs(serverCpuMs.direct), collectorInfluxdCpuMsPerBatch: cpuPerBatchMs(serverCpuMs.collector),
    seriesDays: SERIES_DAYS, seriesSamples, seriesWriteMs: Math.round(seriesWriteMs), backfillMs: Math.round(backfillMs),
    points: storeQuery.points, queryP50Ms: storeQuery.p50, queryP95Ms: storeQuery.p95, bareQueryP50Ms: bareSeries.p50, bareQueryP95Ms: bareSeries.p95,
    diskTorrents: DISK_TORRENTS, diskDays: 2, diskFirstDay: new Date(DISK_DAY_MS).toISOString().slice(0, 10), diskSettled: written.settled, ...Object.fromEntries(Object.entries(dayMs).map(([name, ms]) => [`disk${name[0]!.toUpperCase()}${name.slice(1)}MsPerDay`, Math.round(ms / 2)])),
    diskFirstDayStoreBytes: bytesOf(first.store), diskTwoDaysStoreBytes: bytesOf(both.store), diskTwoDaysBareRawBytes: both.bare.raw, diskTwoDaysTaggedRawBytes: both.tagged.raw, diskSketchSerializedBytesPerDay: written.sketchBytes / 2,
    diskRawBytesPerTorrentDay: Math.round(raw / DISK_TORRENTS), diskHourlyBytesPerTorrentDay: Math.round(hourly / DISK_TORRENTS), diskDailyBytesPerTorrentDay: Math.round(daily / DISK_TORRENTS),
    diskStoreBytesPerTorrentDay: Math.round(dayBytes / DISK_TORRENTS), diskBareBytesPerTorrentDay: Math.round(bareDayBytes / DISK_TORRENTS),
    diskStoreMiBPerDayAt10k: Number(mibAt(dayBytes)), diskBareMiBPerDayAt10k: Number(mibAt(bareDayBytes)),
  }, [
    { figure: `InfluxDB ingest, ${formatCount(INGEST_SAMPLES)} samples in sweep-shaped batches of ${BATCH}, collector path (openStore + spool)`, value: `${formatCount(collectorRate)} samples/s`,
      baseline: `bare line protocol POST /write: ${formatCount(bareRate)} samples/s`, target: `≥ ${formatCount(TARGET_SAMPLES_PER_SEC)} samples/s` },
    { figure: `InfluxDB: ${SERIES_DAYS}-day 5-minute series → ${storeQuery.points} points`, value: `p50 ${storeQuery.p50.toFixed(1)} ms, p95 ${storeQuery.p95.toFixed(1)} ms`,
      baseline: `bare GET /query: p50 ${bareSeries.p50.toFixed(1)} ms, p95 ${bareSeries.p95.toFixed(1)} ms`, target: 'p95 ≤ 50 ms' },
    { figure: `InfluxDB disk growth per day at ${formatCount(SCALE_TORRENTS)} torrents (2 days of 15-min sweeps of ${formatCount(DISK_TORRENTS)} torrents through openStore: samples, tagged series, sketches; compacted TSM; × ${SCALE_TORRENTS / DISK_TORRENTS})`,
      value: `${mibAt(dayBytes)} MiB/day (${kib(dayBytes)} per torrent; hourly + daily ${percentOf(hourly + daily, dayBytes)})`, baseline: `bare swarm line protocol: ${mibAt(bareDayBytes)} MiB/day` },
  ]);
} finally {
  await cleanUp();
}
