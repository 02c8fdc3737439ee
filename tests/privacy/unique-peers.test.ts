/**
 * unique_peers: the sketch stage's running union of keyed-hash sketches, the store's merges over a
 * week and its days, a restart that keeps counting, and the key file with its epochs.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadPeerHashKey, peerHashKeyring } from '../../collector/sketches/peer-hash-key.ts';
import { SketchStage } from '../../collector/stages/sketch-stage.ts';
import { newMeasurement } from '../../collector/stages/stage.ts';
import { bareWatchedTorrent } from '../../collector/watchlist/bare-watched-torrent.ts';
import { HyperLogLog } from '../../core/hyperloglog.ts';
import { isSwarmscopeError } from '../../core/errors.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';

const folder = mkdtempSync(join(tmpdir(), 'swarmscope-unique-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const A = 'a'.repeat(40);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 4, 4);

function ip(i: number): string {
  return `${(i >>> 24) & 255}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

/** One sweep's measurement seeing peers [from, to), each on two ports (the same peer twice by IP). */
function sweepOf(from: number, to: number) {
  const measurement = newMeasurement(bareWatchedTorrent(A));
  for (let i = from; i < to; i++) {
    for (const port of [6881, 51413]) measurement.peers.set(`${ip(i)}:${port}`, { host: ip(i), port, family: 4, sources: new Set(['dht']) });
  }
  return measurement;
}

describe('unique_peers', () => {
  it('is the union since watching began: a week equals the merge of its days, and a restart keeps counting', async () => {
    const store = openSqliteStore(':memory:');
    const keyAt = peerHashKeyring(join(folder, 'week.key'), 0);
    let nowMs = T0;
    const stage = () => new SketchStage({ keyAt, store: store.series, now: () => nowMs });
    let current = stage();
    const uniques: number[] = [];
    // Day d: 4 sweeps 6 h apart, seeing [1000d, 1000d + 3000) half at a time: 9,000 distinct in the week.
    for (let sweep = 0; sweep < 28; sweep++) {
      const day = Math.floor(sweep / 4);
      const from = day * 1000 + (sweep % 2) * 1500;
      nowMs = T0 + day * DAY + (sweep % 4) * 6 * HOUR;
      // A collector restart on day 4: a new stage rebuilds its union from the store.
      if (sweep === 16) current = stage();
      const measurement = sweepOf(from, from + 1500);
      await current.measure(measurement);
      await store.series.writeSketches([{ infohash: A, atMs: nowMs, sketch: measurement.sketch! }]);
      uniques.push(measurement.values.unique_peers!);
    }
    assert.ok(uniques.every((value, index) => index === 0 || value >= uniques[index - 1]! - 20), 'never restarts from zero');
    const last = uniques[uniques.length - 1]!;
    assert.ok(Math.abs(last - 9000) / 9000 < 0.02, `unique_peers after a week: ${last}, expected ~9,000`);

    const week = await store.series.mergedSketch(A, T0, T0 + 7 * DAY - 1);
    const days = await Promise.all(Array.from({ length: 7 }, (_, day) => store.series.mergedSketch(A, T0 + day * DAY, T0 + (day + 1) * DAY - 1)));
    assert.deepEqual(HyperLogLog.deserialize(week!).registers, HyperLogLog.mergeAll(days.map((day) => day!)).registers, 'the week is the merge of its days');
    assert.equal(Math.round(HyperLogLog.deserialize(week!).estimate()), last, 'unique_peers at the end of the week is the week merged');
    const dailySum = days.reduce((sum, day) => sum + HyperLogLog.deserialize(day!).estimate(), 0);
    assert.ok(dailySum > 2 * last, `the daily counts sum to ${Math.round(dailySum)}, not ${last}`);
    await store.close();
  });

  it('keeps the key in a 0600 file, the same across restarts, and rotates it per epoch when asked', () => {
    const path = join(folder, 'peer-hash.key');
    const first = loadPeerHashKey(path, 0, T0);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(loadPeerHashKey(path, 0, T0 + 400 * DAY).key, first.key, 'epoch 0: one key for good');
    assert.equal(first.epochEndMs, Infinity);

    const rotating = join(folder, 'rotating.key');
    const day1 = loadPeerHashKey(rotating, 1, T0 + 5 * HOUR);
    assert.equal(day1.epochStartMs, T0);
    assert.deepEqual(loadPeerHashKey(rotating, 1, T0 + 20 * HOUR).key, day1.key);
    const day2 = loadPeerHashKey(rotating, 1, T0 + DAY + HOUR);
    assert.notDeepEqual(day2.key, day1.key);
    assert.ok(!readFileSync(rotating, 'utf8').includes(day1.key.toString('base64')), 'the old key is gone from disk');

    writeFileSync(join(folder, 'damaged.key'), 'not json');
    assert.throws(() => loadPeerHashKey(join(folder, 'damaged.key'), 0), (error: unknown) => isSwarmscopeError(error) && /delete it to start a new key epoch/.test(error.message));
    assert.ok(existsSync(join(folder, 'damaged.key')), 'a damaged key is not silently replaced');
  });

  it('starts a new union when the key epoch turns (old and new hashes cannot be merged)', async () => {
    let nowMs = T0 + HOUR;
    const stage = new SketchStage({ keyAt: peerHashKeyring(join(folder, 'epochs.key'), 1), now: () => nowMs });
    const first = sweepOf(0, 500);
    await stage.measure(first);
    nowMs = T0 + DAY + HOUR;
    const next = sweepOf(0, 500);
    await stage.measure(next);
    assert.ok(Math.abs(next.values.unique_peers! - 500) < 10, `${next.values.unique_peers}`);
    assert.notDeepEqual(first.sketch, next.sketch, 'the same peers hash differently under the new key');
  });
});
