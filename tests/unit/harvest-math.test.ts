import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedDrawnAtMostOnce } from '../../collector/dht/harvest-values.ts';

test('expectedDrawnAtMostOnce: D·P0·(1 + Σ s/(D − s)); complete replies settle it', () => {
  assert.equal(expectedDrawnAtMostOnce(0, [100]), 0);
  assert.equal(expectedDrawnAtMostOnce(100, [100, 100]), 0, 'two complete replies corroborate everything');
  assert.equal(expectedDrawnAtMostOnce(100, [100]), 100, 'one complete reply: every value drawn exactly once');
  assert.ok(Math.abs(expectedDrawnAtMostOnce(100, [100, 50]) - 50) < 1e-9, 'then those the second reply missed');
  // One reply of 100 from 5,000: 4,900 never drawn, 100 drawn once.
  assert.ok(Math.abs(expectedDrawnAtMostOnce(5000, [100]) - 5000) < 1e-6);
  // About 930 replies of 100 bring it under 0.001 for a 5,000-peer swarm; 850 do not.
  assert.ok(expectedDrawnAtMostOnce(5000, new Array(930).fill(100)) < 0.001);
  assert.ok(expectedDrawnAtMostOnce(5000, new Array(850).fill(100)) > 0.001);
});

test('expectedDrawnAtMostOnce matches a simulation of random replies', () => {
  const population = 500;
  const replies = 60;
  const size = 50;
  let total = 0;
  const runs = 400;
  for (let run = 0; run < runs; run++) {
    const seen = new Array<number>(population).fill(0);
    for (let reply = 0; reply < replies; reply++) {
      const picked = new Set<number>();
      while (picked.size < size) picked.add(Math.floor(Math.random() * population));
      for (const index of picked) seen[index]!++;
    }
    total += seen.filter((count) => count <= 1).length;
  }
  const expected = expectedDrawnAtMostOnce(population, new Array(replies).fill(size));
  assert.ok(Math.abs(total / runs - expected) < 0.25 * expected + 0.05, `simulated ${total / runs}, formula ${expected}`);
});
