/**
 * API load on loopback (autocannon, 16 connections, in this process) against `swarmscope start` —
 * API and collector in one process, as users run it — while its collector sweeps a 1,000-node
 * loopback sim: `GET /api/v1/torrents` cycling through the pages of 10,000 watched torrents, and
 * `GET /api/v1/torrents/:infohash/series` of dht_peers over the last 30 days (15-minute samples,
 * 2,880 per torrent, with their sweep log). Prints req/s, p50, p99, non-2xx and the server's CPU.
 * Baselines in the same run: /healthz on the same server (what server and client can do at all on
 * this machine), and the same routes from `swarmscope serve` on the same store (no collector), so
 * the sweeping/idle ratio is the sweep's cost. Issue targets: list ≥ 2,000 req/s, series ≥ 1,000
 * req/s, p99 ≤ 100 ms; printed as met or missed, never asserted. `--quick`: 3 s per load instead
 * of 20, and 20 torrents with a 30-day series instead of 200. API_LOAD_CPU_PROF=<dir> writes both
 * servers' CPU profiles there (<dir>/serve, <dir>/start; the main thread's is CPU.*.0.001.cpuprofile).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.ts';
import { SweepLog } from '../store/state/sweep-log.ts';
import type { NewWatchedTorrent, SwarmSample } from '../store/types.ts';
import { formatCount, reportResult } from './results.ts';
import { startBenchSim } from './sim-process.ts';

const QUICK = process.argv.includes('--quick');
const TORRENTS = 10_000;
/** Torrents with the full 30 days of samples; the others have their latest sweep's sample only. */
const SERIES_TORRENTS = QUICK ? 20 : 200;
const SERIES_DAYS = 30;
const SWEEP_INTERVAL_MS = 15 * 60_000;
const SWEEPS = (SERIES_DAYS * 86_400_000) / SWEEP_INTERVAL_MS;
const PAGE_LIMIT = 100;
const CONNECTIONS = 16;
const LOAD_S = QUICK ? 3 : 20;
// The ceiling is one cheap route whose rate settles fast; a shorter load leaves the time to the routes measured.
const HEALTHZ_LOAD_S = QUICK ? 2 : 10;
// JIT, SQLite's page cache and the connection ramp settle before the figures count (see load()).
const WARMUP_S = QUICK ? 1 : 3;
const TARGETS = { listReqPerS: 2000, seriesReqPerS: 1000, p99Ms: 100 };
const DAY_MS = 86_400_000;
/** The sim answers a join in about a second; a minute means the DHT cannot be joined at all. */
const READY_TIMEOUT_MS = 60_000;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const CLOCK_TICKS_PER_S = 100;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchStartedMs = Date.now();

const sim = await startBenchSim(['--nodes', '1000', '--torrents', '50', '--seed', '21', '--min-peers', '10', '--max-peers', '400']);
/** Servers still running: a bench that fails half-way must not leave them (or the sim) busy in the background. */
const liveServers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveServers) child.kill('SIGKILL');
  sim.stop();
});
const dir = mkdtempSync(path.join(tmpdir(), 'swarmscope-api-load-'));
const dbPath = path.join(dir, 'db.sqlite');

// --- The store: 10,000 watched torrents (the sim's among them, so the sweep finds swarms), the
// last sweep's sample for each, 30 days of sweeps for some, and the sweep log that says so.
const seedStartedMs = performance.now();
const lastSweepAtMs = Date.now() - 60_000;
const firstSweepAtMs = lastSweepAtMs - (SWEEPS - 1) * SWEEP_INTERVAL_MS;
// Watched since before the range, so the 30 days are all "watched" time (no gap before it was added).
const store = openSqliteStore(dbPath, {
  now: () => firstSweepAtMs - DAY_MS,
  upkeep: { rawRetentionMs: 0, hourlyRetentionMs: 365 * DAY_MS, dailyRetentionMs: 0, intervalMs: 10 * 60_000 },
});
const syntheticInfohash = (index: number) => createHash('sha1').update(`api-load ${index}`).digest('hex');
const infohashes = [...sim.torrents.map((torrent) => torrent.infohash), ...Array.from({ length: TORRENTS - sim.torrents.length }, (_, index) => syntheticInfohash(index))];
// No trackers and no web seeds: the collector's traffic stays on the loopback sim.
const entries: NewWatchedTorrent[] = infohashes.map((infohash, index) => ({
  infohash,
  label: `bench torrent ${index}`,
  name: `model-weights-${index}.safetensors`,
  size: 4_000_000_000 + index * 1_000_003,
  tags: ['bench', index % 2 === 0 ? 'even' : 'odd'],
  source: 'bench',
}));
store.registry.importEntries(entries);

