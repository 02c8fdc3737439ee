/**
 * The SQLite series store keeps whole buckets and the partial buckets at the ends of a range while
 * the database is unchanged (issue 12). Its answers must be exactly those of one SQL read of the
 * range, as before the cache, for every aggregation (REAL values too, where the order of summing
 * shows in the last bits), step, limit and window, and they must change as soon as a sample is
 * written, through the store itself or through another connection to the same file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { AGGREGATIONS, type Aggregation, type SeriesPoint, type SwarmMetric, type SwarmSample } from '../../store/types.ts';
import { mulberry32 } from '../helpers/mulberry32.ts';

const random = mulberry32;

const MIN = 60_000;
const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const METRICS: SwarmMetric[] = ['dht_peers', 'lookup_ms', 'unique_peers'];
const STEPS = [1000, 7 * MIN, 15 * MIN, H, 2 * H, 5400_000, 86_400_000];

/** What querySeries read before the cache: one SQL read of the range, from the oldest raw sample's bucket on. */
function referenceSeries(db: Database.Database, query: { infohash: string; metric: SwarmMetric; agg: Aggregation; fromMs: number; toMs: number; stepMs: number; limit: number }): SeriesPoint[] {
  const { infohash, metric, agg, fromMs, toMs, stepMs, limit } = query;
  const oldest = (db.prepare('SELECT min(at_ms) AS oldest FROM swarm WHERE infohash = ?').get(infohash) as { oldest: number | null }).oldest;
  const boundaryMs = oldest === null ? fromMs : Math.floor(oldest / stepMs) * stepMs;
  const rawFromMs = Math.max(fromMs, boundaryMs);
  if (rawFromMs > toMs) return [];
  const value: Record<Aggregation, string> = { avg: `avg(${metric})`, min: `min(${metric})`, max: `max(${metric})`, sum: `sum(${metric})`, count: `count(${metric})`, first: metric, last: metric };
  const pick = agg === 'first' ? ', min(at_ms) AS picked_at_ms' : agg === 'last' ? ', max(at_ms) AS picked_at_ms' : '';
  const rows = db
    .prepare(`
      WITH step AS (SELECT CAST(? AS INTEGER) AS ms)
      SELECT (at_ms / step.ms) * step.ms AS bucket_ms, ${value[agg]} AS value${pick}
      FROM swarm, step
      WHERE infohash = ? AND at_ms BETWEEN ? AND ? AND ${metric} IS NOT NULL
      GROUP BY bucket_ms ORDER BY bucket_ms LIMIT ?`)
    .all(stepMs, infohash, rawFromMs, toMs, limit) as { bucket_ms: number; value: number }[];
  return rows.map((row) => [row.bucket_ms, row.value]);
}

function sampleAt(next: () => number, infohash: string, atMs: number): SwarmSample {
  const pick = (value: number) => (next() < 0.15 ? null : value);
  return {
    infohash,
    atMs,
    values: {
      dht_peers: pick(Math.floor(next() * 500)),
      // REAL values: sums in another order would differ in the last bits.
      lookup_ms: pick(next() * 1000 + 0.1),
      unique_peers: pick(next() < 0.5 ? Math.floor(next() * 1e6) : next() * 1e12),
    },
  };
}

