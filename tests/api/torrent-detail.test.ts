import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { A, AUTH, B, NOW, errorOf, makeTestApp, type TestApp } from './test-app.ts';

describe('GET and DELETE /api/v1/torrents/:infohash', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({
      infohash: A,
      label: 'LLaMA',
      source: 'https://example.org/4chan-thread',
      name: 'LLaMA',
      size: 1000,
      files: [{ path: 'LLaMA/7B/consolidated.00.pth', length: 1000 }],
      trackers: ['udp://tracker.example:1337/announce'],
      webSeeds: ['https://mirror.example/LLaMA/'],
    });
    await t.store.series.writeSamples([{ infohash: A, atMs: NOW - 1000, values: { bep33_seeders: 321 } }]);
  });
  after(() => t.close());

  it('shows metadata and the latest sample', async () => {
    const response = await t.app.inject({ url: `/api/v1/torrents/${A}` });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.infohash, A);
    assert.equal(body.source, 'https://example.org/4chan-thread');
    assert.deepEqual(body.files, [{ path: 'LLaMA/7B/consolidated.00.pth', length: 1000 }]);
    assert.deepEqual(body.trackers, ['udp://tracker.example:1337/announce']);
    assert.deepEqual(body.webSeeds, ['https://mirror.example/LLaMA/']);
    assert.equal(body.size, 1000);
    assert.equal(body.addedAt, new Date(NOW - 3_600_000).toISOString());
    assert.equal(body.latest.bep33Seeders, 321);
    assert.equal(body.latest.dhtPeers, null);
  });

  it('accepts the infohash in upper case or base32', async () => {
    assert.equal((await t.app.inject({ url: `/api/v1/torrents/${A.toUpperCase()}` })).statusCode, 200);
    const base32 = 'VKVKVKVKVKVKVKVKVKVKVKVKVKVKVKVK'; // 20 bytes of 0xaa
    assert.equal((await t.app.inject({ url: `/api/v1/torrents/${base32}` })).json().infohash, A);
  });

  it('answers 404 for a torrent not on the watchlist and 400 for a malformed infohash', async () => {
    const unknown = await t.app.inject({ url: `/api/v1/torrents/${B}` });
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(errorOf(unknown), { code: 'not_found', message: `torrent ${B} is not on the watchlist` });
    const malformed = await t.app.inject({ url: '/api/v1/torrents/1234' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(errorOf(malformed).code, 'invalid_infohash');
  });

  it('needs a token to delete', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: `/api/v1/torrents/${A}` });
    assert.equal(response.statusCode, 401);
    assert.ok(t.store.registry.get(A));
  });

  it('stops watching with 204, keeps the history, then answers 404', async () => {
    const response = await t.app.inject({ method: 'DELETE', url: `/api/v1/torrents/${A}`, headers: AUTH });
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, '');
    assert.equal((await t.app.inject({ url: `/api/v1/torrents/${A}` })).statusCode, 404);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/torrents/${A}`, headers: AUTH });
    assert.equal(again.statusCode, 404);
    const series = await t.app.inject({ url: `/api/v1/torrents/${A}/series?metric=bep33_seeders&step=0` });
    assert.equal(series.statusCode, 200);
    assert.deepEqual(series.json().points, [[new Date(NOW - 1000).toISOString(), 321]]);
  });

  it('answers 404 when deleting a torrent never watched, 400 for a malformed one', async () => {
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/torrents/${B}`, headers: AUTH })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/v1/torrents/zz', headers: AUTH })).statusCode, 400);
  });
});