/** Plausible values: a daily swing around a per-torrent size, so buckets average something real. */
function sampleOf(torrentIndex: number, sweepIndex: number, atMs: number): SwarmSample {
  const size = 50 + ((torrentIndex * 7919) % 1500);
  const peers = Math.round(size * (1 + 0.3 * Math.sin((2 * Math.PI * atMs) / DAY_MS)) + (sweepIndex % 17));
  return {
    infohash: infohashes[torrentIndex]!,
    atMs,
    values: {
      dht_peers: peers,
      dht_peers_v4: Math.round(peers * 0.85),
      dht_peers_v6: peers - Math.round(peers * 0.85),
      dht_nodes: 8,
      bep33_seeders: Math.round(peers * 0.4),
      bep33_peers: Math.round(peers * 0.9),
      bep33_saturated: 0,
      dht_uncorroborated: sweepIndex % 3,
      swarm_estimate: Math.round(peers * 1.6),
      swarm_estimate_low: Math.round(peers * 1.3),
      swarm_estimate_high: Math.round(peers * 2),
      new_peers: sweepIndex % 23,
      unique_peers: peers + 40,
      countries: 12 + (torrentIndex % 30),
      lookup_ms: 700 + (sweepIndex % 400),
    },
  };
}
const sweepAtMs = (sweepIndex: number) => firstSweepAtMs + sweepIndex * SWEEP_INTERVAL_MS;
// Spread over the list, so series requests do not all read neighbouring rows.
const seriesTorrentIndexes = Array.from({ length: SERIES_TORRENTS }, (_, index) => Math.floor((index * TORRENTS) / SERIES_TORRENTS));
for (const torrentIndex of seriesTorrentIndexes) {
  await store.series.writeSamples(Array.from({ length: SWEEPS - 1 }, (_, sweepIndex) => sampleOf(torrentIndex, sweepIndex, sweepAtMs(sweepIndex))));
}
// The last sweep's write is what a sweep of 10,000 torrents commits at its end, in the collector's process.
const lastWriteStartedMs = performance.now();
await store.series.writeSamples(infohashes.map((_, torrentIndex) => sampleOf(torrentIndex, SWEEPS - 1, lastSweepAtMs)));
const sweepEndWriteMs = performance.now() - lastWriteStartedMs;
const sweepLog = new SweepLog(store.db);
const settingsId = sweepLog.recordSettings({ bench: 'api-load', intervalMs: SWEEP_INTERVAL_MS }, firstSweepAtMs);
store.db.transaction(() => {
  for (let sweepIndex = 0; sweepIndex < SWEEPS; sweepIndex++) {
    const finishedAtMs = sweepAtMs(sweepIndex);
    sweepLog.record({ startedAtMs: finishedAtMs - 120_000, finishedAtMs, intervalMs: SWEEP_INTERVAL_MS, shard: '0/1', settingsId, planned: TORRENTS, measured: TORRENTS, outcome: 'done', cause: null });
  }
})();
// A store that has run for 30 days has its hourly and daily rollups; the collector's upkeep at open would otherwise do them under load.
await store.upkeep!.run();
await store.close();
const seedS = (performance.now() - seedStartedMs) / 1000;

