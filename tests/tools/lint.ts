/**
 * `npm run lint` (after `tsc --noEmit`): the house rules a type checker does not see.
 * - file names are kebab-case;
 * - no focused tests (the `only` method or option of node:test) that would skip the rest;
 * - no `console.log` outside cli/, bench/ and tests/ (libraries log through pino to stderr);
 * - no source file over 400 lines (one concept per file).
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], { encoding: 'utf8' }).split('\n').filter(Boolean);
const problems: string[] = [];
for (const file of files) {
  const base = file.split('/').pop()!;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+)*\.ts$/.test(base)) problems.push(`${file}: file name is not kebab-case`);
  const text = readFileSync(file, 'utf8');
  if (/\b(test|it|describe)\.only\(|\{\s*only:\s*true/.test(text) && !file.endsWith('lint.ts')) problems.push(`${file}: focused test`);
  if (/console\.log\(/.test(text) && !/^(cli|bench|tests|sim\/main\.ts)/.test(file)) problems.push(`${file}: console.log outside cli/bench/tests`);
  const lines = text.split('\n').length;
  if (lines > 400 && !file.startsWith('tests/')) problems.push(`${file}: ${lines} lines (split it by concept)`);
}
for (const problem of problems) process.stderr.write(`${problem}\n`);
process.stdout.write(`lint: ${files.length} files, ${problems.length} problems\n`);
process.exit(problems.length > 0 ? 1 : 0);
