import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changePercent, defaultBand, growthBaseline, stepCrossing } from '../../api/alerts/crossing.ts';
import type { ThresholdOp } from '../../store/state/alert-rules-repo.ts';
import type { SeriesPoint } from '../../store/types.ts';

function fires(values: number[], op: ThresholdOp, limit: number, band: number): number[] {
  let armed = true;
  const fired: number[] = [];
  values.forEach((value, index) => {
    const step = stepCrossing(armed, value, op, limit, band);
    armed = step.armed;
    if (step.fire) fired.push(index);
  });
  return fired;
}

test('a rising value fires once and hovering around the limit does not fire again', () => {
  assert.deepEqual(fires([40, 48, 51, 49, 52, 48, 51, 50.5], '>', 50, defaultBand(50)), [2]);
});

test('it re-arms only after falling past the band, then fires again', () => {
  assert.deepEqual(fires([51, 47.6, 51, 47.5, 51], '>', 50, 2.5), [0, 4], '47.6 is inside the band, 47.5 is past it');
  assert.deepEqual(fires([51, 50, 51, 49, 51], '>=', 50, 0), [0, 4], 'without a band, any value outside the condition re-arms');
});

test('falling rules mirror rising ones', () => {
  assert.deepEqual(fires([120, 99, 101, 98, 104, 99], '<', 100, 3), [1, 5]);
  assert.deepEqual(fires([10, 5, 5, 5], '<=', 5, 0), [1]);
});

test('the default band is 5% of the limit', () => {
  assert.equal(defaultBand(200), 10);
  assert.equal(defaultBand(-40), 2);
  assert.equal(defaultBand(0), 0);
});

test('the growth baseline is the newest sample at or before now-window, else the oldest inside the window', () => {
  const H = 3_600_000;
  const points: SeriesPoint[] = [
    [0, 10],
    [20 * H, 20],
    [23 * H, 30],
    [25 * H, 40],
    [30 * H, 50],
  ];
  assert.deepEqual(growthBaseline(points, 47 * H, 24 * H), [23 * H, 30], 'at 47h: newest at or before 23h');
  assert.deepEqual(growthBaseline(points, 44 * H, 24 * H), [20 * H, 20]);
  assert.deepEqual(growthBaseline(points, 10 * H, 24 * H), [0, 10], 'history shorter than the window: the oldest sample');
  assert.deepEqual(growthBaseline(points, 0, 24 * H), undefined, 'nothing before the first sample');
  assert.deepEqual(growthBaseline(points, 80 * H, 24 * H), undefined, 'nothing within two windows: stale data is not compared with');
  assert.equal(changePercent(15, 10), 50);
  assert.equal(changePercent(5, 10), -50);
  assert.equal(changePercent(5, 0), undefined);
});
