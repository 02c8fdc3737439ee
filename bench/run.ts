/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process (so one's memory does not
 * colour another's) and prints their figures. Benchmarks print numbers and ratios against a
 * baseline measured in the same run; they assert nothing about time.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(here, file), ...flags], { stdio: 'inherit', cwd: path.dirname(here) });
  if (result.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
