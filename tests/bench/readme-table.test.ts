/**
 * The README's benchmark table is generated from bench/results.json (bench/readme-table.ts): rows
 * come from each benchmark's own `tableRows`, land between the markers and nowhere else, and a
 * README without markers is left alone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TABLE_END, TABLE_START, renderBenchTable, updateReadmeTable } from '../../bench/readme-table.ts';

const results = {
  machine: { cpus: 2, cpuModel: 'Test CPU', memoryGiB: 4, node: 'v20.0.0' },
  benchmarks: {
    zeta: { measuredAt: '2026-12-04T10:00:00.000Z', tableRows: [{ figure: 'z figure', value: '1 s', target: '≤ 2 s' }] },
    alpha: { measuredAt: '2026-12-03T10:00:00.000Z', tableRows: [{ figure: 'a | pipe', value: '5/s', baseline: 'bare: 6/s' }] },
    untabled: { measuredAt: '2026-12-03T10:00:00.000Z', figures: 3 },
  },
};

test('rows come from each benchmark, sorted by name, with pipes escaped and missing cells as dashes', () => {
  const table = renderBenchTable(results).split('\n');
  assert.match(table[0]!, /2 × Test CPU, 4 GiB, Node v20\.0\.0/);
  const rows = table.filter((line) => line.startsWith('| `'));
  assert.deepEqual(rows, ['| `alpha` (2026-12-03) | a \\| pipe | 5/s | bare: 6/s | — |', '| `zeta` (2026-12-04) | z figure | 1 s | — | ≤ 2 s |']);
});

test('the table is rewritten between the markers only; no markers, no change', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'swarmscope-readme-'));
  const readme = path.join(dir, 'README.md');
  const resultsPath = path.join(dir, 'results.json');
  writeFileSync(resultsPath, JSON.stringify(results));
  writeFileSync(readme, `# title\n\nbefore\n${TABLE_START}\nold table\n${TABLE_END}\nafter\n`);
  assert.equal(updateReadmeTable(readme, resultsPath), true);
  const text = readFileSync(readme, 'utf8');
  assert.ok(text.startsWith(`# title\n\nbefore\n${TABLE_START}\n`));
  assert.ok(text.endsWith(`\n${TABLE_END}\nafter\n`));
  assert.ok(!text.includes('old table'));
  assert.ok(text.includes('| `zeta` (2026-12-04) | z figure |'));
  assert.equal(updateReadmeTable(readme, resultsPath), false, 'unchanged the second time');
  writeFileSync(readme, '# no markers\n');
  assert.equal(updateReadmeTable(readme, resultsPath), false);
  assert.equal(readFileSync(readme, 'utf8'), '# no markers\n');
});
