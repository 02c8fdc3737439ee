/** SQLite upkeep: hourly and daily rollups, retention of raw samples and rollups, and an old file upgraded and rolled up. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, schemaVersion } from '../../store/sqlite/migrate.ts';
import { LATEST_SCHEMA_VERSION } from '../../store/sqlite/migrations.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { UpkeepOptions } from '../../store/sqlite/sqlite-upkeep.ts';
import type { SwarmSample } from '../../store/types.ts';

const folder = mkdtempSync(join(tmpdir(), 'swarmscope-upkeep-'));
after(() => rmSync(folder, { recursive: true, force: true }));

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "Now" in these tests: 2026-03-10T12:30Z. */
const NOW = Date.UTC(2026, 2, 10, 12, 30);
const DAY_START = Date.UTC(2026, 2, 10);

type RollupRow = { resolution_ms: number; infohash: string; metric: string; bucket_ms: number; samples: number; mean: number | null; min: number | null; max: number | null; last: number | null };

function upkeepOptions(overrides: Partial<UpkeepOptions> = {}): UpkeepOptions {
  return { rawRetentionMs: 0, hourlyRetentionMs: 0, dailyRetentionMs: 0, intervalMs: 3_600_000, now: () => NOW, ...overrides };
}

function rollups(db: Database.Database, metric: string, resolutionMs: number): RollupRow[] {
  return db.prepare('SELECT * FROM swarm_rollup WHERE metric = ? AND resolution_ms = ? ORDER BY infohash, bucket_ms').all(metric, resolutionMs) as RollupRow[];
}

