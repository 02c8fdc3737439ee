/** The sweep's pace (collector/sweep-pace.ts): it widens when the lookups left would overrun the budget, and only then. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapWithSweepPace, widthNeeded } from '../../collector/sweep-pace.ts';

const pace = { concurrency: 8, maxConcurrency: 64 };

test('the width is the lookups left times their time over the budget left, between the floor and the cap', () => {
  assert.equal(widthNeeded(pace, 1000, 1_000, 900_000), 8, '1,000 one-second lookups fit in 15 minutes at the floor');
  assert.equal(widthNeeded(pace, 1000, 60_000, 2_000_000), 30, '1,000 one-minute lookups in 2,000 s need 30 at once');
  assert.equal(widthNeeded(pace, 10_000, 200_000, 720_000), 64, 'never past the cap');
  assert.equal(widthNeeded(pace, 10, 5_000, 1_000), 64, 'past the budget (less left than one lookup): the cap');
  assert.equal(widthNeeded(pace, 0, 5_000, 1_000), 8, 'nothing left');
  assert.equal(widthNeeded({ concurrency: 16, maxConcurrency: 4 }, 100, 5_000, 1_000), 16, 'a cap below the floor is the floor');
  assert.equal(widthNeeded(pace, 1000, 60_000, Infinity), 8, 'no budget: the floor');
});

/** Tasks that each take `taskMs`; records how many ran at once when each started. */
function tracked(taskMs: number) {
  let running = 0;
  const startedWith: number[] = [];
  const finishedBeforeStart: number[] = [];
  let finished = 0;
  const work = async (item: number): Promise<number> => {
    running++;
    startedWith.push(running);
    finishedBeforeStart.push(finished);
    await sleep(taskMs);
    running--;
    finished++;
    return item * 2;
  };
  return { work, startedWith, finishedBeforeStart };
}

test('a sweep whose lookups would overrun the budget widens; results keep their order', async () => {
  const items = Array.from({ length: 60 }, (_, index) => index);
  const { work, startedWith } = tracked(100);
  const paced = await mapWithSweepPace(items, { concurrency: 2, maxConcurrency: 30, budgetMs: 600 }, work);
  assert.deepEqual(paced.results, items.map((item) => item * 2));
  // 60 lookups of 100 ms in 600 ms need ~10 at once; at the floor of 2 they would take 3 s.
  assert.ok(paced.peakConcurrency >= 8, `widened to ${paced.peakConcurrency}`);
  assert.equal(Math.max(...startedWith), paced.peakConcurrency);
  assert.ok(paced.peakConcurrency <= 30);
  assert.ok(paced.meanLookupMs >= 100, `mean lookup ${paced.meanLookupMs} ms`);
});

test('a sweep that fits its budget stays at the floor, and so does one without a budget', async () => {
  const items = Array.from({ length: 12 }, (_, index) => index);
  for (const budgetMs of [60_000, Infinity]) {
    const { work, startedWith } = tracked(20);
    const paced = await mapWithSweepPace(items, { concurrency: 3, maxConcurrency: 64, budgetMs }, work);
    assert.equal(paced.peakConcurrency, 3, `budget ${budgetMs}`);
    assert.equal(Math.max(...startedWith), 3);
  }
});

test("the last sweep's lookup time sets the starting width before any lookup ends", async () => {
  const items = Array.from({ length: 40 }, (_, index) => index);
  const { work, finishedBeforeStart } = tracked(50);
  // 40 lookups of 200 ms (last sweep) in 1.05 s: 8 at once from the start (7.6, rounded up), not 2.
  await mapWithSweepPace(items, { concurrency: 2, maxConcurrency: 64, budgetMs: 1_050, expectedLookupMs: 200 }, work);
  assert.equal(finishedBeforeStart.filter((finished) => finished === 0).length, 8);
});

test('an empty sweep resolves, and a failing lookup rejects the sweep', async () => {
  assert.deepEqual(await mapWithSweepPace([], { concurrency: 2, maxConcurrency: 4, budgetMs: 10 }, async () => 1), { results: [], peakConcurrency: 0, meanLookupMs: 0 });
  await assert.rejects(
    mapWithSweepPace([1, 2, 3], { concurrency: 2, maxConcurrency: 4, budgetMs: 10 }, async (item) => {
      if (item === 2) throw new Error('lookup 2 failed');
      return item;
    }),
    /lookup 2 failed/,
  );
});
