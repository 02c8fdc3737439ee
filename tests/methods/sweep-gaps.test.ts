/**
 * Gaps from the sweep log (store/sweep-gaps.ts, store/state/sweep-log.ts), against hand-built
 * histories: each cause, merging, clipping to the range and to the time a torrent was watched,
 * shards, the sweep counts, and the null breaks that make a plotted line stop.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../store/sqlite/migrate.ts';
import { withGapBreaks } from '../../store/series-coverage.ts';
import { GAP_CAUSES, SweepLog, type SweepAttempt } from '../../store/state/sweep-log.ts';
import { sweepGaps } from '../../store/sweep-gaps.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const A = 'a'.repeat(40);

/** A sweep of `durationMin` starting at minute `startMin`, every 15 min by default. */
function attempt(id: number, startMin: number, options: Partial<SweepAttempt> & { durationMin?: number } = {}): SweepAttempt {
  const { durationMin = 2, ...rest } = options;
  return {
    id,
    startedAtMs: T0 + startMin * MIN,
    finishedAtMs: T0 + (startMin + durationMin) * MIN,
    intervalMs: 15 * MIN,
    shard: '0/1',
    settingsId: 1,
    planned: 1,
    measured: 1,
    outcome: 'done',
    cause: null,
    ...rest,
  };
}

const at = (minute: number) => T0 + minute * MIN;

