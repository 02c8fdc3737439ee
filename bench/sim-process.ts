/** Starts `sim/main.ts` in a child process for a benchmark, so the swarm does not share the collector's CPU time. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchSim {
  bootstrap: string[];
  /** `stored` / `corroborable`: what the holders store, and what two or more of them store (sim-command.ts). */
  torrents: { infohash: string; peers: number; stored: number; corroborable: number }[];
  /** The sim's stderr so far, line by line (e.g. its `sim: block:` lines). */
  stderrLines(): string[];
  stop(): void;
}

export function startBenchSim(args: string[]): Promise<BenchSim> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    // Kept for the benchmark to count; a block line per (node, IP) is bounded by the node count.
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const announcement = JSON.parse(buffered.slice(0, newline)) as Omit<BenchSim, 'stop' | 'stderrLines'>;
      resolve({ ...announcement, stderrLines: () => stderr.split('\n'), stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`sim exited with ${code}: ${stderr}`)));
  });
}

export function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}