// --- The servers: child processes, so the server and autocannon do not share one event loop.
interface ServerProcess {
  url: string;
  pid: number;
  /** SIGTERM (SIGUSR2 when profiling), then SIGKILL after `graceMs`; resolves with whether it exited by itself. */
  stop(graceMs: number): Promise<boolean>;
}

const serverEnv = {
  ...process.env,
  SWARMSCOPE_LOG_LEVEL: 'warn',
  // The limiter would answer 429 long before the server is busy: measure the server, not the limiter.
  SWARMSCOPE_RATE_LIMIT_PER_MINUTE: '0',
};
const cpuProfileDir = process.env.API_LOAD_CPU_PROF;
// Node writes a CPU profile only at a clean exit, which `start` does not reach in time (see its stop
// below): a profiled server exits at once on SIGUSR2, and the profile is written.
const EXIT_ON_SIGUSR2 = "data:text/javascript,process.on('SIGUSR2', () => process.exit(0))";

async function startServer(command: 'serve' | 'start', extraArgs: string[]): Promise<ServerProcess> {
  // One folder per server: tsx's loader thread writes a profile of its own beside the main thread's.
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(cpuProfileDir, command), '--import', EXIT_ON_SIGUSR2] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profile, '--import', 'tsx', 'cli/main.ts', command, '--store', `sqlite:${dbPath}`, '--data-dir', dir, '--host', '127.0.0.1', '--port', '0', ...extraArgs],
    { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: serverEnv },
  );
  liveServers.add(child);
  let stderr = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      liveServers.delete(child);
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /API and page at (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${stderr}`)));
  });
  // As a load balancer would: traffic once /readyz says ready (for `start`: the DHT joined, the first sweep under way).
  const readyByMs = Date.now() + READY_TIMEOUT_MS;
  while ((await fetch(`${url}/readyz`)).status !== 200) {
    if (Date.now() > readyByMs) throw new Error(`${command} not ready after ${READY_TIMEOUT_MS / 1000} s: ${await (await fetch(`${url}/readyz`)).text()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    async stop(graceMs) {
      child.kill(cpuProfileDir ? 'SIGUSR2' : 'SIGTERM');
      let killed = false;
      // Writing a profile takes a moment: it gets one.
      const killer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, cpuProfileDir ? Math.max(graceMs, 30_000) : graceMs);
      await exited;
      clearTimeout(killer);
      return !killed;
    },
  };
}

// --- Measuring.
function cpuSecondsOf(pid: number): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

async function scrapeCounter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

interface LoadFigures {
  reqPerS: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  errors: number;
  kibPerResponse: number;
  /** Of one core: 100 = one core busy all the time. */
  serverCpuPercent: number;
  clientCpuPercent: number;
}

/** Nearest rank: the smallest value with at least p% of the values at or below it. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * One autocannon run of WARMUP_S + durationS on the same connections; only the steady part counts.
 * Not autocannon's `warmup`, which opens new connections for the measured part: 16 connections
 * opened at once on a saturated server get their first answers one server round after another (up
 * to 1.5 s for the series), a ramp that is not the steady state and would be most of a 3 s p99.
 */
