/**
 * The sample clock (collector/sample-clock.ts) against a scripted wall clock and monotonic clock:
 * stamps follow UTC, never run backwards (a backward step is smeared), steps over the threshold are
 * reported and slewing is not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SampleClock, type ClockStep } from '../../collector/sample-clock.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 4);

/** A wall clock and a monotonic clock the test moves by hand. */
function clocks(floorMs?: number) {
  const time = { wallMs: T0, monoMs: 1_000 };
  const steps: ClockStep[] = [];
  const clock = new SampleClock({ wallMs: () => time.wallMs, monotonicMs: () => time.monoMs, floorMs, onStep: (step) => steps.push(step) });
  const advance = (ms: number) => {
    time.wallMs += ms;
    time.monoMs += ms;
  };
  return { time, steps, clock, advance };
}

describe('sample clock', () => {
  it('follows the wall clock when nothing steps, and ignores slewing under the threshold', () => {
    const { time, steps, clock, advance } = clocks();
    assert.equal(clock.nowMs(), T0);
    advance(30_000);
    assert.equal(clock.nowMs(), T0 + 30_000);
    time.wallMs += 400; // NTP slew: 400 ms over a sweep interval
    advance(30_000);
    assert.equal(clock.nowMs(), T0 + 60_400);
    assert.deepEqual(steps, []);
  });

  it('a forward step is followed and reported', () => {
    const { time, steps, clock, advance } = clocks();
    clock.nowMs();
    advance(30_000);
    time.wallMs += 2 * HOUR;
    assert.equal(clock.nowMs(), T0 + 30_000 + 2 * HOUR);
    assert.deepEqual(steps, [{ atMs: T0 + 30_000 + 2 * HOUR, stepMs: 2 * HOUR, skippedMs: 2 * HOUR, smeared: false }]);
  });

  it('a backward step is smeared: stamps go on at half speed until UTC catches up, after twice the step', () => {
    const { time, steps, clock, advance } = clocks();
    clock.nowMs();
    advance(30_000);
    time.wallMs -= HOUR;
    assert.equal(clock.nowMs(), T0 + 15_000, 'half of the 30 s since the last read');
    assert.deepEqual(steps, [{ atMs: T0 + 15_000, stepMs: -HOUR, skippedMs: 0, smeared: true }]);
    advance(30_000);
    assert.equal(clock.nowMs(), T0 + 30_000, 'still smeared, at half speed');
    advance(2 * HOUR - 60_000);
    // UTC is now T0 + HOUR; the smeared stamps would be at T0 + HOUR − 15 s: caught up, the wall clock again.
    assert.equal(clock.nowMs(), T0 + HOUR);
    advance(30_000);
    assert.equal(clock.nowMs(), T0 + HOUR + 30_000);
    assert.equal(steps.length, 1, 'the smear is one step, not one per read');
    // A forward step during a smear skips only what the stamps jumped, not the whole step.
    time.wallMs -= HOUR;
    advance(10_000);
    clock.nowMs();
    time.wallMs += 3 * HOUR;
    advance(10_000);
    const landed = clock.nowMs();
    assert.equal(steps.at(-1)!.stepMs, 3 * HOUR);
    // Without the step this read would still have been smeared: 5 s after the last stamp.
    assert.equal(steps.at(-1)!.skippedMs, landed - (T0 + HOUR + 30_000 + 5_000 + 5_000));
  });

  it('stamps never run backwards across many reads and steps', () => {
    const { time, clock, advance } = clocks();
    let previous = -Infinity;
    for (let index = 0; index < 200; index++) {
      advance(7_000.37); // performance.now() has fractions; stamps must not
      time.wallMs = Math.round(time.wallMs);
      if (index % 17 === 0) time.wallMs -= ((index % 3) * HOUR) / 4;
      if (index % 23 === 0) time.wallMs += HOUR / 2;
      const stamp = clock.nowMs();
      assert.ok(stamp >= previous, `stamp ${index} went back`);
      assert.ok(Number.isInteger(stamp), `stamp ${index} is ${stamp}`);
      previous = stamp;
    }
  });

  it('a restart after the clock went back starts after the newest recorded stamp', () => {
    const { steps, clock, advance } = clocks(T0 + HOUR);
    assert.equal(clock.nowMs(), T0 + HOUR + 1);
    assert.deepEqual(steps, [{ atMs: T0 + HOUR + 1, stepMs: -HOUR, skippedMs: 0, smeared: true }]);
    advance(1_000);
    assert.equal(clock.nowMs(), T0 + HOUR + 501);
  });

  it('a step back of more than six hours is not smeared, and says so', () => {
    const { time, steps, clock, advance } = clocks();
    clock.nowMs();
    advance(1_000);
    time.wallMs -= 48 * HOUR;
    assert.equal(clock.nowMs(), T0 + 1_000 - 48 * HOUR);
    assert.deepEqual(steps, [{ atMs: T0 + 1_000 - 48 * HOUR, stepMs: -48 * HOUR, skippedMs: 0, smeared: false }]);
    const stale = clocks(T0 + 48 * HOUR);
    assert.equal(stale.clock.nowMs(), T0, 'a floor two days ahead is not smeared either');
    assert.equal(stale.steps[0]!.smeared, false);
  });
});
