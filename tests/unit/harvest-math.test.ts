import assert from 'node:assert/strict';
import { test } from 'node:test';
import { estimatedStoreSize, expectedFromFewerThanTwoNodes } from '../../collector/dht/harvest-values.ts';

test('expectedFromFewerThanTwoNodes: D · (Π q + Σ (1 − q_i) Π_{l≠i} q_l); complete replies settle it', () => {
  assert.equal(expectedFromFewerThanTwoNodes(0, [[100]]), 0);
  assert.equal(expectedFromFewerThanTwoNodes(100, [[100], [100]]), 0, 'two nodes returned everything: all corroborated');
  assert.equal(expectedFromFewerThanTwoNodes(100, [[100, 100]]), 100, 'one node, however often: nothing corroborated');
  assert.equal(expectedFromFewerThanTwoNodes(100, [[100]]), 100);
  assert.ok(Math.abs(expectedFromFewerThanTwoNodes(100, [[100], [50]]) - 50) < 1e-9, 'then those the second node missed');
  // Eight holders of a 5,000-peer swarm answering 100 at a time: about 124 replies each (992 in all).
  const replies = (each: number) => Array.from({ length: 8 }, () => new Array<number>(each).fill(100));
  assert.ok(expectedFromFewerThanTwoNodes(5000, replies(124)) < 0.001);
  assert.ok(expectedFromFewerThanTwoNodes(5000, replies(110)) > 0.001);
  // Draws from one node do not stand in for another's: the same 1,000 replies, one node short.
  const skewed = [new Array<number>(10).fill(100), ...Array.from({ length: 7 }, () => new Array<number>(142).fill(100))];
  assert.ok(expectedFromFewerThanTwoNodes(5000, skewed) > expectedFromFewerThanTwoNodes(5000, replies(125)));
});

test('expectedFromFewerThanTwoNodes matches a simulation of random replies', () => {
  const population = 500;
  const repliesByNode = [30, 20, 10];
  const size = 50;
  let total = 0;
  const runs = 400;
  for (let run = 0; run < runs; run++) {
    const nodesOf = Array.from({ length: population }, () => new Set<number>());
    repliesByNode.forEach((replies, node) => {
      for (let reply = 0; reply < replies; reply++) {
        const picked = new Set<number>();
        while (picked.size < size) picked.add(Math.floor(Math.random() * population));
        for (const index of picked) nodesOf[index]!.add(node);
      }
    });
    total += nodesOf.filter((nodes) => nodes.size <= 1).length;
  }
  const expected = expectedFromFewerThanTwoNodes(population, repliesByNode.map((replies) => new Array<number>(replies).fill(size)));
  assert.ok(Math.abs(total / runs - expected) < 0.25 * expected + 0.05, `simulated ${total / runs}, formula ${expected}`);
});

test('estimatedStoreSize: capture–recapture over one node\'s replies', () => {
  assert.equal(estimatedStoreSize(0, []), 0);
  assert.equal(estimatedStoreSize(200, [100, 100]), Infinity, 'no value repeated: no upper bound');
  // 100 + 100 drawn from 500: 180 distinct expected (500 · (1 − 0.8²)).
  assert.ok(Math.abs(estimatedStoreSize(180, [100, 100]) - 500) < 1);
  assert.ok(Math.abs(estimatedStoreSize(30, [30, 30]) - 30) < 1e-6, 'identical complete replies: the store is what they hold');
  // Simulated: a 500-store answered 20 times with 100 at random; the estimate is within 5% of it.
  const seen = new Set<number>();
  for (let reply = 0; reply < 20; reply++) {
    const picked = new Set<number>();
    while (picked.size < 100) picked.add(Math.floor(Math.random() * 500));
    for (const index of picked) seen.add(index);
  }
  if (seen.size < 500) assert.ok(Math.abs(estimatedStoreSize(seen.size, new Array<number>(20).fill(100)) - 500) < 25);
});