async function load(server: ServerProcess, paths: string[], durationS = LOAD_S): Promise<LoadFigures> {
  const startedMs = performance.now();
  const steadyFromMs = startedMs + WARMUP_S * 1000;
  const latenciesMs: number[] = [];
  let completed = 0;
  let non2xx = 0;
  let bytes = 0;
  let serverCpuAtSteady = 0;
  let clientCpuAtSteady = process.cpuUsage();
  const steadyTimer = setTimeout(() => {
    serverCpuAtSteady = cpuSecondsOf(server.pid);
    clientCpuAtSteady = process.cpuUsage();
  }, WARMUP_S * 1000);
  const instance = autocannon({
    url: server.url,
    connections: CONNECTIONS,
    duration: WARMUP_S + durationS,
    requests: paths.map((requestPath) => ({ method: 'GET', path: requestPath })),
  });
  instance.on('response', (_client, statusCode, responseBytes, responseTimeMs) => {
    const nowMs = performance.now();
    if (nowMs < steadyFromMs) return;
    // Throughput counts what was answered in the steady part; latency, what was also asked in it.
    completed++;
    bytes += responseBytes;
    if (statusCode < 200 || statusCode > 299) non2xx++;
    if (nowMs - responseTimeMs >= steadyFromMs) latenciesMs.push(responseTimeMs);
  });
  const result = await instance;
  clearTimeout(steadyTimer);
  const steadyS = (performance.now() - steadyFromMs) / 1000;
  const clientCpu = process.cpuUsage(clientCpuAtSteady);
  latenciesMs.sort((a, b) => a - b);
  return {
    reqPerS: completed / steadyS,
    p50Ms: percentile(latenciesMs, 50),
    p99Ms: percentile(latenciesMs, 99),
    maxMs: latenciesMs.at(-1) ?? 0,
    non2xx,
    errors: result.errors,
    kibPerResponse: bytes / Math.max(1, completed) / 1024,
    serverCpuPercent: (100 * (cpuSecondsOf(server.pid) - serverCpuAtSteady)) / steadyS,
    clientCpuPercent: (clientCpu.user + clientCpu.system) / 1e4 / steadyS,
  };
}

/** One answer of each route checked before the load, so the figures are of real answers, not of errors. */
async function checkAnswers(url: string): Promise<{ listTotal: number; seriesPoints: number }> {
  const list = (await (await fetch(`${url}${listPaths[listPaths.length - 1]!}`)).json()) as { torrents: unknown[]; total: number };
  if (list.torrents.length !== PAGE_LIMIT || list.total < TORRENTS) throw new Error(`the last list page has ${list.torrents.length} torrents of ${list.total}`);
  const series = (await (await fetch(`${url}${seriesPaths[0]!}`)).json()) as { points?: [string, number | null][] };
  const measured = series.points?.filter(([, value]) => value !== null).length ?? 0;
  if (measured < 300) throw new Error(`the 30-day series has ${measured} measured points: ${JSON.stringify(series).slice(0, 300)}`);
  return { listTotal: list.total, seriesPoints: measured };
}

const listPaths = Array.from({ length: TORRENTS / PAGE_LIMIT }, (_, page) => `/api/v1/torrents?limit=${PAGE_LIMIT}&offset=${page * PAGE_LIMIT}`);
// What a dashboard asks for a month: the default step (2 h, 360 buckets), averaged.
const seriesPaths = seriesTorrentIndexes.map((torrentIndex) => `/api/v1/torrents/${infohashes[torrentIndex]}/series?metric=dht_peers&from=-30d&to=now`);

// Idle: `serve`, the same API on the same store with no collector in the process.
const idleServer = await startServer('serve', []);
const answers = await checkAnswers(idleServer.url);
const idle = { healthz: await load(idleServer, ['/healthz'], HEALTHZ_LOAD_S), list: await load(idleServer, listPaths), series: await load(idleServer, seriesPaths) };
await idleServer.stop(15_000);