describe('sweep gaps', () => {
  it('a regular history has no gap, and counts every sweep as done', () => {
    const attempts = [0, 15, 30, 45].map((minute, index) => attempt(index, minute));
    const report = sweepGaps(attempts, { fromMs: at(0), toMs: at(60), nowMs: at(60) });
    assert.deepEqual(report.gaps, []);
    assert.deepEqual(report.coverage, { intervalMs: 15 * MIN, planned: 4, done: 4, missed: 0, failedAttempts: 0 });
  });

  it('a sweep that overran delays the next without a gap', () => {
    const attempts = [attempt(1, 0, { durationMin: 20 }), attempt(2, 20, { durationMin: 20 }), attempt(3, 40)];
    assert.deepEqual(sweepGaps(attempts, { fromMs: at(0), toMs: at(50), nowMs: at(50) }).gaps, []);
  });

  it('no sweep for an hour is collector_down, from the last sample to the next sweep', () => {
    const attempts = [attempt(1, 0), attempt(2, 15), attempt(3, 90), attempt(4, 105)];
    const report = sweepGaps(attempts, { fromMs: at(0), toMs: at(120), nowMs: at(120) });
    assert.deepEqual(report.gaps, [{ fromMs: at(17), toMs: at(90), cause: GAP_CAUSES.collectorDown }]);
    assert.deepEqual(report.coverage, { intervalMs: 15 * MIN, planned: 8, done: 4, missed: 4, failedAttempts: 0 });
  });

  it('failed attempts in a row (DHT unreachable) merge into one gap with the cause and its detail', () => {
    const failed = (id: number, minute: number) => attempt(id, minute, { durationMin: 0, outcome: 'failed', measured: 0, cause: 'dht_unreachable: no bootstrap node answered' });
    const attempts = [attempt(1, 0), failed(2, 15), failed(3, 16), failed(4, 18), attempt(5, 30)];
    const report = sweepGaps(attempts, { fromMs: at(0), toMs: at(40), nowMs: at(40) });
    assert.deepEqual(report.gaps, [{ fromMs: at(2), toMs: at(18), cause: 'dht_unreachable', detail: 'no bootstrap node answered' }]);
    assert.equal(report.coverage!.failedAttempts, 3);
    assert.equal(report.coverage!.done, 2);
  });

  it('a torrent the sweep could not measure is not_measured; other torrents of that sweep have no gap', () => {
    const attempts = [attempt(1, 0), attempt(2, 15, { miss: 'IPv4: no node answered' }), attempt(3, 30)];
    const report = sweepGaps(attempts, { fromMs: at(0), toMs: at(40), nowMs: at(40) });
    assert.deepEqual(report.gaps, [{ fromMs: at(2), toMs: at(17), cause: 'not_measured', detail: 'IPv4: no node answered' }]);
    const others = sweepGaps(attempts.map(({ miss: _miss, ...rest }) => rest), { fromMs: at(0), toMs: at(40), nowMs: at(40) });
    assert.deepEqual(others.gaps, []);
  });

  it('nothing since the last sweep, long after one was due, is a gap up to the end of the range (and never past now)', () => {
    const attempts = [attempt(1, 0), attempt(2, 15)];
    const report = sweepGaps(attempts, { fromMs: at(0), toMs: at(600), nowMs: at(60) });
    assert.deepEqual(report.gaps, [{ fromMs: at(17), toMs: at(60), cause: 'collector_down' }]);
    // A sweep still within its allowance is not a gap.
    assert.deepEqual(sweepGaps(attempts, { fromMs: at(0), toMs: at(30), nowMs: at(30) }).gaps, []);
  });

  it('gaps are clipped to the range and to the time the torrent was watched; sweeps of other shards do not count', () => {
    const attempts = [attempt(1, 0), attempt(2, 120), attempt(3, 135)];
    const clipped = sweepGaps(attempts, { fromMs: at(60), toMs: at(140), nowMs: at(140) });
    assert.deepEqual(clipped.gaps, [{ fromMs: at(60), toMs: at(120), cause: 'collector_down' }]);
    const addedLater = sweepGaps(attempts, { fromMs: at(0), toMs: at(140), nowMs: at(140), watchedFromMs: at(110) });
    assert.deepEqual(addedLater.gaps, []);
    const removed = sweepGaps([attempt(1, 0), attempt(2, 15)], { fromMs: at(0), toMs: at(300), nowMs: at(300), watchedUntilMs: at(20) });
    assert.deepEqual(removed.gaps, []);
    const otherShard = [attempt(1, 0), attempt(2, 14, { shard: '1/2', outcome: 'failed', cause: 'sweep_failed: x' }), attempt(3, 15), attempt(4, 30)];
    assert.deepEqual(sweepGaps(otherShard, { fromMs: at(0), toMs: at(40), nowMs: at(40), coversShard: (shard) => shard !== '1/2' }).gaps, []);
  });

  it('a forward clock step is a clock_step gap, not collector_down, and its slots are not planned', () => {
    // Sweeps at 0 and 15; at minute 20 the clock jumps 60 min ahead, so the next sweep, due at 30, is stamped 90.
    const attempts = [attempt(1, 0), attempt(2, 15), attempt(3, 90), attempt(4, 105)];
    const clockSteps = [{ atMs: at(80), stepMs: 60 * MIN, skippedMs: 60 * MIN, smeared: false }];
    const report = sweepGaps(attempts, { fromMs: at(0), toMs: at(120), nowMs: at(120), clockSteps });
    assert.deepEqual(report.gaps.map((gap) => [gap.fromMs, gap.toMs, gap.cause]), [[at(20), at(80), 'clock_step']]);
    assert.match(report.gaps[0]!.detail!, /jumped 3600 s/);
    assert.deepEqual(report.coverage, { intervalMs: 15 * MIN, planned: 4, done: 4, missed: 0, failedAttempts: 0 });
    // The collector down as well: the outage is still a collector_down gap, around the skipped span.
    const down = sweepGaps([attempt(1, 0), attempt(2, 15), attempt(3, 120)], { fromMs: at(0), toMs: at(125), nowMs: at(125), clockSteps });
    assert.deepEqual(down.gaps.map((gap) => [gap.fromMs, gap.toMs, gap.cause]), [
      [at(17), at(20), 'collector_down'],
      [at(20), at(80), 'clock_step'],
      [at(80), at(120), 'collector_down'],
    ]);
    // A backward step (smeared) skips nothing.
    const smeared = sweepGaps([0, 15, 30].map((minute, index) => attempt(index, minute)), { fromMs: at(0), toMs: at(40), nowMs: at(40), clockSteps: [{ atMs: at(20), stepMs: -30 * MIN, skippedMs: 0, smeared: true }] });
    assert.deepEqual(smeared.gaps, []);
  });

  it('with no sweep log for the range there is no claim at all', () => {
    assert.deepEqual(sweepGaps([], { fromMs: at(0), toMs: at(60), nowMs: at(60) }), { gaps: [], coverage: null });
  });

  it('null breaks: one inside each gap that spans a whole bucket, none for a gap shorter than a bucket', () => {
    const points: [number, number][] = [[at(0), 5], [at(15), 6], [at(90), 7]];
    const gaps = [{ fromMs: at(17), toMs: at(90), cause: 'collector_down' }];
    assert.deepEqual(withGapBreaks(points, gaps, 15 * MIN), [[at(0), 5], [at(15), 6], [at(30), null], [at(90), 7]]);
    assert.deepEqual(withGapBreaks(points, gaps, 0), [[at(0), 5], [at(15), 6], [Math.floor((at(17) + at(90)) / 2), null], [at(90), 7]]);
    assert.deepEqual(withGapBreaks(points, [{ fromMs: at(17), toMs: at(25), cause: 'not_measured' }], 15 * MIN), points);
  });
});

