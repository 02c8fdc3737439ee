/**
 * The DetailStore contract (tagged series and peer sketches, store/types.ts) as a reusable suite,
 * run by runSeriesStoreContract for every store that has it: SQLite (memory and file) and a real
 * influxd. Expected values are worked out by hand in comments, as in series-store-contract.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { isSwarmscopeError } from '../../core/errors.ts';
import { HyperLogLog } from '../../core/hyperloglog.ts';
import type { DetailStore, SeriesPoint, SeriesStore, SketchSample, TaggedQuery, TaggedSample } from '../../store/types.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
/** 2026-01-01T00:00:00Z */
const T0 = Date.UTC(2026, 0, 1);
const S = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T1 = 'udp://tracker.one:6969/announce';
const T2 = 'http://tracker.two/announce?passkey=x y';

/**
 * Torrent A on swarm_tracker, tracker_seeders:
 *   T1: 10 @0s, 20 @20s, (tracker down @60s: tracker_up 0, no counts), 0 @90s (a measured zero)
 *   T2:  7 @0s,  9 @60s
 * 60 s buckets of T1: avg 15 / max 20 / count 2 / first 10 / last 20 at T0; 0 everywhere (count 1) at T0+60s.
 */
const TAGGED: TaggedSample[] = [
  { measurement: 'swarm_tracker', infohash: A, tag: T1, atMs: T0, values: { tracker_seeders: 10, tracker_leechers: 5, tracker_completed: 100, tracker_up: 1 } },
  { measurement: 'swarm_tracker', infohash: A, tag: T1, atMs: T0 + 20 * S, values: { tracker_seeders: 20, tracker_up: 1 } },
  { measurement: 'swarm_tracker', infohash: A, tag: T1, atMs: T0 + 60 * S, values: { tracker_seeders: null, tracker_leechers: null, tracker_up: 0 } },
  { measurement: 'swarm_tracker', infohash: A, tag: T1, atMs: T0 + 90 * S, values: { tracker_seeders: 0, tracker_up: 1 } },
  { measurement: 'swarm_tracker', infohash: A, tag: T2, atMs: T0, values: { tracker_seeders: 7, tracker_up: 1 } },
  { measurement: 'swarm_tracker', infohash: A, tag: T2, atMs: T0 + 60 * S, values: { tracker_seeders: 9, tracker_up: 1 } },
  { measurement: 'swarm_tracker', infohash: B, tag: T1, atMs: T0, values: { tracker_seeders: 1000 } },
  { measurement: 'swarm_geo', infohash: A, tag: 'DE', atMs: T0, values: { peers: 3 } },
  { measurement: 'swarm_geo', infohash: A, tag: 'US', atMs: T0, values: { peers: 4 } },
  { measurement: 'swarm_geo', infohash: A, tag: 'DE', atMs: T0 + 60 * S, values: { peers: 5 } },
  { measurement: 'swarm_asn', infohash: A, tag: 'AS13335', atMs: T0, values: { peers: 2 } },
  { measurement: 'swarm_client', infohash: A, tag: 'qBittorrent 4.6.2', atMs: T0, values: { peers: 6 } },
];

function tq(overrides: Partial<TaggedQuery> = {}): TaggedQuery {
  return { measurement: 'swarm_tracker', infohash: A, field: 'tracker_seeders', fromMs: T0, toMs: T0 + HOUR, stepMs: 0, agg: 'avg', ...overrides };
}

const plain = (series: Map<string, SeriesPoint[]>) => Object.fromEntries(series);

/** A sketch of peers [from, to) by a fixed hash (the store never sees what was hashed). */
function sketchOf(from: number, to: number): Buffer {
  const sketch = new HyperLogLog();
  for (let peer = from; peer < to; peer++) sketch.addHash(createHash('sha256').update(`peer-${peer}`).digest());
  return sketch.serialize();
}

const estimate = (sketch: Buffer | null) => (sketch ? Math.round(HyperLogLog.deserialize(sketch).estimate()) : null);
const sameRegisters = (a: Buffer | null, b: Buffer | null) => assert.deepEqual(a && HyperLogLog.deserialize(a).registers, b && HyperLogLog.deserialize(b).registers);

/**
 * A week of sweeps (4 a day, 6 h apart, from T0): day d's peers are [d·1000, d·1000 + 3000), each
 * sweep sees a 1500-peer slice of them, so the union of a day is its 3000 peers and the week's is
 * [0, 9000): 9,000 distinct peers, while the daily counts sum to 21,000.
 */
