/**
 * Issue 12's scale target: a watchlist of 10,000 torrents holding about 1,000,000 distinct peers
 * (long-tailed sizes, sim/swarm-sizes.ts) swept once by the collector exactly as `collect --once`
 * builds it (runtime, watchlist import, CollectorService with every stage and the sweep log), on a
 * loopback sim in another process. Printed per size: sweep time, recall against the sim's ground
 * truth, the collector's peak RSS (sampled every 100 ms), its heap after GC once the sweep is over
 * (what a running collector keeps between sweeps), and the SQLite store's bytes per sweep by table
 * (dbstat), from which growth per day at the default 15-minute cadence follows.
 * Baseline in the same run: the same measurement at the smallest size, so the figures read as growth
 * with the watchlist. Each size runs in a child process of its own, so one's heap cannot colour
 * the other's. Sizes: `--torrents 1000,10000` (the issue's target run, ≈ 14 min on 2 cores); the
 * default, 500 and 1,000, keeps `npm run bench` under 20 minutes; `--quick`: 200 torrents.
 * `--heap-snapshot`: also write a heap snapshot after the sweep and print what holds the heap
 * (bench/heap-summary.ts).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type TableRow, formatCount, reportResult } from './results.ts';

const QUICK = process.argv.includes('--quick');
const torrentsFlag = process.argv.indexOf('--torrents');
const SIZES = torrentsFlag > 0 ? process.argv[torrentsFlag + 1]!.split(',').map(Number) : QUICK ? [200] : [500, 1000];
if (SIZES.some((size) => !Number.isInteger(size) || size < 1)) throw new Error(`--torrents takes sizes such as 1000,10000, got ${process.argv[torrentsFlag + 1]}`);
const RESULT_LINE = 'scale-result: ';

export interface ScaleFigures {
  torrents: number;
  nodes: number;
  peers: number;
  sweepSec: number;
  concurrency: number;
  recallPercent: number;
  failed: number;
  queries: number;
  rssBeforeSweepMiB: number;
  peakRssMiB: number;
  peakHeapUsedMiB: number;
  heapAfterGcMiB: number;
  storeBytesPerSweep: number;
  /** Appended tables × 96 sweeps + per-day tables once; tables written once per torrent left out (scale-run.ts). */
  storeBytesPerDay: number;
  storeBytesByTable: Record<string, number>;
}

function runSize(torrents: number): Promise<ScaleFigures> {
  const passed = process.argv.slice(2).filter((arg, index, all) => arg !== '--torrents' && all[index - 1] !== '--torrents');
  const args = ['--import', 'tsx', '--expose-gc', fileURLToPath(new URL('./scale-run.ts', import.meta.url)), String(torrents), ...passed];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    for (const line of text.split('\n')) if (line.trim() && !line.startsWith(RESULT_LINE)) process.stdout.write(`  ${line}\n`);
  });
  return new Promise((resolve, reject) =>
    child.once('close', (code) => {
      const line = output.split('\n').find((entry) => entry.startsWith(RESULT_LINE));
      if (code !== 0 || !line) reject(new Error(`scale run of ${torrents} torrents exited with ${code}`));
      else resolve(JSON.parse(line.slice(RESULT_LINE.length)) as ScaleFigures);
    }),
  );
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const figures: ScaleFigures[] = [];
for (const torrents of SIZES) {
  console.log(`${torrents} torrents:`);
  const result = await runSize(torrents);
  figures.push(result);
  console.log(
    `${result.torrents} torrents, ${result.peers} peers, ${result.nodes}-node sim, ${result.concurrency} at once: sweep ${result.sweepSec.toFixed(1)} s, recall ${result.recallPercent.toFixed(2)}%, ${result.failed} failed, ${result.queries} queries; ` +
      `RSS ${result.rssBeforeSweepMiB} MiB before the sweep, peak ${result.peakRssMiB} MiB (peak heap used ${result.peakHeapUsedMiB} MiB), heap after GC ${result.heapAfterGcMiB.toFixed(1)} MiB; SQLite: first sweep wrote ${mib(result.storeBytesPerSweep)} MiB, growth ≈ ${mib(result.storeBytesPerDay)} MiB per day at 15 min`,
  );
}
if (figures.length >= 2) {
  const small = figures[0]!;
  const large = figures.at(-1)!;
  const ratio = (key: 'sweepSec' | 'peakRssMiB' | 'heapAfterGcMiB' | 'storeBytesPerDay') => (large[key] / small[key]).toFixed(2);
  console.log(
    `${formatCount(small.torrents)} → ${formatCount(large.torrents)} torrents (${(large.peers / small.peers).toFixed(1)}× the peers): sweep ×${ratio('sweepSec')}, peak RSS ×${ratio('peakRssMiB')}, heap after GC ×${ratio('heapAfterGcMiB')}, store growth per day ×${ratio('storeBytesPerDay')}`,
  );
}
const rows: TableRow[] = figures.flatMap((entry) => [
  {
    figure: `sweep of ${formatCount(entry.torrents)} torrents, ${formatCount(entry.peers)} peers (Pareto sizes, ${formatCount(entry.nodes)}-node sim), ${entry.concurrency} at once`,
    value: `${(entry.sweepSec / 60).toFixed(1)} min, recall ${entry.recallPercent.toFixed(2)}%`,
    baseline: entry === figures[0] ? undefined : `${formatCount(figures[0]!.torrents)} torrents: ${(figures[0]!.sweepSec / 60).toFixed(1)} min`,
    target: entry.torrents >= 10_000 ? '≤ 15 min' : undefined,
  },
  {
    figure: `collector memory, ${formatCount(entry.torrents)} torrents`,
    value: `peak RSS ${entry.peakRssMiB} MiB; heap after GC ${entry.heapAfterGcMiB.toFixed(1)} MiB`,
    baseline: entry === figures[0] ? undefined : `${formatCount(figures[0]!.torrents)} torrents: ${figures[0]!.peakRssMiB} MiB; ${figures[0]!.heapAfterGcMiB.toFixed(1)} MiB`,
    target: entry.torrents >= 10_000 ? 'peak RSS ≤ 1 GiB' : undefined,
  },
  {
    figure: `SQLite store growth per day (15-min sweeps), ${formatCount(entry.torrents)} torrents`,
    value: `${mib(entry.storeBytesPerDay)} MiB/day`,
    baseline: entry === figures[0] ? undefined : `${formatCount(figures[0]!.torrents)} torrents: ${mib(figures[0]!.storeBytesPerDay)} MiB/day`,
  },
]);
reportResult(
  Object.fromEntries(figures.flatMap((entry) => Object.entries({ ...entry, storeBytesByTable: undefined }).filter(([, value]) => value !== undefined).map(([key, value]) => [`t${entry.torrents}_${key}`, value]))),
  rows,
);
