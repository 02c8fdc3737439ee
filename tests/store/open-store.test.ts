/** `--store URL` parsing and opening. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSwarmscopeError } from '../../core/errors.ts';
import { openStore, parseStoreUrl } from '../../store/open-store.ts';

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

  it('says influx is not supported yet, without echoing a password', () => {
    assert.throws(() => parseStoreUrl('influx://admin:hunter2@localhost:8086/swarm'), invalidUrl(/influx is not supported yet/));
    assert.throws(() => parseStoreUrl('influx://admin:hunter2@localhost:8086/swarm'), (error: unknown) => !/hunter2/.test((error as Error).message));
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
});
