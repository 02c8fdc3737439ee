import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { A, B, NOW, errorOf, makeTestApp, type TestApp } from './test-app.ts';

describe('GET /api/v1/torrents', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A, label: 'LLaMA 65B', name: 'LLaMA', size: 235_164_838_073, tags: ['leak'] });
    t.store.registry.add({ infohash: B });
    await t.store.series.writeSamples([
      { infohash: A, atMs: NOW - 7_200_000, values: { dht_peers: 1 } },
      { infohash: A, atMs: NOW - 60_000, values: { dht_peers: 0, dht_peers_v4: 0, tracker_seeders: 17 } },
    ]);
  });
  after(() => t.close());

  it('lists the watchlist with each latest sample; unmeasured is null, a measured 0 stays 0', async () => {
    const response = await t.app.inject({ url: '/api/v1/torrents' });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.total, 2);
    assert.deepEqual(body.torrents[0], {
      infohash: A,
      label: 'LLaMA 65B',
      name: 'LLaMA',
      size: 235_164_838_073,
      tags: ['leak'],
      addedAt: new Date(NOW - 3_600_000).toISOString(),
      latest: {
        at: new Date(NOW - 60_000).toISOString(),
        dhtPeers: 0,
        dhtPeersV4: 0,
        dhtPeersV6: null,
        dhtNodes: null,
        bep33Seeders: null,
        bep33Peers: null,
        bep33Nodes: null,
        bep33Saturated: null,
        dhtUncorroborated: null,
        trackerSeeders: 17,
        trackerLeechers: null,
        trackerCompleted: null,
        probeSeeders: null,
        probeLeechers: null,
        pexPeers: null,
        swarmEstimate: null,
        swarmEstimateLow: null,
        swarmEstimateHigh: null,
        swarmEstimateOverlap: null,
        newPeers: null,
        uniquePeers: null,
      },
    });
    assert.equal(body.torrents[1].infohash, B);
    assert.equal(body.torrents[1].latest, null, 'never measured');
  });

  it('pages with offset and limit, reporting the total', async () => {
    const body = (await t.app.inject({ url: '/api/v1/torrents?offset=1&limit=1' })).json();
    assert.deepEqual(body.torrents.map((torrent: { infohash: string }) => torrent.infohash), [B]);
    assert.equal(body.total, 2);
    const empty = (await t.app.inject({ url: '/api/v1/torrents?offset=5' })).json();
    assert.deepEqual(empty, { torrents: [], total: 2 });
  });

  it('refuses a limit above 1000 or a bad offset with a message naming the parameter', async () => {
    const tooMany = await t.app.inject({ url: '/api/v1/torrents?limit=1001' });
    assert.equal(tooMany.statusCode, 400);
    assert.deepEqual(errorOf(tooMany), { code: 'invalid_request', message: 'querystring/limit must be <= 1000' });
    const negative = await t.app.inject({ url: '/api/v1/torrents?offset=-1' });
    assert.equal(negative.statusCode, 400);
    assert.match(errorOf(negative).message, /querystring\/offset/);
    const words = await t.app.inject({ url: '/api/v1/torrents?limit=ten' });
    assert.equal(words.statusCode, 400);
    assert.match(errorOf(words).message, /querystring\/limit must be integer/);
  });

  it('leaves removed torrents out', async () => {
    t.store.registry.remove(B);
    const body = (await t.app.inject({ url: '/api/v1/torrents' })).json();
    assert.equal(body.total, 1);
  });
});
