/** SQLite upkeep of the tagged series and peer sketches: rollups, retention, and distinct counts that survive it. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { HyperLogLog } from '../../core/hyperloglog.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { SketchSample } from '../../store/types.ts';

const A = 'a'.repeat(40);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "Now": 2026-03-10T12:30Z; raw data is kept 2 days, so before 2026-03-08T00:00Z only rollups and day unions remain. */
const DAY_START = Date.UTC(2026, 2, 10);
const NOW = DAY_START + 12 * HOUR + 30 * 60_000;
const FIRST_DAY = DAY_START - 9 * DAY;

function sketchOf(from: number, to: number): Buffer {
  const sketch = new HyperLogLog();
  for (let peer = from; peer < to; peer++) sketch.addHash(createHash('sha256').update(`p${peer}`).digest());
  return sketch.serialize();
}

describe('SQLite upkeep of tagged series and sketches', () => {
  it('rolls tagged fields up per hour, drops old raw rows, and keeps distinct counts whole through retention', async () => {
    const store = openSqliteStore(':memory:', { upkeep: { rawRetentionMs: 2 * DAY, hourlyRetentionMs: 0, dailyRetentionMs: 0, intervalMs: DAY, now: () => NOW } });
    // A swarm sample marks where history starts (the upkeep's first watermark).
    await store.series.writeSamples([{ infohash: A, atMs: FIRST_DAY, values: { dht_peers: 1 } }]);
    await store.series.writeTagged([
      { measurement: 'swarm_geo', infohash: A, tag: 'DE', atMs: FIRST_DAY + 10 * 60_000, values: { peers: 4 } },
      { measurement: 'swarm_geo', infohash: A, tag: 'DE', atMs: FIRST_DAY + 40 * 60_000, values: { peers: 8 } },
      { measurement: 'swarm_geo', infohash: A, tag: 'DE', atMs: NOW - HOUR, values: { peers: 1 } },
    ]);
    // Two sweeps a day (06:00 and 18:00) for ten days; day d sees peers [100d, 100d + 300).
    const sweeps: SketchSample[] = Array.from({ length: 20 }, (_, index) => ({
      infohash: A,
      atMs: FIRST_DAY + Math.floor(index / 2) * DAY + (index % 2 === 0 ? 6 : 18) * HOUR,
      sketch: sketchOf(Math.floor(index / 2) * 100 + (index % 2) * 150, Math.floor(index / 2) * 100 + (index % 2) * 150 + 150),
    })).filter((sweep) => sweep.atMs <= NOW);
    await store.series.writeSketches(sweeps);
    const allBefore = await store.series.mergedSketch(A, 0, NOW);
    await store.upkeep!.run();

    const rollup = store.db.prepare('SELECT field, bucket_ms, samples, mean, min, max FROM tagged_rollup WHERE resolution_ms = ? ORDER BY bucket_ms').all(HOUR);
    assert.deepEqual(rollup[0], { field: 'peers', bucket_ms: FIRST_DAY, samples: 2, mean: 6, min: 4, max: 8 });
    const oldRaw = store.db.prepare('SELECT count(*) FROM tagged_point WHERE at_ms < ?').pluck().get(NOW - 2 * DAY);
    assert.equal(oldRaw, 0, 'raw tagged rows past retention are gone once rolled up');
    const recent = await store.series.queryTagged({ measurement: 'swarm_geo', infohash: A, field: 'peers', fromMs: NOW - DAY, toMs: NOW, stepMs: 0, agg: 'avg' });
    assert.deepEqual(recent.get('DE'), [[NOW - HOUR, 1]]);

    const sweepRows = store.db.prepare('SELECT count(*) FROM peer_sketch WHERE resolution_ms = 0 AND at_ms < ?').pluck().get(DAY_START - 2 * DAY);
    assert.equal(sweepRows, 0, 'expired sweep sketches are deleted (their days have unions)');
    // Nothing distinct was lost: all of history merges to the same registers as before retention.
    assert.deepEqual(HyperLogLog.deserialize((await store.series.mergedSketch(A, 0, NOW))!).registers, HyperLogLog.deserialize(allBefore!).registers);
    // An expired partial day is widened to the whole day: 12:00 of day 0 to 12:00 of day 1 = days 0 and 1.
    const widened = await store.series.mergedSketch(A, FIRST_DAY + 12 * HOUR, FIRST_DAY + DAY + 12 * HOUR);
    assert.deepEqual(HyperLogLog.deserialize(widened!).registers, HyperLogLog.mergeAll(sweeps.slice(0, 4).map((sweep) => sweep.sketch)).registers);
    await store.close();
  });
});
