import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { A, B, NOW, errorOf, makeTestApp, type TestApp } from './test-app.ts';

const C = 'c'.repeat(40);
const H = 3_600_000;

describe('GET /api/v1/compare', () => {
  let t: TestApp;
  const url = (query: string) => `/api/v1/compare?${query}`;

  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A, label: 'LLaMA 65B' });
    t.store.registry.add({ infohash: B, label: 'Mistral' });
    // A every hour over the last 3 h; B only at the last two, so its first row is null.
    await t.store.series.writeSamples([
      { infohash: A, atMs: NOW - 3 * H, values: { dht_peers: 10 } },
      { infohash: A, atMs: NOW - 2 * H, values: { dht_peers: 20 } },
      { infohash: A, atMs: NOW - H, values: { dht_peers: 30 } },
      { infohash: B, atMs: NOW - 2 * H, values: { dht_peers: 5 } },
      { infohash: B, atMs: NOW - H, values: { dht_peers: 7 } },
    ]);
  });
  after(() => t.close());

  it('puts several torrents on one time axis, null where one has no point', async () => {
    const response = await t.app.inject({ url: url(`infohash=${A}&infohash=${B}&metric=dht_peers&step=1h&from=-4h`) });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), {
      metric: 'dht_peers',
      step: 3600,
      agg: 'avg',
      torrents: [{ infohash: A, label: 'LLaMA 65B' }, { infohash: B, label: 'Mistral' }],
      points: [
        ['2026-01-01T21:00:00.000Z', 10, null],
        ['2026-01-01T22:00:00.000Z', 20, 5],
        ['2026-01-01T23:00:00.000Z', 30, 7],
      ],
    });
  });

  it('answers CSV with one column per torrent', async () => {
    const response = await t.app.inject({ url: url(`infohash=${A}&infohash=${B}&metric=dht_peers&step=1h&from=-4h&format=csv`) });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/csv/);
    assert.equal(response.body, `time,${A},${B}\n2026-01-01T21:00:00.000Z,10,\n2026-01-01T22:00:00.000Z,20,5\n2026-01-01T23:00:00.000Z,30,7\n`);
  });

  it('takes one torrent, dedupes repeats, and carries an ETag', async () => {
    const one = await t.app.inject({ url: url(`infohash=${B}&infohash=${B.toUpperCase()}&metric=dht_peers&step=0&from=-4h`) });
    assert.deepEqual(one.json().points, [['2026-01-01T22:00:00.000Z', 5], ['2026-01-01T23:00:00.000Z', 7]]);
    const again = await t.app.inject({ url: url(`infohash=${B}&metric=dht_peers&step=0&from=-4h`), headers: { 'if-none-match': String(one.headers.etag) } });
    assert.equal(again.statusCode, 304);
  });

  it('refuses bad input with a message naming the parameter', async () => {
    const cases: [string, RegExp][] = [
      ['metric=dht_peers', /^querystring\/infohash is required$/],
      [`infohash=${A}`, /^querystring\/metric is required$/],
      [`infohash=${A}&metric=peers`, /^querystring\/metric must be one of/],
      [`infohash=${A}&metric=dht_peers&from=yesterday`, /^querystring\/from: "yesterday" is not a time/],
      [`infohash=${A}&metric=dht_peers&step=1s&from=-30d`, /^querystring\/step is too small/],
      [`infohash=nope&metric=dht_peers`, /"nope" is not an infohash/],
      [`${Array.from({ length: 21 }, () => `infohash=${A}`).join('&')}&metric=dht_peers`, /^querystring\/infohash must not have more than 20 items$/],
    ];
    for (const [query, message] of cases) {
      const response = await t.app.inject({ url: url(query) });
      assert.equal(response.statusCode, 400, query);
      assert.match(errorOf(response).message, message, query);
    }
  });

  it('answers 404 naming a torrent that was never watched', async () => {
    const response = await t.app.inject({ url: url(`infohash=${A}&infohash=${C}&metric=dht_peers`) });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(errorOf(response), { code: 'not_found', message: `torrent ${C} has never been on the watchlist` });
  });
});
