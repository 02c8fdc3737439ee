/**
 * Leak families through the REST API: CRUD with the bearer token, refusals that change nothing, and
 * the family's distinct peers as a union of sketches (two torrents of 300 and 200 peers sharing 100
 * → 400 ± 2%), on SQLite and on a real InfluxDB.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { buildApp } from '../../api/app.ts';
import { PeerHasher } from '../../collector/sketches/peer-hasher.ts';
import { openInfluxStore } from '../../store/influx/influx-series-store.ts';
import { parseInfluxUrl } from '../../store/influx/influx-url.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { DetailStore, SeriesStore } from '../../store/types.ts';
import { A, AUTH, B, NOW, TOKEN, errorOf, makeTestApp } from '../api/test-app.ts';
import { influxSkip, startInfluxd } from '../helpers/influxd.ts';

const C = 'c'.repeat(40);
const HOUR = 3_600_000;
const ip = (i: number): string => `11.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/** Three hourly sweeps: A sees peers 0..299, B sees 200..399 (100 shared), each sweep a sketch of its peers. */
async function writeOverlappingSwarms(series: SeriesStore & DetailStore): Promise<void> {
  const hasher = new PeerHasher(randomBytes(32));
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => ip(from + index));
  for (let sweep = 0; sweep < 3; sweep++) {
    const atMs = NOW - (3 - sweep) * HOUR;
    await series.writeSamples([
      { infohash: A, atMs, values: { dht_peers: 300 } },
      { infohash: B, atMs, values: { dht_peers: 200 } },
    ]);
    await series.writeSketches([
      { infohash: A, atMs, sketch: hasher.sketch(range(0, 300)).serialize() },
      { infohash: B, atMs, sketch: hasher.sketch(range(200, 400)).serialize() },
    ]);
    await series.writeTagged([
      { measurement: 'swarm_geo', infohash: A, tag: 'DE', atMs, values: { peers: 200 } },
      { measurement: 'swarm_geo', infohash: B, tag: 'DE', atMs, values: { peers: 50 } },
      { measurement: 'swarm_geo', infohash: B, tag: 'US', atMs, values: { peers: 150 } },
    ]);
  }
}

async function checkUnion(series: SeriesStore & DetailStore, registry: ReturnType<typeof openSqliteStore>['registry'], stateDb: ReturnType<typeof openSqliteStore>['db']) {
  const app = await buildApp({ series, registry, stateDb, readiness: () => ({ ready: true, checks: {} }), apiTokens: [TOKEN], now: () => NOW });
  try {
    registry.add({ infohash: A, label: 'LLaMA original' });
    registry.add({ infohash: B, label: 'LLaMA re-pack' });
    await writeOverlappingSwarms(series);
    const created = await app.inject({ method: 'POST', url: '/api/v1/families', headers: AUTH, payload: { name: 'LLaMA 1', torrents: [A, B] } });
    assert.equal(created.statusCode, 201, created.body);
    const id = (created.json() as { id: string }).id;

    const unique = (await app.inject({ url: `/api/v1/families/${id}/unique-peers?from=-1d` })).json() as { uniquePeers: number; peersNow: number; torrents: number; method: string };
    assert.ok(Math.abs(unique.uniquePeers - 400) <= 8, `family distinct peers ${unique.uniquePeers}, expected 400 ± 2% (a sum would say 500)`);
    assert.ok(Math.abs(unique.peersNow - 400) <= 8, `peers now ${unique.peersNow}`);
    assert.equal(unique.torrents, 2);
    assert.match(unique.method, /never a sum/);

    const series1h = (await app.inject({ url: `/api/v1/families/${id}/series?metric=dht_peers&from=-4h&step=1h` })).json() as {
      torrents: { infohash: string; points: [string, number][] }[];
      distinctPeers: { points: [string, number][] };
    };
    assert.deepEqual(series1h.torrents.map((torrent) => [torrent.infohash, torrent.points.length]), [[A, 3], [B, 3]]);
    assert.equal(series1h.distinctPeers.points.length, 3);
    for (const [, value] of series1h.distinctPeers.points) assert.ok(Math.abs(value - 400) <= 8, `bucket union ${value}`);

    const geo = (await app.inject({ url: `/api/v1/families/${id}/geo?from=-1d` })).json() as { countries: { country: string; peers: number }[] };
    assert.deepEqual(geo.countries, [{ country: 'DE', peers: 250 }, { country: 'US', peers: 150 }]);
  } finally {
    await app.close();
  }
}