// Sweeping: `start` with the sim's DHT; the first sweep of 10,000 torrents outlasts the loads, and
// a 1 s interval starts the next at once should it not.
const sweepingServer = await startServer('start', [
  '--interval', '1s',
  '--bootstrap', sim.bootstrap.join(','),
  '--allow-private-addresses',
  '--dht-loopback-only',
  '--dht-bind-host', '127.0.0.1',
  // The sim's torrents are in the store already; naming them keeps the shipped watchlist out.
  ...sim.torrents.flatMap((torrent) => ['--watch', torrent.infohash]),
]);
const dhtQueriesBefore = await scrapeCounter(sweepingServer.url, 'swarmscope_dht_queries_sent_total');
const collectorStartedMs = performance.now();
const sweeping = { healthz: await load(sweepingServer, ['/healthz'], HEALTHZ_LOAD_S), list: await load(sweepingServer, listPaths), series: await load(sweepingServer, seriesPaths) };
const collectorS = (performance.now() - collectorStartedMs) / 1000;
const dhtQueriesPerS = ((await scrapeCounter(sweepingServer.url, 'swarmscope_dht_queries_sent_total')) - dhtQueriesBefore) / collectorS;
const samplesWritten = await scrapeCounter(sweepingServer.url, 'swarmscope_store_samples_written_total');
// `start` stops after the sweep under way (collector/scheduler.ts), which for 10,000 torrents outlasts
// the bench: it gets a short grace, then SIGKILL.
const START_STOP_GRACE_MS = 1000;
const startExitedByItself = await sweepingServer.stop(START_STOP_GRACE_MS);
sim.stop();
const logDb = new Database(dbPath, { readonly: true });
const sweepsDone = (logDb.prepare("SELECT count(*) AS n FROM sweeps WHERE finished_at_ms > ? AND outcome = 'done'").get(lastSweepAtMs) as { n: number }).n;
logDb.close();
rmSync(dir, { recursive: true, force: true });

// --- Figures.
const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const line = (name: string, figures: LoadFigures) =>
  `  ${name.padEnd(30)} ${fmt(figures.reqPerS).padStart(6)} req/s, p50 ${fmt(figures.p50Ms, 1)} ms, p99 ${fmt(figures.p99Ms, 1)} ms, max ${fmt(figures.maxMs)} ms, ` +
  `${figures.non2xx} non-2xx, ${figures.errors} errors, ${fmt(figures.kibPerResponse, 1)} KiB/answer; server CPU ${fmt(figures.serverCpuPercent)}%, client CPU ${fmt(figures.clientCpuPercent)}%`;
const verdict = (figures: LoadFigures, reqPerSTarget: number) =>
  `${figures.reqPerS >= reqPerSTarget ? 'met' : 'MISSED'} (≥ ${fmt(reqPerSTarget)} req/s), p99 ${figures.p99Ms <= TARGETS.p99Ms ? 'met' : 'MISSED'} (≤ ${TARGETS.p99Ms} ms)`;

console.log(
  `store: ${fmt(answers.listTotal)} watched torrents, ${SERIES_TORRENTS} with ${SERIES_DAYS} days of 15-minute samples (${fmt(SWEEPS)} each), ${fmt(SWEEPS)} sweeps in the log; seeded in ${fmt(seedS, 1)} s ` +
    `(a sweep's end write of ${fmt(TORRENTS)} samples took ${fmt(sweepEndWriteMs)} ms, blocking its process)`,
);
console.log(`autocannon: ${CONNECTIONS} connections, ${LOAD_S} s per load (/healthz ${HEALTHZ_LOAD_S} s) after ${WARMUP_S} s of warm-up on the same connections; list = ${listPaths.length} pages of ${PAGE_LIMIT} in turn; series = ${seriesPaths.length} torrents in turn, 30 days at the default step (${answers.seriesPoints} points)`);
console.log('idle baseline, `serve` (no collector):');
console.log(line('GET /healthz (ceiling)', idle.healthz));
console.log(line('GET /api/v1/torrents page', idle.list));
console.log(line('GET …/series 30 days', idle.series));
console.log(`while \`start\` sweeps a 1,000-node sim (${fmt(dhtQueriesPerS)} DHT queries/s; ${sweepsDone} sweeps finished, ${fmt(samplesWritten)} samples written during the loads):`);
console.log(line('GET /healthz (ceiling)', sweeping.healthz));
console.log(line('GET /api/v1/torrents page', sweeping.list));
console.log(line('GET …/series 30 days', sweeping.series));
const percentOf = (part: number, whole: number) => `${fmt((100 * part) / whole, 1)}%`;
console.log(
  `while sweeping, of idle: list ${percentOf(sweeping.list.reqPerS, idle.list.reqPerS)}, series ${percentOf(sweeping.series.reqPerS, idle.series.reqPerS)}, /healthz ${percentOf(sweeping.healthz.reqPerS, idle.healthz.reqPerS)}; ` +
    `of the same server's /healthz: list ${percentOf(sweeping.list.reqPerS, sweeping.healthz.reqPerS)}, series ${percentOf(sweeping.series.reqPerS, sweeping.healthz.reqPerS)}`,
);
console.log(`targets while sweeping: list ${verdict(sweeping.list, TARGETS.listReqPerS)}; series ${verdict(sweeping.series, TARGETS.seriesReqPerS)}`);
if (!startExitedByItself) console.log(`\`start\` was killed ${START_STOP_GRACE_MS / 1000} s after SIGTERM: its lookups under way had not finished (the bench does not wait for a clean stop)`);
console.log(`wall time ${fmt((Date.now() - benchStartedMs) / 1000)} s${cpuProfileDir ? `; CPU profiles in ${cpuProfileDir}` : ''}`);

