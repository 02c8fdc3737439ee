/**
 * The SeriesStore contract as a reusable suite: every adapter (SQLite now, InfluxDB later) runs it
 * with its own factory, so "idempotent", "null is not 0" and "buckets start at multiples of the
 * step" mean the same thing in every store. Expected values are worked out by hand in comments.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isSwarmscopeError } from '../../core/errors.ts';
import { detailStoreOf } from '../../store/detail-validation.ts';
import type { Aggregation, RangeQuery, SeriesStore, SwarmSample } from '../../store/types.ts';
import { runDetailStoreContract } from './detail-store-contract.ts';

export type MakeSeriesStore = () => Promise<SeriesStore> | SeriesStore;

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
/** 2026-01-01T00:00:00Z, a multiple of every step used below. */
const T0 = Date.UTC(2026, 0, 1);
const S = 1000;

function range(overrides: Partial<RangeQuery> = {}): RangeQuery {
  return { infohash: A, metric: 'dht_peers', fromMs: T0, toMs: T0 + 3600 * S, stepMs: 0, agg: 'avg', ...overrides };
}

/**
 * Torrent A, dht_peers, with 60 s buckets:
 *   bucket T0      : 10 @0s, 20 @20s, (not measured @40s)  -> avg 15, min 10, max 20, sum 30, count 2, first 10, last 20
 *   bucket T0+60s  :  5 @60s, 3 @90s                       -> avg 4,  min 3,  max 5,  sum 8,  count 2, first 5,  last 3
 *   bucket T0+120s :  0 @150s (a measured zero)            -> 0 everywhere, count 1
 *   bucket T0+180s : (not measured @200s)                  -> no point at all
 */
const FIXTURE: SwarmSample[] = [
  { infohash: A, atMs: T0, values: { dht_peers: 10, dht_nodes: 100 } },
  { infohash: A, atMs: T0 + 20 * S, values: { dht_peers: 20 } },
  { infohash: A, atMs: T0 + 40 * S, values: { dht_peers: null, dht_nodes: 7 } },
  { infohash: A, atMs: T0 + 60 * S, values: { dht_peers: 5 } },
  { infohash: A, atMs: T0 + 90 * S, values: { dht_peers: 3 } },
  { infohash: A, atMs: T0 + 150 * S, values: { dht_peers: 0 } },
  { infohash: A, atMs: T0 + 200 * S, values: { tracker_seeders: 4 } },
  // Another torrent in the same instants must never leak into A's answers.
  { infohash: B, atMs: T0, values: { dht_peers: 1000 } },
  { infohash: B, atMs: T0 + 60 * S, values: { dht_peers: 2000 } },
];

const EXPECTED_BUCKETS: Record<Aggregation, [number, number][]> = {
  avg: [[T0, 15], [T0 + 60 * S, 4], [T0 + 120 * S, 0]],
  min: [[T0, 10], [T0 + 60 * S, 3], [T0 + 120 * S, 0]],
  max: [[T0, 20], [T0 + 60 * S, 5], [T0 + 120 * S, 0]],
  sum: [[T0, 30], [T0 + 60 * S, 8], [T0 + 120 * S, 0]],
  count: [[T0, 2], [T0 + 60 * S, 2], [T0 + 120 * S, 1]],
  first: [[T0, 10], [T0 + 60 * S, 5], [T0 + 120 * S, 0]],
  last: [[T0, 20], [T0 + 60 * S, 3], [T0 + 120 * S, 0]],
};

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isSwarmscopeError(error) && error.code === code);
}

