/** Starts `sim/main.ts` in a child process for a benchmark, so the swarm does not share the collector's CPU time. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BenchSim {
  bootstrap: string[];
  torrents: { infohash: string; peers: number }[];
  stop(): void;
}

export function startBenchSim(args: string[]): Promise<BenchSim> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim/main.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      const announcement = JSON.parse(buffered.slice(0, newline)) as Omit<BenchSim, 'stop'>;
      resolve({ ...announcement, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`sim exited with ${code}`)));
  });
}

export function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}
