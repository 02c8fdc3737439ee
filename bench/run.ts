/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (so one's memory does not
 * colour another's) and prints their figures. Benchmarks print numbers and ratios against a
 * baseline measured in the same run; they assert nothing about time. Their `bench-result:` lines
 * (bench/results.ts) go to bench/results.json (`--quick` runs: bench/results-quick.json), and a full
 * run regenerates the README table from it (bench/readme-table.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { updateReadmeTable } from './readme-table.ts';
import { RESULT_PREFIX } from './results.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
// Names filter the benchmarks (`npm run bench -- internet`); flags (`--quick`) go to each of them.
const args = process.argv.slice(2);
const isFlagValue = (index: number) => index > 0 && args[index - 1]!.startsWith('--') && /^[\d,.]+$/.test(args[index]!);
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

// Quick runs (CI) keep their figures apart, so they never replace a full run's in results.json.
const resultsPath = path.join(here, flags.includes('--quick') ? 'results-quick.json' : 'results.json');
const previous = existsSync(resultsPath) ? (JSON.parse(readFileSync(resultsPath, 'utf8')) as { benchmarks?: Record<string, unknown> }) : {};
const benchmarks: Record<string, unknown> = { ...previous.benchmarks };
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const { code, results } = await runBench(file);
  if (code !== 0) failed++;
  if (results.length > 0) {
    // Several result lines merge into one entry; their table rows add up rather than replace each other.
    const tableRows = results.flatMap((result) => (Array.isArray(result.tableRows) ? result.tableRows : []));
    benchmarks[file.replace(/\.bench\.ts$/, '')] = { measuredAt: new Date().toISOString(), quick: flags.includes('--quick'), ...Object.assign({}, ...results), ...(tableRows.length > 0 ? { tableRows } : {}) };
  }
}
const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version };
writeFileSync(resultsPath, `${JSON.stringify({ machine, benchmarks }, null, 2)}\n`);
process.stdout.write(`\nfigures written to ${path.relative(process.cwd(), resultsPath)}\n`);
// A quick run's figures are too small to quote: the README table keeps the last full ones.
if (!flags.includes('--quick')) process.stdout.write(`README table: ${updateReadmeTable() ? 'regenerated from results.json' : 'unchanged'}\n`);
process.exit(failed > 0 ? 1 : 0);
