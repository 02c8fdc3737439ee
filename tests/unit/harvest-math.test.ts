import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedUnseen } from '../../collector/dht/harvest-values.ts';

test('expectedUnseen: D·Π(1 − s/D), zero once one reply held everything', () => {
  assert.equal(expectedUnseen(0, [100]), 0);
  assert.equal(expectedUnseen(100, [100]), 0);
  assert.ok(Math.abs(expectedUnseen(5000, [100]) - 4900) < 1e-6);
  // About 760 replies of 100 bring the expected unseen of a 5,000-peer swarm under 0.001.
  assert.ok(expectedUnseen(5000, new Array(760).fill(100)) < 0.0012);
  assert.ok(expectedUnseen(5000, new Array(700).fill(100)) > 0.001);
});