const WEEK: SketchSample[] = Array.from({ length: 28 }, (_, sweep) => {
  const day = Math.floor(sweep / 4);
  const part = sweep % 4;
  const from = day * 1000 + (part % 2) * 1500;
  return { infohash: A, atMs: T0 + day * DAY + part * 6 * HOUR, sketch: sketchOf(from, from + 1500) };
});

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isSwarmscopeError(error) && error.code === code);
}

export function runDetailStoreContract(name: string, makeStore: () => Promise<SeriesStore & DetailStore> | (SeriesStore & DetailStore)): void {
  describe(`DetailStore contract: ${name}`, () => {
    let store: SeriesStore & DetailStore;
    before(async () => {
      store = await makeStore();
      await store.writeTagged(TAGGED);
      await store.writeSketches(WEEK);
    });
    after(async () => store.close());

    it('returns one raw series per tag, in time order, leaving out unmeasured values and keeping a measured 0', async () => {
      assert.deepEqual(plain(await store.queryTagged(tq())), {
        [T1]: [[T0, 10], [T0 + 20 * S, 20], [T0 + 90 * S, 0]],
        [T2]: [[T0, 7], [T0 + 60 * S, 9]],
      });
      assert.deepEqual(plain(await store.queryTagged(tq({ field: 'tracker_up' }))), {
        [T1]: [[T0, 1], [T0 + 20 * S, 1], [T0 + 60 * S, 0], [T0 + 90 * S, 1]],
        [T2]: [[T0, 1], [T0 + 60 * S, 1]],
      });
    });

    it('aggregates per tag in buckets that start at multiples of the step', async () => {
      const bucketed = async (agg: TaggedQuery['agg']) => (await store.queryTagged(tq({ stepMs: 60 * S, agg }))).get(T1);
      assert.deepEqual(await bucketed('avg'), [[T0, 15], [T0 + 60 * S, 0]]);
      assert.deepEqual(await bucketed('max'), [[T0, 20], [T0 + 60 * S, 0]]);
      assert.deepEqual(await bucketed('count'), [[T0, 2], [T0 + 60 * S, 1]]);
      assert.deepEqual(await bucketed('first'), [[T0, 10], [T0 + 60 * S, 0]]);
      assert.deepEqual(await bucketed('last'), [[T0, 20], [T0 + 60 * S, 0]]);
      assert.deepEqual(plain(await store.queryTagged(tq({ fromMs: T0 + 10 * S, toMs: T0 + 70 * S, stepMs: 60 * S, agg: 'sum' }))), {
        [T1]: [[T0, 20]],
        [T2]: [[T0 + 60 * S, 9]],
      });
    });

    it('keeps measurements, fields and torrents apart', async () => {
      assert.deepEqual(plain(await store.queryTagged(tq({ measurement: 'swarm_geo', field: 'peers' }))), { DE: [[T0, 3], [T0 + 60 * S, 5]], US: [[T0, 4]] });
      assert.deepEqual(plain(await store.queryTagged(tq({ measurement: 'swarm_asn', field: 'peers' }))), { AS13335: [[T0, 2]] });
      assert.deepEqual(plain(await store.queryTagged(tq({ measurement: 'swarm_client', field: 'peers' }))), { 'qBittorrent 4.6.2': [[T0, 6]] });
      assert.deepEqual(plain(await store.queryTagged(tq({ field: 'tracker_leechers' }))), { [T1]: [[T0, 5]] });
      assert.deepEqual(plain(await store.queryTagged(tq({ infohash: B }))), { [T1]: [[T0, 1000]] });
      assert.equal((await store.queryTagged(tq({ infohash: 'c'.repeat(40) }))).size, 0);
    });

    it('is idempotent, lets a later write correct a value, and never lets a null erase one', async () => {
      const C = 'c'.repeat(40);
      const first: TaggedSample = { measurement: 'swarm_tracker', infohash: C, tag: T1, atMs: T0, values: { tracker_seeders: 1, tracker_leechers: 2 } };
      await store.writeTagged([first, first]);
      await store.writeTagged([{ ...first, values: { tracker_seeders: 3, tracker_leechers: null } }]);
      assert.deepEqual(plain(await store.queryTagged(tq({ infohash: C }))), { [T1]: [[T0, 3]] });
      assert.deepEqual(plain(await store.queryTagged(tq({ infohash: C, field: 'tracker_leechers' }))), { [T1]: [[T0, 2]] });
    });

    it('refuses a malformed tagged sample or query, and writes nothing of that batch', async () => {
      const E = 'e'.repeat(40);
      const good: TaggedSample = { measurement: 'swarm_geo', infohash: E, tag: 'FR', atMs: T0, values: { peers: 1 } };
      await rejectsWith(store.writeTagged([good, { ...good, measurement: 'swarm_nope' as never }]), 'invalid_request');
      await rejectsWith(store.writeTagged([good, { ...good, values: { tracker_seeders: 1 } }]), 'invalid_request');
      await rejectsWith(store.writeTagged([good, { ...good, tag: '' }]), 'invalid_request');
      await rejectsWith(store.writeTagged([good, { ...good, infohash: 'xyz' }]), 'invalid_infohash');
      await rejectsWith(store.queryTagged(tq({ field: 'peers' })), 'invalid_request');
      assert.equal((await store.queryTagged(tq({ measurement: 'swarm_geo', field: 'peers', infohash: E }))).size, 0);
    });

    it('has no sketch for a range without sweeps', async () => {
      assert.equal(await store.mergedSketch(A, T0 - DAY, T0 - 1), null);
      assert.equal(await store.mergedSketch(B, T0, T0 + 7 * DAY), null);
    });

    it('merges a week into the distinct peers of the week: the merge of its days, not the sum of their counts', async () => {
      const week = await store.mergedSketch(A, T0, T0 + 7 * DAY - 1);
      const days = await Promise.all(Array.from({ length: 7 }, (_, day) => store.mergedSketch(A, T0 + day * DAY, T0 + (day + 1) * DAY - 1)));
      sameRegisters(week, HyperLogLog.mergeAll(days.map((day) => day!)).serialize());
      sameRegisters(week, HyperLogLog.mergeAll(WEEK.map((sweep) => sweep.sketch)).serialize());
      const distinct = estimate(week)!;
      assert.ok(Math.abs(distinct - 9000) / 9000 < 0.02, `${distinct} distinct peers, expected ~9,000`);
      const sumOfDays = days.reduce((sum, day) => sum + estimate(day)!, 0);
      assert.ok(sumOfDays > 20_000, `the daily counts sum to ${sumOfDays}: a sum double-counts`);
    });

    it('treats both bounds as inclusive and takes only the sweeps inside a range across days', async () => {
      sameRegisters(await store.mergedSketch(A, WEEK[5]!.atMs, WEEK[5]!.atMs), WEEK[5]!.sketch);
      // Day 1 12:00 to day 3 06:00: sweeps 6, 7, 8, 9, 10, 11, 12, 13.
      const across = await store.mergedSketch(A, T0 + DAY + 12 * HOUR, T0 + 3 * DAY + 6 * HOUR);
      sameRegisters(across, HyperLogLog.mergeAll(WEEK.slice(6, 14).map((sweep) => sweep.sketch)).serialize());
    });

    it('counts a sweep written late into a day that was already merged, and a sweep written twice once', async () => {
      const late: SketchSample = { infohash: A, atMs: T0 + 3 * HOUR, sketch: sketchOf(50_000, 50_500) };
      await store.writeSketches([late, late]);
      const day0 = await store.mergedSketch(A, T0, T0 + DAY - 1);
      sameRegisters(day0, HyperLogLog.mergeAll([...WEEK.slice(0, 4).map((sweep) => sweep.sketch), late.sketch]).serialize());
      const week = await store.mergedSketch(A, T0, T0 + 7 * DAY - 1);
      sameRegisters(week, HyperLogLog.mergeAll([...WEEK.map((sweep) => sweep.sketch), late.sketch]).serialize());
    });

    it('refuses a malformed sketch or infohash', async () => {
      await rejectsWith(store.writeSketches([{ infohash: A, atMs: T0, sketch: Buffer.from('not a sketch') }]), 'invalid_request');
      await rejectsWith(store.writeSketches([{ infohash: 'xyz', atMs: T0, sketch: sketchOf(0, 1) }]), 'invalid_infohash');
      await rejectsWith(store.mergedSketch('xyz', T0, T0 + DAY), 'invalid_infohash');
    });
  });
}
