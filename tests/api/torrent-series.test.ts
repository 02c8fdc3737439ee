import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { A, B, NOW, errorOf, makeTestApp, type TestApp } from './test-app.ts';

const H = 3_600_000;
/** NOW is midnight; samples every 15 minutes over the last 3 hours, dht_peers = 10, 11, 12, ... */
const SWEEPS = Array.from({ length: 12 }, (_, i) => ({ atMs: NOW - 3 * H + i * 900_000, value: 10 + i }));

describe('GET /api/v1/torrents/:infohash/series', () => {
  let t: TestApp;
  const url = (query: string, infohash = A) => `/api/v1/torrents/${infohash}/series?${query}`;

  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A });
    await t.store.series.writeSamples(SWEEPS.map(({ atMs, value }) => ({ infohash: A, atMs, values: { dht_peers: value } })));
  });
  after(() => t.close());

  it('defaults to the last 24 h in 5-minute buckets averaged', async () => {
    const response = await t.app.inject({ url: url('metric=dht_peers') });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.infohash, A);
    assert.equal(body.metric, 'dht_peers');
    assert.equal(body.step, 300);
    assert.equal(body.agg, 'avg');
    assert.equal(body.points.length, 12);
    assert.deepEqual(body.points[0], ['2026-01-01T21:00:00.000Z', 10]);
  });

  it('aggregates hourly buckets (hand-computed: 10..13, 14..17, 18..21)', async () => {
    const avg = (await t.app.inject({ url: url('metric=dht_peers&step=1h&from=-3h&to=now') })).json();
    assert.equal(avg.step, 3600);
    assert.deepEqual(avg.points, [['2026-01-01T21:00:00.000Z', 11.5], ['2026-01-01T22:00:00.000Z', 15.5], ['2026-01-01T23:00:00.000Z', 19.5]]);
    const max = (await t.app.inject({ url: url('metric=dht_peers&step=3600&agg=max&from=2026-01-01T22:00:00Z') })).json();
    assert.deepEqual(max.points, [['2026-01-01T22:00:00.000Z', 17], ['2026-01-01T23:00:00.000Z', 21]]);
    const count = (await t.app.inject({ url: url('metric=dht_peers&step=1d&agg=count') })).json();
    assert.deepEqual(count.points, [['2026-01-01T00:00:00.000Z', 12]]);
  });

  it('returns raw samples with step=0 and nothing for an unmeasured metric', async () => {
    const raw = (await t.app.inject({ url: url('metric=dht_peers&step=0&from=-30m') })).json();
    assert.deepEqual(raw.points, [['2026-01-01T23:30:00.000Z', 20], ['2026-01-01T23:45:00.000Z', 21]]);
    const empty = (await t.app.inject({ url: url('metric=bep33_peers') })).json();
    assert.deepEqual(empty.points, []);
  });

  it('answers CSV with a time,value header', async () => {
    const response = await t.app.inject({ url: url('metric=dht_peers&step=1h&format=csv') });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/csv/);
    const comments = response.body.split('\n').filter((line) => line.startsWith('# '));
    assert.ok(comments.includes('# methods.metric.name: dht_peers'), 'the methods record comes first, as # lines');
    assert.ok(comments.includes('# methods.store: sqlite'));
    const data = response.body.split('\n').filter((line) => !line.startsWith('# ')).join('\n');
    assert.equal(data, 'time,value\n2026-01-01T21:00:00.000Z,11.5\n2026-01-01T22:00:00.000Z,15.5\n2026-01-01T23:00:00.000Z,19.5\n');
  });

  it('sends an ETag and no-cache, and 304 when If-None-Match matches', async () => {
    const first = await t.app.inject({ url: url('metric=dht_peers&step=1h') });
    const etag = first.headers.etag as string;
    assert.match(etag, /^"[\w-]+"$/);
    assert.equal(first.headers['cache-control'], 'no-cache');
    const again = await t.app.inject({ url: url('metric=dht_peers&step=1h'), headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
    const weak = await t.app.inject({ url: url('metric=dht_peers&step=1h'), headers: { 'if-none-match': `"other", W/${etag}` } });
    assert.equal(weak.statusCode, 304);
    const changed = await t.app.inject({ url: url('metric=dht_peers&step=2h'), headers: { 'if-none-match': etag } });
    assert.equal(changed.statusCode, 200, 'a different answer has a different tag');
    const csv = await t.app.inject({ url: url('metric=dht_peers&step=1h&format=csv') });
    assert.notEqual(csv.headers.etag, etag);
  });

  it('refuses an unknown metric, listing the valid ones', async () => {
    const response = await t.app.inject({ url: url('metric=peers') });
    assert.equal(response.statusCode, 400);
    assert.equal(errorOf(response).code, 'invalid_request');
    assert.match(errorOf(response).message, /^querystring\/metric must be one of: dht_peers, dht_peers_v4, .*unique_peers/);
    const missing = await t.app.inject({ url: url('step=1h') });
    assert.equal(errorOf(missing).message, 'querystring/metric is required');
  });

  it('refuses bad times, steps, aggregations and formats with a message naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['metric=dht_peers&from=yesterday', /^querystring\/from: "yesterday" is not a time/],
      ['metric=dht_peers&to=soon', /^querystring\/to: /],
      ['metric=dht_peers&from=now&to=-1h', /querystring\/from .* is after querystring\/to/],
      ['metric=dht_peers&step=fortnight', /^querystring\/step: "fortnight" is not a duration/],
      ['metric=dht_peers&step=1s&from=-30d', /querystring\/step is too small/],
      ['metric=dht_peers&agg=median', /^querystring\/agg must be one of: avg, min, max/],
      ['metric=dht_peers&format=xml', /^querystring\/format must be one of: json, csv/],
    ];
    for (const [query, message] of cases) {
      const response = await t.app.inject({ url: url(query) });
      assert.equal(response.statusCode, 400, query);
      assert.equal(errorOf(response).code, 'invalid_request', query);
      assert.match(errorOf(response).message, message, query);
    }
  });

  it('answers 404 for a torrent never watched and 400 for a malformed infohash', async () => {
    const unknown = await t.app.inject({ url: url('metric=dht_peers', B) });
    assert.equal(unknown.statusCode, 404);
    assert.equal(errorOf(unknown).code, 'not_found');
    const malformed = await t.app.inject({ url: url('metric=dht_peers', 'abc') });
    assert.equal(malformed.statusCode, 400);
    assert.equal(errorOf(malformed).code, 'invalid_infohash');
  });

  it('refuses a raw query over more than 10000 samples, asking for a step', async () => {
    const C = 'c'.repeat(40);
    t.store.registry.add({ infohash: C });
    await t.store.series.writeSamples(Array.from({ length: 10_001 }, (_, i) => ({ infohash: C, atMs: NOW - 20_000_000 + i * 1000, values: { dht_nodes: i } })));
    const response = await t.app.inject({ url: url('metric=dht_nodes&step=0', C) });
    assert.equal(response.statusCode, 400);
    assert.match(errorOf(response).message, /more than 10000 raw samples .* give a step/);
    assert.equal((await t.app.inject({ url: url('metric=dht_nodes&step=1h', C) })).statusCode, 200);
  });
});