describe('SQLite series cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-series-cache-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers exactly as one SQL read of the range, before and after writes by this and another connection', async () => {
    const path = join(dir, 'cache.sqlite');
    const store = openSqliteStore(path);
    const other = openSqliteStore(path);
    const next = random(20260301);
    try {
      // Three days of irregular samples (1 to 20 minutes apart, some seconds off the minute).
      for (const infohash of [A, B]) {
        const samples: SwarmSample[] = [];
        for (let atMs = T0 + Math.floor(next() * 10 * MIN); atMs < T0 + 3 * 24 * H; atMs += MIN + Math.floor(next() * 19 * MIN) + Math.floor(next() * 1000)) {
          samples.push(sampleAt(next, infohash, atMs));
        }
        await store.series.writeSamples(samples);
      }
      let writes = 0;
      for (let round = 0; round < 1500; round++) {
        const infohash = next() < 0.7 ? A : B;
        const metric = METRICS[Math.floor(next() * METRICS.length)]!;
        const agg = AGGREGATIONS[Math.floor(next() * AGGREGATIONS.length)]!;
        const stepMs = STEPS[Math.floor(next() * STEPS.length)]!;
        const limitChoice = next();
        const limit = limitChoice < 0.7 ? -1 : limitChoice < 0.8 ? 0 : Math.floor(next() * 40);
        // A dashboard's sliding window (now moving by seconds), or any window at all.
        const toMs = next() < 0.6 ? T0 + 3 * 24 * H - 6 * H + round * 1_000 + Math.floor(next() * 100) : T0 + Math.floor(next() * 4 * 24 * H);
        const fromMs = next() < 0.6 ? toMs - 24 * H - Math.floor(next() * 5) : toMs - Math.floor(next() * 3 * 24 * H) - 10 * H + Math.floor(next() * 10 * H);
        if (stepMs === 1000 && toMs - fromMs > 6 * H) continue;
        const query = { infohash, metric, agg, fromMs, toMs, stepMs, limit };
        const expected = referenceSeries(store.db, query);
        for (let again = 0; again < 2; again++) {
          const actual = await store.series.querySeries({ infohash, metric, agg, fromMs, toMs, stepMs, ...(limit >= 0 ? { limit } : {}) });
          assert.deepEqual(actual, expected, `round ${round}, read ${again + 1}: ${JSON.stringify(query)}`);
        }
        // Now and then a write: a late sample inside the range, a correction, or a new one; through this store or the other connection.
        if (next() < 0.08) {
          writes++;
          const atMs = Math.floor(fromMs + next() * Math.max(1, toMs - fromMs));
          const writer = next() < 0.5 ? store : other;
          await writer.series.writeSamples([sampleAt(next, infohash, Math.max(0, atMs))]);
          const written = await store.series.querySeries({ infohash, metric, agg, fromMs, toMs, stepMs, ...(limit >= 0 ? { limit } : {}) });
          assert.deepEqual(written, referenceSeries(store.db, query), `right after a write (round ${round})`);
        }
      }
      assert.ok(writes > 50, 'the writes happened');
    } finally {
      await other.close();
      await store.close();
    }
  });

  it('answers a window sliding over the samples exactly, the partial buckets at both ends included', async () => {
    const path = join(dir, 'sliding.sqlite');
    const store = openSqliteStore(path);
    const next = random(7);
    try {
      await store.series.writeSamples(Array.from({ length: 4 * 48 }, (_, i) => sampleAt(next, A, T0 + i * 15 * MIN + (i % 3) * 1000)));
      for (let shiftMin = 0; shiftMin <= 6 * 60; shiftMin += 5) {
        for (const metric of METRICS) {
          for (const agg of AGGREGATIONS) {
            const query = { infohash: A, metric, agg, fromMs: T0 + shiftMin * MIN + 1, toMs: T0 + 30 * H + shiftMin * MIN, stepMs: 2 * H, limit: -1 };
            assert.deepEqual(await store.series.querySeries({ ...query, limit: undefined }), referenceSeries(store.db, query), JSON.stringify(query));
          }
        }
      }
    } finally {
      await store.close();
    }
  });

  it('changes right after a sample is written, through the same store or another connection', async () => {
    const path = join(dir, 'fresh.sqlite');
    const store = openSqliteStore(path);
    const other = new Database(path);
    try {
      await store.series.writeSamples(Array.from({ length: 96 }, (_, i) => ({ infohash: A, atMs: T0 + i * 15 * MIN, values: { dht_peers: 10 } })));
      const query = { infohash: A, metric: 'dht_peers' as const, agg: 'avg' as const, fromMs: T0 + 7 * MIN, toMs: T0 + 23 * H + 30 * MIN, stepMs: 2 * H };
      const before = await store.series.querySeries(query);
      assert.deepEqual(before.map(([, value]) => value), Array(12).fill(10));
      assert.deepEqual(await store.series.querySeries(query), before, 'the same answer while nothing changed');

      await store.series.writeSamples([{ infohash: A, atMs: T0 + 5 * H + 37 * MIN, values: { dht_peers: 50 } }]);
      const afterOwn = await store.series.querySeries(query);
      assert.equal(afterOwn[2]![1], (10 * 8 + 50) / 9, 'a whole bucket, written through the store');

      other.prepare('INSERT INTO swarm (infohash, at_ms, dht_peers) VALUES (?, ?, ?)').run(A, T0 + 23 * H + 20 * MIN, 100);
      const afterOther = await store.series.querySeries(query);
      assert.equal(afterOther[11]![1], (10 * 7 + 100) / 8, 'the partial bucket at the end, written by another connection');
      other.prepare('UPDATE swarm SET dht_peers = 0 WHERE infohash = ? AND at_ms = ?').run(A, T0 + 15 * MIN);
      assert.equal((await store.series.querySeries(query))[0]![1], 10 * 6 / 7, 'the partial bucket at the start, corrected by another connection');
    } finally {
      other.close();
      await store.close();
    }
  });
});
