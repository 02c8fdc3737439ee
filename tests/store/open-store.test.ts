/** `--store URL` parsing and opening. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSwarmscopeError } from '../../core/errors.ts';
import { loadConfig } from '../../core/config.ts';
import { createLogger } from '../../core/logger.ts';
import { openStore, parseStoreUrl, storeOptionsFromConfig } from '../../store/open-store.ts';

const folder = mkdtempSync(join(tmpdir(), 'swarmscope-open-'));
after(() => rmSync(folder, { recursive: true, force: true }));

function invalidUrl(pattern: RegExp) {
  return (error: unknown) => isSwarmscopeError(error) && error.code === 'invalid_store_url' && pattern.test(error.message);
}

describe('store URLs', () => {
  it('reads sqlite paths and :memory:', () => {
    assert.deepEqual(parseStoreUrl('sqlite:./data/swarmscope.db'), { kind: 'sqlite', path: './data/swarmscope.db' });
    assert.deepEqual(parseStoreUrl('sqlite:/var/lib/swarmscope.db'), { kind: 'sqlite', path: '/var/lib/swarmscope.db' });
    assert.deepEqual(parseStoreUrl('sqlite://data/s.db'), { kind: 'sqlite', path: 'data/s.db' });
    assert.deepEqual(parseStoreUrl('sqlite::memory:'), { kind: 'sqlite', path: ':memory:' });
  });

  it('reads influx URLs with credentials, default port and https, never echoing a password', () => {
    assert.deepEqual(parseStoreUrl('influx://admin:p%40ss@localhost:8087/swarm'), {
      kind: 'influx', protocol: 'http', host: 'localhost', port: 8087, database: 'swarm', username: 'admin', password: 'p@ss',
    });
    assert.deepEqual(parseStoreUrl('influxs://[::1]/db_1'), { kind: 'influx', protocol: 'https', host: '::1', port: 8086, database: 'db_1' });
    assert.throws(() => parseStoreUrl('influx://admin:hunter2@localhost:8086/'), invalidUrl(/database name/));
    assert.throws(() => parseStoreUrl('influx://admin:hunter2@localhost:8086/a;b'), (error: unknown) => !/hunter2/.test((error as Error).message));
  });

  it('explains what is expected for anything else', () => {
    assert.throws(() => parseStoreUrl('postgres://localhost/db'), invalidUrl(/sqlite:\.\/data\/swarmscope\.db/));
    assert.throws(() => parseStoreUrl('./data/swarmscope.db'), invalidUrl(/not understood/));
    assert.throws(() => parseStoreUrl('sqlite:'), invalidUrl(/no path/));
  });

  it('opens a file store, creating its folder', async () => {
    const path = join(folder, 'nested', 'deeper', 'store.db');
    const store = await openStore(`sqlite:${path}`);
    try {
      assert.equal(store.kind, 'sqlite');
      assert.ok(existsSync(path));
      store.registry.add({ infohash: 'a'.repeat(40) });
      assert.equal(store.registry.list().total, 1);
    } finally {
      await store.close();
    }
  });

  it('opens an in-memory store', async () => {
    const store = await openStore('sqlite::memory:');
    assert.equal((await store.series.latestSamples()).size, 0);
    await store.close();
  });

  it('gives SQLite state (alerts, webhooks) the series database itself', async () => {
    const store = await openStore(`sqlite:${join(folder, 'state.db')}`);
    try {
      store.stateDb.exec('CREATE TABLE IF NOT EXISTS api_probe (x)');
      assert.equal(store.stateDb.name, join(folder, 'state.db'));
    } finally {
      await store.close();
    }
  });

  it('gives collectors a spool named after their shard and SQLite upkeep; readers neither', () => {
    const config = loadConfig({ env: { SWARMSCOPE_SHARD: '1/3', SWARMSCOPE_SPOOL_MAX_BYTES: '1048576', SWARMSCOPE_RAW_RETENTION_MS: '86400000' } });
    const log = createLogger('silent');
    const collector = storeOptionsFromConfig(config, log, 'collector');
    assert.deepEqual(collector.spool, { maxBytes: 1_048_576, name: 'series-shard-1-of-3' });
    assert.deepEqual(collector.retention, { rawMs: 86_400_000, hourlyMs: 365 * 86_400_000, dailyMs: 0 });
    assert.equal(collector.upkeepIntervalMs, config.upkeepIntervalMs);
    const reader = storeOptionsFromConfig(config, log, 'reader');
    assert.equal(reader.spool, undefined);
    assert.equal(reader.upkeepIntervalMs, undefined);
  });
});
