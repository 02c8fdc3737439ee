/**
 * The series route reads through caches (issue 12): whole buckets in the SQLite series store, the
 * sweep log in memory (store/state/sweep-log.ts), formatted bucket times. Its answers are byte for
 * byte those of a server with nothing cached, their ETags change exactly when they do, and a sample
 * or a sweep written through the same store or another connection to the same file shows in the
 * very next answer: points, gaps and the methods record's sweep counts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { SweepLog, type SweepRecord } from '../../store/state/sweep-log.ts';
import { A, NOW } from './test-app.ts';

const MIN = 60_000;
const H = 3_600_000;
const SWEEP_MS = 15 * MIN;
/** Two days of sweeps every 15 minutes, the last one a minute before NOW. */
const SWEEP_ENDS = Array.from({ length: 192 }, (_, i) => NOW - MIN - (191 - i) * SWEEP_MS);
const readiness = () => ({ ready: true, checks: {} });

interface SeriesAnswer {
  points: [string, number | null][];
  gaps: { from: string; to: string; cause: string; detail?: string }[];
  methods?: { range: { sweeps: { planned: number; done: number; missed: number; failedAttempts: number } | null } };
}

function sweep(finishedAtMs: number, extra: Partial<SweepRecord> = {}): SweepRecord {
  return { startedAtMs: finishedAtMs - 2 * MIN, finishedAtMs, intervalMs: SWEEP_MS, shard: '0/1', settingsId: null, planned: 1, measured: 1, outcome: 'done', cause: null, ...extra };
}

describe('GET /api/v1/torrents/:infohash/series, through the caches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-series-cache-'));
  const path = join(dir, 'series.sqlite');
  let store: SqliteStore;
  let other: SqliteStore;
  let app: FastifyInstance;
  const url = (query: string) => `/api/v1/torrents/${A}/series?metric=dht_peers&${query}`;

  before(async () => {
    store = openSqliteStore(path, { now: () => NOW - 3 * 24 * H });
    other = openSqliteStore(path);
    store.registry.add({ infohash: A });
    // The last sweep's sample is left out: it is written by the tests below.
    await store.series.writeSamples(SWEEP_ENDS.slice(0, -1).map((atMs, i) => ({ infohash: A, atMs, values: { dht_peers: 100 + (i % 7) } })));
    const log = new SweepLog(store.db);
    for (const finishedAtMs of SWEEP_ENDS.slice(0, -1)) log.record(sweep(finishedAtMs));
    app = await buildApp({ series: store.series, registry: store.registry, stateDb: store.db, readiness, now: () => NOW });
  });
  after(async () => {
    await app.close();
    await other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** This app's answer (twice: cached the second time), checked against a fresh app's on the same file. */
  async function answered(query: string): Promise<{ body: SeriesAnswer; etag: string }> {
    const first = await app.inject({ url: url(query) });
    const again = await app.inject({ url: url(query) });
    // Its own connection: nothing read through this app's connection is reused.
    const freshStore = openSqliteStore(path);
    const fresh = await buildApp({ series: freshStore.series, registry: freshStore.registry, stateDb: freshStore.db, readiness, now: () => NOW });
    try {
      const expected = await fresh.inject({ url: url(query) });
      for (const response of [first, again]) {
        assert.equal(response.statusCode, 200, response.body);
        assert.equal(response.body, expected.body, `the same bytes as a server with nothing cached: ${query}`);
        assert.equal(response.headers.etag, expected.headers.etag);
        assert.equal(response.headers['content-type'], expected.headers['content-type']);
      }
    } finally {
      await fresh.close();
      await freshStore.close();
    }
    return { body: first.json() as SeriesAnswer, etag: first.headers.etag as string };
  }

  const QUERIES = ['from=-30d&to=now', 'from=-1d&to=now&step=1h', 'from=-36h&to=-1h&step=2h&agg=max', 'from=-1d&step=15m&methods=true', 'from=-2h&step=0'];

  it('answers the same bytes and ETag as a server with nothing cached, and 304 on the ETag', async () => {
    for (const query of QUERIES) await answered(query);
    const { etag } = await answered('from=-30d&to=now');
    const notModified = await app.inject({ url: url('from=-30d&to=now'), headers: { 'if-none-match': etag } });
    assert.equal(notModified.statusCode, 304);
  });

  it('shows a sample written through the same store in the next answer, with a new ETag', async () => {
    const before = await answered('from=-1d&to=now&step=1h');
    // A late sample in the middle of a whole hour.
    await store.series.writeSamples([{ infohash: A, atMs: NOW - 10 * H + 7 * MIN, values: { dht_peers: 1000 } }]);
    const after = await answered('from=-1d&to=now&step=1h');
    assert.notDeepEqual(after.body.points, before.body.points);
    assert.notEqual(after.etag, before.etag);
    const stale = await app.inject({ url: url('from=-1d&to=now&step=1h'), headers: { 'if-none-match': before.etag } });
    assert.equal(stale.statusCode, 200, 'the old ETag no longer matches');
    for (const query of QUERIES) await answered(query);
  });

  it('shows a sample written by another connection in the next answer', async () => {
    const before = await answered('from=-30d&to=now');
    await other.series.writeSamples([{ infohash: A, atMs: NOW - 20 * H + 3 * MIN, values: { dht_peers: 5000 } }]);
    const after = await answered('from=-30d&to=now');
    assert.notDeepEqual(after.body.points, before.body.points);
    for (const query of QUERIES) await answered(query);
  });

  it('shows a sweep recorded through the same connection in the next answer: gaps and sweep counts', async () => {
    const before = await answered('from=-1d&step=15m&methods=true');
    assert.deepEqual(before.body.gaps, [], 'every sweep done, the last one under way');
    // The last sweep: failed as a whole.
    new SweepLog(store.db).record(sweep(SWEEP_ENDS.at(-1)!, { outcome: 'failed', cause: 'dht_unreachable: no bootstrap node answered', measured: 0 }));
    const after = await answered('from=-1d&step=15m&methods=true');
    assert.deepEqual(after.body.gaps.map((gap) => gap.cause), ['dht_unreachable']);
    assert.equal(after.body.methods!.range.sweeps!.failedAttempts, before.body.methods!.range.sweeps!.failedAttempts + 1);
    for (const query of QUERIES) await answered(query);
  });

  it('shows a sweep recorded by another connection in the next answer: its misses too', async () => {
    const before = await answered('from=-1d&step=15m&methods=true');
    new SweepLog(other.db).record(sweep(NOW - 30_000, { measured: 0, misses: [{ infohash: A, cause: 'no node answered' }] }));
    const after = await answered('from=-1d&step=15m&methods=true');
    assert.deepEqual(after.body.gaps.map((gap) => gap.cause), ['dht_unreachable', 'not_measured']);
    assert.equal(after.body.methods!.range.sweeps!.failedAttempts, before.body.methods!.range.sweeps!.failedAttempts + 1);
    // And a clock step written elsewhere shows in the record.
    new SweepLog(other.db).recordClockStep({ atMs: NOW - 5 * H, stepMs: H, skippedMs: H, smeared: false });
    const stepped = await answered('from=-1d&step=15m&methods=true');
    assert.ok(stepped.body.gaps.some((gap) => gap.cause === 'clock_step'));
    for (const query of QUERIES) await answered(query);
  });
});
