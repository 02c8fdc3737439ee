/**
 * The watchlist route keeps serialized pages while the store is unchanged (issue 12). A cached page
 * is byte for byte what a fresh server answers, and a write through the same store or through
 * another connection to the same SQLite file shows in the very next answer. A series store that
 * cannot tell whether it changed (InfluxDB) gets no cache at all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../api/app.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { SeriesStore, SwarmSample } from '../../store/types.ts';
import { A, B, NOW } from './test-app.ts';

const C = 'c'.repeat(40);
const readiness = () => ({ ready: true, checks: {} });

async function appOver(store: SqliteStore, series: SeriesStore = store.series): Promise<FastifyInstance> {
  return buildApp({ series, registry: store.registry, stateDb: store.db, readiness, now: () => NOW });
}

function page(response: LightMyRequestResponse): { torrents: { infohash: string; latest: { dhtPeers: number | null } | null }[]; total: number } {
  assert.equal(response.statusCode, 200);
  return response.json();
}

describe('GET /api/v1/torrents, cached pages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-list-cache-'));
  const path = join(dir, 'list.sqlite');
  let store: SqliteStore;
  let other: SqliteStore;
  let app: FastifyInstance;
  before(async () => {
    store = openSqliteStore(path, { now: () => NOW - 3_600_000 });
    other = openSqliteStore(path, { now: () => NOW - 1_800_000 });
    store.registry.add({ infohash: A, label: 'first' });
    store.registry.add({ infohash: B });
    await store.series.writeSamples([{ infohash: A, atMs: NOW - 600_000, values: { dht_peers: 1 } }]);
    app = await appOver(store);
  });
  after(async () => {
    await app.close();
    await other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The page from this app (cached or not), checked against a fresh app's answer on the same file. */
  async function listed(query = ''): Promise<ReturnType<typeof page>> {
    const response = await app.inject({ url: `/api/v1/torrents${query}` });
    // Its own connection, and a series store without a data version: nothing is reused or cached,
    // and the page is serialized the way Fastify serializes a returned object.
    const freshStore = openSqliteStore(path);
    const { dataVersion: _unversioned, ...unversioned } = freshStore.series as typeof freshStore.series & { dataVersion?: unknown };
    const fresh = await appOver(freshStore, unversioned);
    try {
      const expected = await fresh.inject({ url: `/api/v1/torrents${query}` });
      assert.equal(response.body, expected.body, 'the same bytes as a server with nothing cached');
      assert.equal(response.headers['content-type'], expected.headers['content-type']);
      assert.equal(response.headers['content-length'], expected.headers['content-length']);
    } finally {
      await fresh.close();
      await freshStore.close();
    }
    return page(response);
  }

  it('answers a page again with the same bytes, for each page and limit', async () => {
    const first = await listed();
    assert.equal(first.total, 2);
    assert.equal(first.torrents[0]!.latest!.dhtPeers, 1);
    await listed();
    await listed('?limit=1&offset=1');
    await listed('?limit=1&offset=1&_=123');
    assert.deepEqual((await listed('?offset=5')).torrents, []);
  });

  it('shows a sample written through the same store right away', async () => {
    await listed();
    await store.series.writeSamples([{ infohash: A, atMs: NOW - 60_000, values: { dht_peers: 2 } }]);
    assert.equal((await listed()).torrents[0]!.latest!.dhtPeers, 2);
  });

  it('shows a sample written by another connection to the same file right away', async () => {
    await listed();
    await other.series.writeSamples([{ infohash: B, atMs: NOW - 30_000, values: { dht_peers: 3 } }]);
    assert.equal((await listed()).torrents[1]!.latest!.dhtPeers, 3);
  });

  it('shows watchlist changes by either connection right away', async () => {
    await listed();
    other.registry.add({ infohash: C, label: 'added elsewhere' });
    const added = await listed();
    assert.equal(added.total, 3);
    assert.deepEqual(added.torrents.map((torrent) => torrent.infohash), [A, B, C], 'added last, listed last');
    store.registry.remove(C);
    assert.equal((await listed()).total, 2);
    store.registry.add({ infohash: A, label: 'renamed' });
    assert.equal(((await listed()).torrents[0] as unknown as { label: string }).label, 'renamed');
  });
});

describe('GET /api/v1/torrents over a series store that cannot tell it changed', () => {
  it('is not cached', async () => {
    const store = openSqliteStore(':memory:', { now: () => NOW - 3_600_000 });
    store.registry.add({ infohash: A });
    // An in-memory stand-in for a store without a data version (InfluxDB): its data changes without the SQLite file changing.
    const latest = new Map<string, SwarmSample>([[A, { infohash: A, atMs: NOW - 60_000, values: { dht_peers: 1 } }]]);
    const series: SeriesStore = {
      kind: 'influx',
      writeSamples: async () => undefined,
      latestSamples: async (infohashes) => new Map([...latest].filter(([infohash]) => !infohashes || infohashes.includes(infohash))),
      querySeries: async () => [],
      close: async () => undefined,
    };
    const app = await appOver(store, series);
    try {
      assert.equal(page(await app.inject({ url: '/api/v1/torrents' })).torrents[0]!.latest!.dhtPeers, 1);
      latest.set(A, { infohash: A, atMs: NOW - 30_000, values: { dht_peers: 5 } });
      assert.equal(page(await app.inject({ url: '/api/v1/torrents' })).torrents[0]!.latest!.dhtPeers, 5);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