export function runSeriesStoreContract(name: string, makeStore: MakeSeriesStore): void {
  // Tagged series and sketches (issue 4): the same cases for every store that has them.
  runDetailStoreContract(name, async () => {
    const store = await makeStore();
    const detail = detailStoreOf(store);
    if (!detail) throw new Error(`the ${name} store has no DetailStore methods`);
    return detail;
  });
  describe(`SeriesStore contract: ${name}`, () => {
    describe('with the hand-computed fixture', () => {
      let store: SeriesStore;
      before(async () => {
        store = await makeStore();
        await store.writeSamples(FIXTURE);
      });
      after(async () => store.close());

      it('returns raw samples in time order, leaving out unmeasured ones and keeping a measured 0', async () => {
        const points = await store.querySeries(range());
        assert.deepEqual(points, [[T0, 10], [T0 + 20 * S, 20], [T0 + 60 * S, 5], [T0 + 90 * S, 3], [T0 + 150 * S, 0]]);
      });

      for (const agg of Object.keys(EXPECTED_BUCKETS) as Aggregation[]) {
        it(`aggregates 60 s buckets with ${agg}`, async () => {
          assert.deepEqual(await store.querySeries(range({ stepMs: 60 * S, agg })), EXPECTED_BUCKETS[agg]);
        });
      }

      it('puts everything in one bucket when the step covers the range', async () => {
        // 10 + 20 + 5 + 3 + 0 = 38 over 5 measured samples.
        assert.deepEqual(await store.querySeries(range({ stepMs: 3600 * S, agg: 'sum' })), [[T0, 38]]);
        assert.deepEqual(await store.querySeries(range({ stepMs: 3600 * S, agg: 'count' })), [[T0, 5]]);
        assert.deepEqual(await store.querySeries(range({ stepMs: 3600 * S, agg: 'avg' })), [[T0, 7.6]]);
      });

      it('treats both bounds as inclusive', async () => {
        const points = await store.querySeries(range({ fromMs: T0 + 60 * S, toMs: T0 + 90 * S }));
        assert.deepEqual(points, [[T0 + 60 * S, 5], [T0 + 90 * S, 3]]);
      });

      it('starts buckets at multiples of the step since the epoch, not at `from`', async () => {
        // From T0+10s only the 20 @20s is in range of the first bucket, which still starts at T0.
        const points = await store.querySeries(range({ fromMs: T0 + 10 * S, toMs: T0 + 70 * S, stepMs: 60 * S, agg: 'avg' }));
        assert.deepEqual(points, [[T0, 20], [T0 + 60 * S, 5]]);
      });

      it('keeps metrics and torrents apart', async () => {
        assert.deepEqual(await store.querySeries(range({ metric: 'dht_nodes' })), [[T0, 100], [T0 + 40 * S, 7]]);
        assert.deepEqual(await store.querySeries(range({ infohash: B, stepMs: 60 * S, agg: 'sum' })), [[T0, 1000], [T0 + 60 * S, 2000]]);
        assert.deepEqual(await store.querySeries(range({ metric: 'bep33_peers' })), []);
        assert.deepEqual(await store.querySeries(range({ infohash: 'c'.repeat(40) })), []);
      });

      it('honours a limit, keeping the earliest points', async () => {
        assert.deepEqual(await store.querySeries(range({ limit: 2 })), [[T0, 10], [T0 + 20 * S, 20]]);
        assert.deepEqual(await store.querySeries(range({ stepMs: 60 * S, agg: 'max', limit: 1 })), [[T0, 20]]);
        // 50 s buckets: 0 s (10, 20), 50 s (5, 3), 100 s (nothing), 150 s (0): an empty bucket is not a point and uses none of the limit.
        assert.deepEqual(await store.querySeries(range({ stepMs: 50 * S, agg: 'count', limit: 3 })), [[T0, 2], [T0 + 50 * S, 2], [T0 + 150 * S, 1]]);
      });

      it('gives the newest sample of every torrent, with null for what it did not measure', async () => {
        const latest = await store.latestSamples();
        assert.deepEqual([...latest.keys()].sort(), [A, B]);
        const newestA = latest.get(A)!;
        assert.equal(newestA.atMs, T0 + 200 * S);
        assert.equal(newestA.values.tracker_seeders, 4);
        assert.equal(newestA.values.dht_peers ?? null, null);
        assert.equal(latest.get(B)!.values.dht_peers, 2000);
      });

      it('limits latest samples to the infohashes asked for', async () => {
        const latest = await store.latestSamples([B, 'c'.repeat(40)]);
        assert.deepEqual([...latest.keys()], [B]);
        assert.equal((await store.latestSamples([])).size, 0);
      });

      it('refuses a query for an unknown metric or aggregation', async () => {
        await rejectsWith(store.querySeries(range({ metric: 'nope' as never })), 'invalid_request');
        await rejectsWith(store.querySeries(range({ agg: 'median' as never, stepMs: 60 * S })), 'invalid_request');
        await rejectsWith(store.querySeries(range({ stepMs: -1 })), 'invalid_request');
      });
    });

    describe('writes', () => {
      let store: SeriesStore;
      before(async () => {
        store = await makeStore();
      });
      after(async () => store.close());

      it('is idempotent: the same (infohash, time) written twice is one sample', async () => {
        const sample: SwarmSample = { infohash: A, atMs: T0, values: { dht_peers: 42 } };
        await store.writeSamples([sample]);
        await store.writeSamples([sample, sample]);
        assert.deepEqual(await store.querySeries(range()), [[T0, 42]]);
        assert.deepEqual(await store.querySeries(range({ stepMs: 60 * S, agg: 'count' })), [[T0, 1]]);
      });

      it('lets a later write correct a value, but a null never erases a measured one', async () => {
        await store.writeSamples([{ infohash: A, atMs: T0 + S, values: { dht_peers: 1, dht_nodes: 9 } }]);
        await store.writeSamples([{ infohash: A, atMs: T0 + S, values: { dht_peers: 2, dht_nodes: null } }]);
        assert.deepEqual(await store.querySeries(range({ fromMs: T0 + S, toMs: T0 + S })), [[T0 + S, 2]]);
        assert.deepEqual(await store.querySeries(range({ metric: 'dht_nodes', fromMs: T0 + S, toMs: T0 + S })), [[T0 + S, 9]]);
      });

      it('normalizes an uppercase infohash and ignores an empty batch', async () => {
        await store.writeSamples([]);
        await store.writeSamples([{ infohash: B.toUpperCase(), atMs: T0, values: { bep33_seeders: 3 } }]);
        assert.deepEqual(await store.querySeries(range({ infohash: B, metric: 'bep33_seeders' })), [[T0, 3]]);
        assert.equal((await store.latestSamples([B.toUpperCase()])).get(B)?.values.bep33_seeders, 3);
      });

      it('does not let a late, older sample replace the newest one', async () => {
        const C = 'c'.repeat(40);
        await store.writeSamples([{ infohash: C, atMs: T0 + 600 * S, values: { dht_peers: 6 } }]);
        await store.writeSamples([{ infohash: C, atMs: T0 + 300 * S, values: { dht_peers: 3 } }]);
        const latest = (await store.latestSamples([C])).get(C)!;
        assert.equal(latest.atMs, T0 + 600 * S);
        assert.equal(latest.values.dht_peers, 6);
      });

      it('keeps nothing for a sample that measured nothing, so it cannot hide the newest real one', async () => {
        const F = 'f'.repeat(40);
        await store.writeSamples([{ infohash: F, atMs: T0, values: { dht_peers: 5 } }]);
        await store.writeSamples([{ infohash: F, atMs: T0 + 60 * S, values: { dht_peers: null, dht_nodes: Number.NaN, lookup_ms: Infinity } }]);
        const latest = (await store.latestSamples([F])).get(F)!;
        assert.equal(latest.atMs, T0);
        assert.equal(latest.values.dht_peers, 5);
        assert.deepEqual(await store.querySeries(range({ infohash: F, metric: 'dht_nodes' })), []);
      });

      it('writes a large batch at once', async () => {
        const D = 'd'.repeat(40);
        const samples = Array.from({ length: 2000 }, (_, i): SwarmSample => ({ infohash: D, atMs: T0 + i * S, values: { dht_peers: i } }));
        await store.writeSamples(samples);
        // 0 + 1 + ... + 1999 = 1999000, in one hour-wide bucket.
        assert.deepEqual(await store.querySeries(range({ infohash: D, stepMs: 3600 * S, agg: 'sum' })), [[T0, 1_999_000]]);
      });

      it('refuses a sample with a malformed infohash, time or metric, and writes nothing of that batch', async () => {
        const E = 'e'.repeat(40);
        const good: SwarmSample = { infohash: E, atMs: T0, values: { dht_peers: 1 } };
        await rejectsWith(store.writeSamples([good, { infohash: 'xyz', atMs: T0, values: {} }]), 'invalid_infohash');
        await rejectsWith(store.writeSamples([good, { infohash: E, atMs: -5, values: {} }]), 'invalid_request');
        await rejectsWith(store.writeSamples([good, { infohash: E, atMs: T0, values: { bogus: 1 } as never }]), 'invalid_request');
        assert.deepEqual(await store.querySeries(range({ infohash: E })), []);
      });
    });
  });
}