describe('SQLite upkeep', () => {
  it('rolls complete hours and days up with mean/min/max, and unique_peers only as its last value', async () => {
    const store = openSqliteStore(':memory:', { upkeep: upkeepOptions() });
    // 10:00–10:45 four sweeps, 11:15 one, 12:15 one (the current hour: not rolled yet).
    const samples: SwarmSample[] = [
      { infohash: A, atMs: DAY_START + 10 * HOUR, values: { dht_peers: 10, unique_peers: 100 } },
      { infohash: A, atMs: DAY_START + 10 * HOUR + 15 * 60_000, values: { dht_peers: 20, unique_peers: 130 } },
      { infohash: A, atMs: DAY_START + 10 * HOUR + 30 * 60_000, values: { dht_peers: 30 } },
      { infohash: A, atMs: DAY_START + 10 * HOUR + 45 * 60_000, values: { dht_peers: 40, unique_peers: 150 } },
      { infohash: A, atMs: DAY_START + 11 * HOUR + 15 * 60_000, values: { dht_peers: 7, unique_peers: 151 } },
      { infohash: A, atMs: DAY_START + 12 * HOUR + 15 * 60_000, values: { dht_peers: 99 } },
      { infohash: B, atMs: DAY_START - HOUR, values: { dht_peers: 1 } },
    ];
    await store.series.writeSamples(samples);
    await store.upkeep!.run();
    const hourly = rollups(store.db, 'dht_peers', HOUR).filter((row) => row.infohash === A);
    assert.deepEqual(
      hourly.map((row) => [row.bucket_ms - DAY_START, row.samples, row.mean, row.min, row.max]),
      [[10 * HOUR, 4, 25, 10, 40], [11 * HOUR, 1, 7, 7, 7]],
    );
    // Distinct counts: never averaged; the hour's last value (150 at 10:45), no mean/min/max at all.
    const unique = rollups(store.db, 'unique_peers', HOUR);
    assert.deepEqual(unique.map((row) => [row.bucket_ms - DAY_START, row.last, row.mean, row.min, row.max]), [[10 * HOUR, 150, null, null, null], [11 * HOUR, 151, null, null, null]]);
    // Today is not complete: only yesterday's daily bucket (B's sample at 23:00) exists.
    assert.deepEqual(rollups(store.db, 'dht_peers', DAY).map((row) => [row.infohash, row.bucket_ms, row.mean]), [[B, DAY_START - DAY, 1]]);
    await store.close();
  });

  it('re-rolls an hour that receives a late sample', async () => {
    const store = openSqliteStore(':memory:', { upkeep: upkeepOptions() });
    await store.series.writeSamples([{ infohash: A, atMs: DAY_START + 9 * HOUR, values: { dht_peers: 10 } }]);
    await store.upkeep!.run();
    await store.series.writeSamples([{ infohash: A, atMs: DAY_START + 9 * HOUR + 60_000, values: { dht_peers: 30 } }]);
    await store.upkeep!.run();
    assert.deepEqual(rollups(store.db, 'dht_peers', HOUR).map((row) => [row.samples, row.mean]), [[2, 20]]);
    await store.close();
  });

  it('deletes raw samples past retention only once rolled up, keeping each torrent\'s newest one', async () => {
    const store = openSqliteStore(':memory:', { upkeep: upkeepOptions({ rawRetentionMs: 2 * DAY, hourlyRetentionMs: 3 * DAY }) });
    const old = [5, 4, 3].map((daysAgo) => ({ infohash: A, atMs: DAY_START - daysAgo * DAY + HOUR, values: { dht_peers: daysAgo } }));
    await store.series.writeSamples([...old, { infohash: A, atMs: NOW - HOUR, values: { dht_peers: 1 } }, { infohash: B, atMs: DAY_START - 5 * DAY, values: { dht_peers: 50 } }]);
    const report = await store.upkeep!.run();
    const raw = store.db.prepare('SELECT infohash, at_ms FROM swarm ORDER BY infohash, at_ms').all() as { infohash: string; at_ms: number }[];
    // Cut-off: the start of the day 2 days before now. A keeps only its recent sample; B's only sample is its newest, so it stays.
    assert.deepEqual(raw.map((row) => [row.infohash, row.at_ms]), [[A, NOW - HOUR], [B, DAY_START - 5 * DAY]]);
    assert.equal(report.deletedRawRows, 3);
    // Their history lives on in the daily rollups; hourly ones older than 3 days are gone.
    assert.deepEqual(rollups(store.db, 'dht_peers', DAY).filter((row) => row.infohash === A).map((row) => row.mean), [5, 4, 3]);
    assert.ok(rollups(store.db, 'dht_peers', HOUR).every((row) => row.bucket_ms >= NOW - 3 * DAY));
    assert.equal((await store.series.latestSamples([B])).get(B)?.values.dht_peers, 50);
    await store.close();
  });

  it('answers the rollup statements from the primary keys, not a table scan', () => {
    const store = openSqliteStore(':memory:');
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT s.infohash, count(s.dht_peers) FROM swarm_latest AS l CROSS JOIN swarm AS s ON s.infohash = l.infohash AND s.at_ms >= 0 AND s.at_ms < 1 GROUP BY s.infohash`)
      .all() as { detail: string }[];
    assert.match(plan.map((step) => step.detail).join('\n'), /SEARCH s USING PRIMARY KEY \(infohash=\? AND at_ms>\? AND at_ms<\?\)/);
    store.db.close();
  });

  it('opens a store written at schema version 3, upgrades it and rolls its history up', async () => {
    const path = join(folder, 'v3.db');
    const old = new Database(path);
    migrate(old, 3);
    old.prepare(`INSERT INTO torrents (infohash, label, added_at_ms) VALUES (?, 'v3', ?)`).run(A, DAY_START);
    const insert = old.prepare('INSERT INTO swarm (infohash, at_ms, dht_peers) VALUES (?, ?, ?)');
    insert.run(A, DAY_START - DAY + HOUR, 4);
    insert.run(A, DAY_START - DAY + HOUR + 60_000, 6);
    old.prepare('INSERT INTO swarm_latest (infohash, at_ms) VALUES (?, ?)').run(A, DAY_START - DAY + HOUR + 60_000);
    old.close();

    const store = openSqliteStore(path, { upkeep: upkeepOptions() });
    try {
      assert.equal(schemaVersion(store.db), LATEST_SCHEMA_VERSION);
      assert.equal(store.registry.get(A)?.label, 'v3');
      await store.upkeep!.run();
      assert.deepEqual(rollups(store.db, 'dht_peers', DAY).map((row) => [row.bucket_ms, row.samples, row.mean]), [[DAY_START - DAY, 2, 5]]);
      assert.deepEqual(rollups(store.db, 'dht_peers', HOUR).map((row) => [row.bucket_ms, row.mean]), [[DAY_START - DAY + HOUR, 5]]);
    } finally {
      await store.close();
    }
  });

  it('answers ranges older than the raw samples from the rollups, so deleting raw rows hides no history', async () => {
    const store = openSqliteStore(':memory:', { upkeep: upkeepOptions({ rawRetentionMs: 30 * DAY }) });
    try {
      // One sample a day at 06:00 for 61 days, value = its day number.
      const samples = Array.from({ length: 61 }, (_, index) => ({ infohash: A, atMs: DAY_START - (60 - index) * DAY + 6 * HOUR, values: { dht_peers: index, unique_peers: 1000 + index } }));
      await store.series.writeSamples(samples);
      const before = await store.series.querySeries({ infohash: A, metric: 'dht_peers', fromMs: NOW - 90 * DAY, toMs: NOW, stepMs: DAY, agg: 'avg' });
      const report = await store.upkeep!.run();
      assert.ok(report.deletedRawRows >= 29, `deleted ${report.deletedRawRows}`);
      const after = await store.series.querySeries({ infohash: A, metric: 'dht_peers', fromMs: NOW - 90 * DAY, toMs: NOW, stepMs: DAY, agg: 'avg' });
      assert.equal(before.length, 61);
      assert.deepEqual(after, before, 'the same answer before and after the raw rows went');
      const maxes = await store.series.querySeries({ infohash: A, metric: 'dht_peers', fromMs: NOW - 90 * DAY, toMs: NOW, stepMs: 7 * DAY, agg: 'max' });
      assert.equal(maxes.at(-1)![1], 60);
      const rawOnly = await store.series.querySeries({ infohash: A, metric: 'unique_peers', fromMs: NOW - 90 * DAY, toMs: NOW, stepMs: 0, agg: 'last' });
      assert.equal(rawOnly.length, 61, 'step 0: one point per rollup bucket, then raw samples');
      assert.deepEqual(rawOnly[0], [DAY_START - 60 * DAY + 6 * HOUR - (6 * HOUR) % HOUR, 1000]);
    } finally {
      await store.close();
    }
  });
});
