/** The SQLite adapter: the shared contract on memory and file databases, plus what only SQLite has (WAL, migrations). */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { isSwarmscopeError } from '../../core/errors.ts';
import { migrate, schemaVersion } from '../../store/sqlite/migrate.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../store/sqlite/migrations.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { runSeriesStoreContract } from './series-store-contract.ts';

const folder = mkdtempSync(join(tmpdir(), 'swarmscope-sqlite-'));
after(() => rmSync(folder, { recursive: true, force: true }));
let fileCounter = 0;
const freshFile = (): string => join(folder, `store-${++fileCounter}.db`);

runSeriesStoreContract('sqlite :memory:', () => openSqliteStore(':memory:').series);
runSeriesStoreContract('sqlite file', () => openSqliteStore(freshFile()).series);

const A = 'a'.repeat(40);
const T0 = Date.UTC(2026, 0, 1);

describe('SQLite store', () => {
  it('uses WAL with synchronous=NORMAL and a busy timeout on a file', async () => {
    const path = freshFile();
    const store = openSqliteStore(path);
    try {
      await store.series.writeSamples([{ infohash: A, atMs: T0, values: { dht_peers: 1 } }]);
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('synchronous', { simple: true }), 1);
      assert.ok((store.db.pragma('busy_timeout', { simple: true }) as number) >= 1000);
      assert.ok(existsSync(`${path}-wal`), 'the -wal file exists while the database is open');
    } finally {
      await store.close();
    }
  });

  it('keeps data across close and reopen, and closing twice is harmless', async () => {
    const path = freshFile();
    const first = openSqliteStore(path);
    first.registry.add({ infohash: A, label: 'kept' });
    await first.series.writeSamples([{ infohash: A, atMs: T0, values: { dht_peers: 7 } }]);
    await first.close();
    await first.series.close();

    const second = openSqliteStore(path);
    try {
      assert.equal(schemaVersion(second.db), LATEST_SCHEMA_VERSION);
      assert.equal(second.registry.get(A)?.label, 'kept');
      assert.equal((await second.series.latestSamples()).get(A)?.values.dht_peers, 7);
    } finally {
      await second.close();
    }
  });

  it('lets a second connection (the API next to the collector) read what the first wrote', async () => {
    const path = freshFile();
    const collector = openSqliteStore(path);
    const api = openSqliteStore(path);
    try {
      await collector.series.writeSamples([{ infohash: A, atMs: T0, values: { dht_peers: 3 } }]);
      assert.deepEqual(
        await api.series.querySeries({ infohash: A, metric: 'dht_peers', fromMs: T0, toMs: T0, stepMs: 0, agg: 'avg' }),
        [[T0, 3]],
      );
    } finally {
      await collector.close();
      await api.close();
    }
  });

  it('upgrades a database written at schema version 1 and keeps its rows', async () => {
    const path = freshFile();
    const old = new Database(path);
    migrate(old, 1);
    assert.equal(schemaVersion(old), 1);
    old.prepare(`INSERT INTO torrents (infohash, label, trackers, added_at_ms) VALUES (?, 'old', '["udp://t.example:80"]', ?)`).run(A, T0);
    const insert = old.prepare('INSERT INTO swarm (infohash, at_ms, dht_peers) VALUES (?, ?, ?)');
    insert.run(A, T0, 11);
    insert.run(A, T0 + 60_000, 12);
    old.close();

    const store = openSqliteStore(path);
    try {
      assert.equal(schemaVersion(store.db), LATEST_SCHEMA_VERSION);
      const torrent = store.registry.get(A)!;
      assert.equal(torrent.label, 'old');
      assert.deepEqual(torrent.trackers, ['udp://t.example:80']);
      assert.deepEqual(torrent.tags, [], 'the tags column added later defaults to none');
      // The newest-sample pointer added in version 2 is back-filled from the existing rows.
      const latest = (await store.series.latestSamples()).get(A)!;
      assert.equal(latest.atMs, T0 + 60_000);
      assert.equal(latest.values.dht_peers, 12);
    } finally {
      await store.close();
    }
  });

  it('runs each pending step once and records the version', () => {
    const db = new Database(':memory:');
    const first = migrate(db);
    assert.equal(first.fromVersion, 0);
    assert.equal(first.toVersion, LATEST_SCHEMA_VERSION);
    assert.equal(first.applied.length, MIGRATIONS.length);
    assert.deepEqual(migrate(db).applied, []);
    db.close();
  });

  it('rolls a failing step back and leaves the version where it was', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    const broken = [{ version: 2, name: 'broken', up: (d: Database.Database) => d.exec('CREATE TABLE half (x); SELECT * FROM no_such_table;') }];
    assert.throws(() => migrate(db, 2, broken));
    assert.equal(schemaVersion(db), 1);
    assert.equal((db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'`).get() as { n: number }).n, 0);
    db.close();
  });

  it('refuses a database written by a newer version instead of guessing', () => {
    const path = freshFile();
    const future = new Database(path);
    future.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    future.close();
    assert.throws(
      () => openSqliteStore(path),
      (error: unknown) => isSwarmscopeError(error) && error.code === 'store_unavailable' && /newer/.test(error.message),
    );
  });

  it('reports a path it cannot open as store_unavailable', () => {
    assert.throws(
      () => openSqliteStore(join(folder, 'no-such-folder', 'x.db')),
      (error: unknown) => isSwarmscopeError(error) && error.code === 'store_unavailable',
    );
  });

  it('answers range queries from the primary key, not a table scan', () => {
    const store = openSqliteStore(':memory:');
    const plan = store.db
      .prepare(`EXPLAIN QUERY PLAN SELECT at_ms, dht_peers FROM swarm WHERE infohash = ? AND at_ms BETWEEN ? AND ?`)
      .all(A, 0, 1) as { detail: string }[];
    assert.match(plan.map((step) => step.detail).join('\n'), /SEARCH swarm USING PRIMARY KEY \(infohash=\? AND at_ms>\? AND at_ms<\?\)/);
    store.db.close();
  });
});