const flat = (prefix: string, figures: LoadFigures) => ({
  [`${prefix}ReqPerS`]: Math.round(figures.reqPerS),
  [`${prefix}P50Ms`]: Number(figures.p50Ms.toFixed(1)),
  [`${prefix}P99Ms`]: Number(figures.p99Ms.toFixed(1)),
  [`${prefix}Non2xx`]: figures.non2xx + figures.errors,
  [`${prefix}ServerCpuPercent`]: Math.round(figures.serverCpuPercent),
});
reportResult({
  torrents: TORRENTS,
  seriesTorrents: SERIES_TORRENTS,
  seriesDays: SERIES_DAYS,
  connections: CONNECTIONS,
  loadS: LOAD_S,
  ...flat('idleHealthz', idle.healthz),
  ...flat('idleList', idle.list),
  ...flat('idleSeries', idle.series),
  ...flat('sweepingHealthz', sweeping.healthz),
  ...flat('sweepingList', sweeping.list),
  ...flat('sweepingSeries', sweeping.series),
  listSweepingVsIdle: Number((sweeping.list.reqPerS / idle.list.reqPerS).toFixed(2)),
  seriesSweepingVsIdle: Number((sweeping.series.reqPerS / idle.series.reqPerS).toFixed(2)),
  listVsHealthz: Number((sweeping.list.reqPerS / sweeping.healthz.reqPerS).toFixed(3)),
  seriesVsHealthz: Number((sweeping.series.reqPerS / sweeping.healthz.reqPerS).toFixed(3)),
  collectorDhtQueriesPerS: Math.round(dhtQueriesPerS),
  sweepEndWriteMs: Math.round(sweepEndWriteMs),
  seedS: Number(seedS.toFixed(1)),
}, [
  {
    figure: `API while \`start\` sweeps: GET /api/v1/torrents, pages of ${PAGE_LIMIT} of ${formatCount(TORRENTS)} torrents (${CONNECTIONS} connections)`,
    value: `${formatCount(sweeping.list.reqPerS)} req/s, p99 ${sweeping.list.p99Ms.toFixed(1)} ms`,
    baseline: `idle \`serve\`: ${formatCount(idle.list.reqPerS)} req/s; /healthz ${formatCount(sweeping.healthz.reqPerS)} req/s`,
    target: `≥ ${formatCount(TARGETS.listReqPerS)} req/s, p99 ≤ ${TARGETS.p99Ms} ms`,
  },
  {
    figure: `API while \`start\` sweeps: GET …/series, ${SERIES_DAYS} days of 15-minute samples (${CONNECTIONS} connections)`,
    value: `${formatCount(sweeping.series.reqPerS)} req/s, p99 ${sweeping.series.p99Ms.toFixed(1)} ms`,
    baseline: `idle \`serve\`: ${formatCount(idle.series.reqPerS)} req/s`,
    target: `≥ ${formatCount(TARGETS.seriesReqPerS)} req/s, p99 ≤ ${TARGETS.p99Ms} ms`,
  },
]);
