/**
 * Every range the API computes over is bounded (issue 14): ten years at a one-second step is
 * refused with a message that says what to ask instead, never computed; raw reads stop at a cap.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { A, B, errorOf, makeTestApp, type TestApp } from './test-app.ts';

describe('range limits', () => {
  let t: TestApp;
  let familyId: string;
  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A });
    t.store.registry.add({ infohash: B });
    const families = createFamiliesRepo(t.store.db);
    familyId = families.create({ name: 'F' }).id;
    families.attach(familyId, 'torrent', A);
  });
  after(() => t.close());

  it('ten years at one second is refused on every range route, saying what to do instead', async () => {
    const tenYears = 'from=-3650d&step=1s';
    const routes = [
      `/api/v1/torrents/${A}/series?metric=dht_peers&${tenYears}`,
      `/api/v1/torrents/${A}/series?metric=dht_peers&${tenYears}&format=csv`,
      `/api/v1/compare?infohash=${A}&infohash=${B}&metric=dht_peers&${tenYears}`,
      `/api/v1/families/${familyId}/series?metric=dht_peers&${tenYears}`,
      `/api/v1/torrents/${A}/geo?from=-3650d`,
      `/api/v1/torrents/${A}/map?from=-3650d`,
      `/api/v1/events/timeline?from=-1000000d`,
    ];
    for (const url of routes) {
      const response = await t.app.inject({ url });
      assert.equal(response.statusCode, 400, url);
      assert.match(errorOf(response).message, /step|range|shorter|longer|days/, url);
    }
  });

  it('raw samples over a long range stop at the cap and ask for a step', async () => {
    const atMs = Date.UTC(2025, 0, 1);
    await t.store.series.writeSamples(Array.from({ length: 10_001 }, (_, index) => ({ infohash: B, atMs: atMs + index * 1000, values: { dht_peers: index } })));
    const response = await t.app.inject({ url: `/api/v1/torrents/${B}/series?metric=dht_peers&from=-3650d&step=0` });
    assert.equal(response.statusCode, 400);
    assert.match(errorOf(response).message, /more than 10000 raw samples in this range: give a step/);
  });
});
