/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (so one's memory does not
 * colour another's) and prints their figures. Benchmarks print numbers and ratios against a
 * baseline measured in the same run; they assert nothing about time. Their `bench-result:` lines
 * (bench/results.ts) go to bench/results.json.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX } from './results.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// Names filter the benchmarks (`npm run bench -- internet`); flags (`--quick`) go to each of them.
const args = process.argv.slice(2);
const isFlagValue = (index: number) => index > 0 && args[index - 1]!.startsWith('--') && /^\d+$/.test(args[index]!);
const only = args.filter((arg, index) => !arg.startsWith('--') && !isFlagValue(index));
const flags = args.filter((arg, index) => arg.startsWith('--') || isFlagValue(index));
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();
/** Runs one benchmark, echoing its output as it comes; resolves with its exit code and its result lines. */
function runBench(file: string): Promise<{ code: number | null; results: Record<string, unknown>[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(here, file), ...flags], { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.dirname(here) });
  const results: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (line.startsWith(RESULT_PREFIX)) results.push(JSON.parse(line.slice(RESULT_PREFIX.length)) as Record<string, unknown>);
      else process.stdout.write(`${line}\n`);
    }
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, results })));
}

const resultsPath = path.join(here, 'results.json');
const previous = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as { benchmarks?: Record<string, unknown> }) : {};
const benchmarks: Record<string, unknown> = { ...previous.benchmarks };
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const { code, results } = await runBench(file);
  if (code !== 0) failed++;
  if (results.length > 0) benchmarks[file.replace(/\.bench\.ts$/, '')] = { measuredAt: new Date().toISOString(), quick: flags.includes('--quick'), ...Object.assign({}, ...results) };
}
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
writeFileSync(resultsPath, `${JSON.stringify({ machine, benchmarks }, null, 2)}\n`);
process.stdout.write(`\nfigures written to ${path.relative(process.cwd(), resultsPath)}\n`);
process.exit(failed > 0 ? 1 : 0);
