/**
 * Soak (issue 14; `npm run soak`, not part of CI): `swarmscope start` sweeping a lossy 2,000-node
 * sim every 30 s while a client sends the API 500 requests a second, for SOAK_MINUTES (10 by
 * default). Prints errors, achieved rate and latency, and — every 30 s — the server's RSS, its open
 * file descriptors and the sweeps' durations, so growth shows as a trend, not a guess. Asserts
 * nothing about time; it exits 1 only if a request failed (a 5xx or a refused connection).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { startBenchSim } from './sim-process.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MINUTES = Number(process.env.SOAK_MINUTES ?? 10);
const RATE_PER_S = Number(process.env.SOAK_RATE ?? 500);
const WORKERS = 25;
const SAMPLE_EVERY_MS = 30_000;

function procStatus(pid: number): { rssMiB: number; fds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round(rssKiB / 1024), fds: readdirSync(`/proc/${pid}/fd`).length };
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sim = await startBenchSim(['--nodes', '2000', '--torrents', '50', '--seed', '14', '--min-peers', '10', '--max-peers', '400', '--loss', '0.1', '--rtt-ms', '50']);
const dir = mkdtempSync(path.join(tmpdir(), 'swarmscope-soak-'));
const dbPath = path.join(dir, 'db.sqlite');
const server = spawn(
  process.execPath,
  ['--import', 'tsx', 'cli/main.ts', 'start', '--store', `sqlite:${dbPath}`, '--data-dir', dir, '--port', '0', '--interval', '30s', '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', ...sim.torrents.flatMap((torrent) => ['--watch', torrent.infohash])],
  { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SWARMSCOPE_LOG_LEVEL: 'warn', SWARMSCOPE_RATE_LIMIT_PER_MINUTE: '0' } },
);
let stderr = '';
const url = await new Promise<string>((resolve, reject) => {
  server.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    const match = /API and page at (http:\/\/\S+)/.exec(stderr);
    if (match) resolve(match[1]!);
  });
  server.once('exit', (code) => reject(new Error(`start exited with ${code}: ${stderr}`)));
});

// A load balancer sends traffic once /readyz says ready (503 while the DHT joins): so does the soak.
const readyWaitStartedMs = Date.now();
while ((await fetch(`${url}/readyz`)).status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
const readyAfterS = (Date.now() - readyWaitStartedMs) / 1000;

const infohashes = sim.torrents.map((torrent) => torrent.infohash);
const paths = [
  '/api/v1/torrents?limit=50',
  ...infohashes.slice(0, 10).map((infohash) => `/api/v1/torrents/${infohash}/series?metric=dht_peers&from=-1h`),
  ...infohashes.slice(0, 5).map((infohash) => `/api/v1/torrents/${infohash}`),
  '/readyz',
];
const statuses = new Map<string, number>();
/** When (s after the load began) each non-2xx answer was first and last seen: startup or steady state. */
const failureSeconds = new Map<string, [first: number, last: number]>();
const loadStartedMs = Date.now();
const latenciesMs: number[] = [];
const endAt = Date.now() + MINUTES * 60_000;
const worker = async (lane: number) => {
  const gapMs = (1000 * WORKERS) / RATE_PER_S;
  for (let round = 0; Date.now() < endAt; round++) {
    const startedAt = performance.now();
    let key: string;
    const target = paths[(lane + round) % paths.length]!;
    try {
      const response = await fetch(`${url}${target}`);
      await response.arrayBuffer();
      // A non-2xx is counted with its route, so a soak says which answer failed (e.g. /readyz while the DHT joins).
      key = response.ok ? String(response.status) : `${response.status} ${target.split('?')[0]}`;
    } catch (error) {
      key = `error: ${(error as Error).message}`;
    }
    const tookMs = performance.now() - startedAt;
    latenciesMs.push(tookMs);
    statuses.set(key, (statuses.get(key) ?? 0) + 1);
    if (!key.startsWith('2')) {
      const atS = (Date.now() - loadStartedMs) / 1000;
      failureSeconds.set(key, [failureSeconds.get(key)?.[0] ?? atS, atS]);
    }
    if (tookMs < gapMs) await new Promise((resolve) => setTimeout(resolve, gapMs - tookMs));
  }
};

const samples: { minute: number; rssMiB: number; fds: number }[] = [];
const sampler = setInterval(() => samples.push({ minute: Number(((Date.now() - (endAt - MINUTES * 60_000)) / 60_000).toFixed(1)), ...procStatus(server.pid!) }), SAMPLE_EVERY_MS);
const startedAtMs = Date.now();
await Promise.all(Array.from({ length: WORKERS }, (_, lane) => worker(lane)));
clearInterval(sampler);
samples.push({ minute: MINUTES, ...procStatus(server.pid!) });
const elapsedS = (Date.now() - startedAtMs) / 1000;

const db = new Database(dbPath, { readonly: true });
const sweeps = db.prepare("SELECT finished_at_ms - started_at_ms AS ms, outcome FROM sweeps ORDER BY id").all() as { ms: number; outcome: string }[];
db.close();
server.kill('SIGTERM');
sim.stop();

const requests = [...statuses.values()].reduce((sum, count) => sum + count, 0);
const failures = [...statuses].filter(([key]) => !key.startsWith('2')).reduce((sum, [, count]) => sum + count, 0);
latenciesMs.sort((a, b) => a - b);
const done = sweeps.filter((sweep) => sweep.outcome === 'done').map((sweep) => sweep.ms);
console.log(`soak: ${MINUTES} min, start sweeping a 2,000-node sim (10% loss, 50 ms RTT, 50 swarms) every 30 s, API at ${RATE_PER_S} req/s asked (load began when /readyz said ready, ${readyAfterS.toFixed(1)} s after the API listened)`);
const when = (key: string) => (failureSeconds.has(key) ? ` (at ${failureSeconds.get(key)!.map((seconds) => seconds.toFixed(1)).join('–')} s)` : '');
console.log(`requests: ${requests} in ${elapsedS.toFixed(0)} s = ${(requests / elapsedS).toFixed(0)} req/s; statuses ${[...statuses].map(([key, count]) => `${key}: ${count}${when(key)}`).join(', ')}`);
console.log(`latency ms: p50 ${percentile(latenciesMs, 50).toFixed(1)}, p99 ${percentile(latenciesMs, 99).toFixed(1)}, max ${latenciesMs.at(-1)?.toFixed(1)}`);
console.log(`sweeps: ${done.length} done, ${sweeps.length - done.length} failed; duration s first ${((done[0] ?? 0) / 1000).toFixed(1)}, last ${((done.at(-1) ?? 0) / 1000).toFixed(1)}, mean ${(done.reduce((a, b) => a + b, 0) / Math.max(1, done.length) / 1000).toFixed(1)}, max ${(Math.max(0, ...done) / 1000).toFixed(1)}`);
console.log(`server RSS MiB / open fds every 30 s: ${samples.map((sample) => `${sample.minute}m ${sample.rssMiB}/${sample.fds}`).join(', ')}`);
process.exit(failures > 0 ? 1 : 0);
