import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SweepScheduler } from '../../collector/scheduler.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('scheduler: sweeps every interval and never overlaps an overrunning sweep', async () => {
  let running = 0;
  let maxRunning = 0;
  const starts: number[] = [];
  const durationsMs = [10, 400, 10, 10];
  const scheduler = new SweepScheduler({
    intervalMs: 200,
    sweep: async () => {
      starts.push(Date.now());
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(durationsMs[starts.length - 1] ?? 10);
      running--;
    },
    onError: () => assert.fail('no sweep fails here'),
  });
  scheduler.start();
  await sleep(1100);
  await scheduler.stop();
  assert.equal(maxRunning, 1, 'never two sweeps at once');
  assert.ok(starts.length >= 4, `${starts.length} sweeps`);
  const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
  // Margins of most of an interval: timers on a loaded CI machine run late, never early.
  assert.ok(gaps[0]! >= 195 && gaps[0]! < 390, `a short sweep waits for the interval: ${gaps[0]} ms`);
  assert.ok(gaps[1]! >= 395 && gaps[1]! < 590, `an overrunning sweep is followed at once (not after another interval, ≥ 600 ms), never overlapped: ${gaps[1]} ms`);
});

test('scheduler: a failing sweep is reported and the schedule goes on; stop waits for the sweep in progress', async () => {
  const errors: unknown[] = [];
  let sweeps = 0;
  let finished = 0;
  const scheduler = new SweepScheduler({
    intervalMs: 20,
    sweep: async () => {
      sweeps++;
      await sleep(30);
      finished++;
      if (sweeps === 1) throw new Error('store down');
    },
    onError: (error) => errors.push(error),
  });
  scheduler.start();
  await sleep(100);
  await scheduler.stop();
  assert.equal(finished, sweeps, 'stop() returned only after the running sweep finished');
  assert.ok(sweeps >= 2);
  assert.equal((errors[0] as Error).message, 'store down');
});

test('new-peer memory: forgets unwatched torrents and shares a global bound among the watched', async () => {
  const { PeerMemory, MAX_REMEMBERED_PEERS_TOTAL } = await import('../../collector/peer-memory.ts');
  const memory = new PeerMemory();
  assert.equal(memory.recordSweep('a', ['1.1.1.1:1', '2.2.2.2:2']), 2);
  assert.equal(memory.recordSweep('a', ['1.1.1.1:1', '3.3.3.3:3']), 1, 'one not seen before');
  memory.retainOnly(['b']);
  assert.equal(memory.recordSweep('a', ['1.1.1.1:1']), 1, 'a was unwatched, so forgotten');
  const peers = Array.from({ length: 1500 }, (_, index) => `10.0.${index >> 8}.${index & 255}:1`);
  // 4,000 watched torrents: a fair share of 2,000,000 / 4,000 = 500 → the 1,000 floor; but while
  // the total is within budget a torrent keeps everything, so new_peers stays exact.
  memory.retainOnly(Array.from({ length: 4000 }, (_, index) => `t${index}`).concat('a'));
  assert.equal(memory.recordSweep('a', peers), 1500);
  assert.equal(memory.recordSweep('a', peers), 0, 'all 1,500 remembered');
  assert.ok(MAX_REMEMBERED_PEERS_TOTAL >= 2_000_000, 'a million peers at 10,000 torrents fit');
  // Over the total budget, a torrent past its fair share forgets its oldest half.
  const small = new PeerMemory({ maxPerTorrent: 200_000, maxTotal: 2000 });
  small.retainOnly(['a', 'b']);
  assert.equal(small.recordSweep('b', peers.slice(0, 1000)), 1000);
  assert.equal(small.recordSweep('a', peers), 1500, 'a is over budget now: 2,500 > 2,000, and over its share of 1,000');
  assert.equal(small.recordSweep('a', peers.slice(-750)), 0, 'it kept its newest 1,000');
  assert.equal(small.recordSweep('a', peers.slice(0, 10)), 10, 'and forgot its oldest');
  // Past the per-torrent cap, too.
  const capped = new PeerMemory({ maxPerTorrent: 1000, maxTotal: 2_000_000 });
  capped.recordSweep('a', peers);
  assert.equal(capped.recordSweep('a', peers.slice(-500)), 0, 'it kept the newest half of its cap');
  assert.equal(capped.recordSweep('a', peers.slice(0, 10)), 10);
});
