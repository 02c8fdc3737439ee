/** GET /api/v1/torrents/:infohash/geo and /unique-peers: answers, errors (400, 404) and the OpenAPI description. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { HyperLogLog } from '../../core/hyperloglog.ts';
import type { TaggedSample } from '../../store/types.ts';
import { A, B, NOW, errorOf, makeTestApp, type TestApp } from '../api/test-app.ts';

const H = 3_600_000;
const geo = (atMs: number, tag: string, peers: number): TaggedSample => ({ measurement: 'swarm_geo', infohash: A, tag, atMs, values: { peers } });

function sketchOf(from: number, to: number): Buffer {
  const sketch = new HyperLogLog();
  for (let peer = from; peer < to; peer++) sketch.addHash(createHash('sha256').update(`${peer}`).digest());
  return sketch.serialize();
}

describe('GET /api/v1/torrents/:infohash/geo', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A });
    t.store.registry.add({ infohash: B });
    // Two sweeps: 2 h ago DE 10, US 6, other 2; 1 h ago DE 12, FR 3, other 1.
    await t.store.series.writeTagged([
      geo(NOW - 2 * H, 'DE', 10),
      geo(NOW - 2 * H, 'US', 6),
      geo(NOW - 2 * H, 'other', 2),
      geo(NOW - H, 'DE', 12),
      geo(NOW - H, 'FR', 3),
      geo(NOW - H, 'other', 1),
      { measurement: 'swarm_asn', infohash: A, tag: 'AS3320', atMs: NOW - H, values: { peers: 9 } },
      { measurement: 'swarm_asn', infohash: A, tag: 'other', atMs: NOW - H, values: { peers: 7 } },
      { measurement: 'swarm_client', infohash: A, tag: 'Transmission 4.0.5', atMs: NOW - H, values: { peers: 4 } },
    ]);
    await t.store.series.writeSketches([
      { infohash: A, atMs: NOW - 2 * H, sketch: sketchOf(0, 1000) },
      { infohash: A, atMs: NOW - H, sketch: sketchOf(500, 1500) },
    ]);
  });
  after(() => t.close());

  it('answers the newest sweep of the range and the mean per sweep, other last', async () => {
    const response = await t.app.inject({ url: `/api/v1/torrents/${A}/geo` });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      infohash: A,
      from: new Date(NOW - 24 * H).toISOString(),
      to: new Date(NOW).toISOString(),
      at: new Date(NOW - H).toISOString(),
      sweeps: 2,
      countries: [
        { country: 'DE', peers: 12, meanPeers: 11 },
        { country: 'FR', peers: 3, meanPeers: 1.5 },
        { country: 'US', peers: 0, meanPeers: 3 },
        { country: 'other', peers: 1, meanPeers: 1.5 },
      ],
      asns: [{ asn: 'AS3320', peers: 9, meanPeers: 9 }, { asn: 'other', peers: 7, meanPeers: 7 }],
      clients: [{ client: 'Transmission 4.0.5', peers: 4, meanPeers: 4 }],
    });
  });

  it('takes from and to, and answers an empty range with at null', async () => {
    const early = (await t.app.inject({ url: `/api/v1/torrents/${A}/geo?from=-3h&to=-90m` })).json();
    assert.equal(early.at, new Date(NOW - 2 * H).toISOString());
    assert.deepEqual(early.countries.map((row: { country: string }) => row.country), ['DE', 'US', 'other']);
    const empty = (await t.app.inject({ url: `/api/v1/torrents/${B}/geo` })).json();
    assert.deepEqual({ at: empty.at, sweeps: empty.sweeps, countries: empty.countries }, { at: null, sweeps: 0, countries: [] });
  });

  it('refuses bad input with a 400 that says what to fix', async () => {
    const bad = async (query: string, pattern: RegExp) => {
      const response = await t.app.inject({ url: `/api/v1/torrents/${A}/geo?${query}` });
      assert.equal(response.statusCode, 400, query);
      assert.equal(errorOf(response).code, 'invalid_request');
      assert.match(errorOf(response).message, pattern);
    };
    await bad('from=yesterday', /querystring\/from: "yesterday" is not a time/);
    await bad('from=-1h&to=-2h', /from is after querystring\/to/);
    await bad('from=-40d', /longer than 31 days/);
    const badHash = await t.app.inject({ url: '/api/v1/torrents/xyz/geo' });
    assert.equal(badHash.statusCode, 400);
    assert.equal(errorOf(badHash).code, 'invalid_infohash');
  });

  it('answers 404 for a torrent never watched', async () => {
    const response = await t.app.inject({ url: `/api/v1/torrents/${'c'.repeat(40)}/geo` });
    assert.equal(response.statusCode, 404);
    assert.equal(errorOf(response).code, 'not_found');
  });

  it('gives distinct peers over a range as the merge of its sketches (1,500 here, not 2,000)', async () => {
    const response = await t.app.inject({ url: `/api/v1/torrents/${A}/unique-peers?from=-3h` });
    assert.equal(response.statusCode, 200);
    const { uniquePeers } = response.json();
    assert.ok(Math.abs(uniquePeers - 1500) < 30, `${uniquePeers}`);
    assert.equal((await t.app.inject({ url: `/api/v1/torrents/${B}/unique-peers` })).json().uniquePeers, null);
    assert.equal((await t.app.inject({ url: `/api/v1/torrents/${'c'.repeat(40)}/unique-peers` })).statusCode, 404);
    assert.equal((await t.app.inject({ url: `/api/v1/torrents/${A}/unique-peers?to=nope` })).statusCode, 400);
  });

  it('is described in the OpenAPI document', async () => {
    const spec = (await t.app.inject({ url: '/docs/json' })).json();
    const geoPath = spec.paths['/api/v1/torrents/{infohash}/geo'];
    assert.ok(geoPath?.get, Object.keys(spec.paths).join(', '));
    assert.ok(geoPath.get.responses['200'].content['application/json'].schema.properties.countries);
    assert.ok(spec.paths['/api/v1/torrents/{infohash}/unique-peers']?.get);
  });
});
