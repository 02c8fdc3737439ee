import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../sim/prng.ts';
import { sampleDistinctIndices } from '../../sim/random-sample.ts';

test('the same seed and stream give the same sequence; another seed or stream does not', () => {
  const draw = (random: SeededRandom): number[] => Array.from({ length: 8 }, () => random.nextUint32());
  assert.deepEqual(draw(new SeededRandom(7)), draw(new SeededRandom(7)));
  assert.deepEqual(draw(new SeededRandom(7)), draw(new SeededRandom('7')));
  assert.notDeepEqual(draw(new SeededRandom(7)), draw(new SeededRandom(8)));
  assert.notDeepEqual(draw(new SeededRandom(7, 'a')), draw(new SeededRandom(7, 'b')));
});

test('nextInt stays within its inclusive bounds and reaches both ends', () => {
  const random = new SeededRandom('bounds');
  const seen = new Set<number>();
  for (let index = 0; index < 2000; index++) {
    const value = random.nextInt(3, 9);
    assert.ok(value >= 3 && value <= 9);
    seen.add(value);
  }
  assert.deepEqual([...seen].sort(), [3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => random.nextInt(5, 4), RangeError);
});

test('nextFloat is in [0, 1) and bytes() has the requested length', () => {
  const random = new SeededRandom(1);
  for (let index = 0; index < 1000; index++) {
    const value = random.nextFloat();
    assert.ok(value >= 0 && value < 1);
  }
  assert.equal(random.bytes(20).length, 20);
  assert.equal(random.bytes(3).length, 3);
});

test('sampleDistinctIndices returns distinct indices inside the population', () => {
  const random = new SeededRandom(3);
  const picks = sampleDistinctIndices(random, 10_000, 100);
  assert.equal(picks.length, 100);
  assert.equal(new Set(picks).size, 100);
  assert.ok(picks.every((pick) => Number.isInteger(pick) && pick >= 0 && pick < 10_000));
  assert.deepEqual(sampleDistinctIndices(random, 5, 100).sort(), [0, 1, 2, 3, 4]);
  assert.deepEqual(sampleDistinctIndices(random, 0, 100), []);
});