describe('families API', () => {
  it('creates, reads, edits and deletes with the token; refusals change nothing', async () => {
    const { app, store, close } = await makeTestApp();
    after(close);
    store.registry.add({ infohash: A, label: 'a' });
    store.registry.add({ infohash: B, label: 'b' });
    const body = { name: 'LLaMA 1 (March 2023 leak)', description: '4chan magnet', torrents: [A] };
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/families', payload: body })).statusCode, 401);
    const unknown = await app.inject({ method: 'POST', url: '/api/v1/families', headers: AUTH, payload: { ...body, torrents: [A, C] } });
    assert.equal(unknown.statusCode, 400);
    assert.match(errorOf(unknown).message, /torrents\/1: torrent c{40} is not on the watchlist/);
    const badHash = await app.inject({ method: 'POST', url: '/api/v1/families', headers: AUTH, payload: { ...body, torrents: ['xyz'.repeat(11)] } });
    assert.equal(badHash.statusCode, 400);
    const extra = await app.inject({ method: 'POST', url: '/api/v1/families', headers: AUTH, payload: { ...body, colour: 'red' } });
    assert.equal(extra.statusCode, 400);
    assert.equal(((await app.inject({ url: '/api/v1/families' })).json() as { total: number }).total, 0, 'nothing was created by a refused request');

    const created = await app.inject({ method: 'POST', url: '/api/v1/families', headers: AUTH, payload: body });
    assert.equal(created.statusCode, 201);
    const family = created.json() as { id: string; torrents: string[]; description: string };
    assert.match(family.id, /^fam_/);
    assert.deepEqual(family.torrents, [A]);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/families', headers: AUTH, payload: { name: 'llama 1 (march 2023 leak)' } })).statusCode, 409);

    const patched = await app.inject({ method: 'PATCH', url: `/api/v1/families/${family.id}`, headers: AUTH, payload: { attach: { torrents: [B] }, detach: { torrents: [A] }, description: 'leaked 2023-03-03' } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual((patched.json() as { torrents: string[] }).torrents, [B]);
    const refused = await app.inject({ method: 'PATCH', url: `/api/v1/families/${family.id}`, headers: AUTH, payload: { name: 'renamed', attach: { mirrors: ['mir_nope'] } } });
    assert.equal(refused.statusCode, 400);
    const after1 = (await app.inject({ url: `/api/v1/families/${family.id}` })).json() as { name: string; description: string };
    assert.equal(after1.name, body.name, 'a refused PATCH renames nothing');
    assert.equal(after1.description, 'leaked 2023-03-03');

    const rule = { kind: 'threshold', metric: 'dht_peers', value: 100, familyId: family.id };
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/alerts', headers: AUTH, payload: rule })).statusCode, 201, 'alert rules may target a family');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/alerts', headers: AUTH, payload: { ...rule, infohash: A } })).statusCode, 400);
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/alerts', headers: AUTH, payload: { ...rule, familyId: 'fam_nope' } })).statusCode, 404);

    assert.equal((await app.inject({ method: 'DELETE', url: `/api/v1/families/${family.id}`, headers: AUTH })).statusCode, 204);
    assert.equal((await app.inject({ url: `/api/v1/families/${family.id}` })).statusCode, 404);
    assert.ok(store.registry.get(A), 'deleting a family leaves its torrents watched');
    assert.equal((await app.inject({ url: `/api/v1/families/${family.id}/unique-peers` })).statusCode, 404);
  });

  it('family distinct peers are a union, not a sum (SQLite)', async () => {
    const store = openSqliteStore(':memory:');
    after(() => store.close());
    await checkUnion(store.series, store.registry, store.db);
  });

  it('family distinct peers are a union, not a sum (InfluxDB)', { skip: influxSkip() }, async () => {
    const influxd = await startInfluxd();
    after(() => influxd.dispose());
    const state = openSqliteStore(':memory:');
    const url = influxd.storeUrl('families');
    const series = openInfluxStore(parseInfluxUrl(url, url), { retention: { rawMs: 0, hourlyMs: 0, dailyMs: 0 } });
    after(async () => {
      await series.close();
      await state.close();
    });
    await checkUnion(series as SeriesStore & DetailStore, state.registry, state.db);
  });
});