describe('sweep log', () => {
  it('stores sweeps, misses and settings; settings are deduplicated whatever their key order', () => {
    const db = new Database(':memory:');
    migrate(db);
    const log = new SweepLog(db);
    const first = log.recordSettings({ b: 1, a: { y: 2, x: 1 } });
    assert.equal(log.recordSettings({ a: { x: 1, y: 2 }, b: 1 }), first);
    assert.notEqual(log.recordSettings({ a: 1 }), first);
    log.record({ startedAtMs: at(0), finishedAtMs: at(2), intervalMs: 15 * MIN, shard: '0/1', settingsId: first, planned: 2, measured: 1, outcome: 'done', cause: null, misses: [{ infohash: A, cause: 'IPv4: no node answered' }] });
    log.record({ startedAtMs: at(15), finishedAtMs: at(17), intervalMs: 15 * MIN, shard: '0/1', settingsId: first, planned: 2, measured: 2, outcome: 'done', cause: null });
    const forA = log.attempts(at(0), at(20), A);
    assert.deepEqual(forA.map((entry) => entry.miss), ['IPv4: no node answered', undefined]);
    assert.deepEqual(log.attempts(at(16), at(20), A).map((entry) => entry.finishedAtMs), [at(2), at(17)], 'the attempt before the range comes too');
    assert.deepEqual(log.latestSettings(), { id: first, settings: { a: { x: 1, y: 2 }, b: 1 } });
    assert.equal(log.prune(at(10)), 1);
    assert.equal((db.prepare('SELECT count(*) AS n FROM sweep_misses').get() as { n: number }).n, 0, 'misses go with their sweep');
    assert.equal(log.latestFinishedAtMs(), at(17));
  });

  it('stores clock steps, reads them by range, and prunes them with the sweeps', () => {
    const db = new Database(':memory:');
    migrate(db);
    const log = new SweepLog(db);
    assert.equal(log.latestFinishedAtMs(), undefined);
    log.recordClockStep({ atMs: at(5), stepMs: -3_600_000, skippedMs: 0, smeared: true });
    log.recordClockStep({ atMs: at(50), stepMs: 7_200_000, skippedMs: 7_200_000, smeared: false });
    assert.deepEqual(log.clockSteps(at(0), at(10)), [{ atMs: at(5), stepMs: -3_600_000, skippedMs: 0, smeared: true }]);
    assert.equal(log.clockSteps(at(0), at(60)).length, 2);
    log.prune(at(10));
    assert.deepEqual(log.clockSteps(at(0), at(60)).map((step) => step.atMs), [at(50)]);
  });
});
