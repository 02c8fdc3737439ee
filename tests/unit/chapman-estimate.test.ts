/** Chapman's capture–recapture estimator against values computed by hand, and its refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIN_OVERLAP, chapmanEstimate } from '../../core/chapman-estimate.ts';

const close = (actual: number, expected: number, what: string): void => assert.ok(Math.abs(actual - expected) < 0.01, `${what}: ${actual}, expected ${expected}`);

describe('Chapman estimator', () => {
  it('matches hand-computed values', () => {
    // n1 = 100, n2 = 80, m = 20: 101·81/21 − 1 = 388.571; variance 101·81·80·60 / (21²·22) = 39,268,800 / 9,702 = 4047.495.
    const result = chapmanEstimate(100, 80, 20);
    assert.ok(result.estimate !== null);
    close(result.estimate, 388.571, 'estimate');
    close(result.variance, 4047.495, 'variance');
    assert.equal(result.seen, 160);
    // Chao's log-normal interval: f0 = 228.571, C = exp(1.96·√ln(1 + 4047.495 / 228.571²)) = 1.7757.
    close(result.low, 293.81, 'low');
    close(result.high, 550.43, 'high');
    const second = chapmanEstimate(300, 200, 100);
    assert.ok(second.estimate !== null);
    close(second.estimate, 598.020, '301·201/101 − 1');
    close(second.low, 541.64, 'low');
    close(second.high, 676.84, 'high');
  });

  it('collapses to what was seen when the captures are the same peers', () => {
    assert.deepEqual(chapmanEstimate(50, 50, 50), { estimate: 50, low: 50, high: 50, overlap: 50, seen: 50, variance: 0 });
  });

  it('answers null with a reason when the overlap is too small or a capture is empty', () => {
    const small = chapmanEstimate(100, 100, MIN_OVERLAP - 1);
    assert.equal(small.estimate, null);
    assert.match((small as { reason: string }).reason, /overlap of 6 peers is under 7/);
    assert.equal(chapmanEstimate(0, 40, 0).estimate, null);
    assert.throws(() => chapmanEstimate(5, 10, 6), /exceeds a capture/);
    assert.throws(() => chapmanEstimate(-1, 10, 0), RangeError);
  });

  it('covers the truth in at least 90% of simulated sweeps where the two captures see parts of a known swarm', () => {
    // A deterministic PRNG: the coverage is the same on every run.
    let state = 12345;
    const random = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let covered = 0;
    const runs = 200;
    for (let run = 0; run < runs; run++) {
      const population = 500 + Math.floor(random() * 1500);
      let first = 0;
      let second = 0;
      let both = 0;
      for (let peer = 0; peer < population; peer++) {
        const inFirst = random() < 0.3;
        const inSecond = random() < 0.2;
        first += Number(inFirst);
        second += Number(inSecond);
        both += Number(inFirst && inSecond);
      }
      const result = chapmanEstimate(first, second, both);
      if (result.estimate !== null && result.low <= population && population <= result.high) covered++;
    }
    assert.ok(covered / runs >= 0.9, `covered ${covered} of ${runs}`);
  });
});
