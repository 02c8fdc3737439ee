import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { A, AUTH, B, NOW, errorOf, makeTestApp, type TestApp } from './test-app.ts';

describe('/api/v1/alerts', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A, label: 'LLaMA 65B' });
  });
  after(() => t.close());

  const post = (payload: unknown, headers: Record<string, string> = AUTH) => t.app.inject({ method: 'POST', url: '/api/v1/alerts', headers, payload: payload as object });

  it('creates each kind of rule and answers 201 with its id', async () => {
    const threshold = await post({ kind: 'threshold', metric: 'dht_peers', op: '>', value: 100, infohash: A.toUpperCase(), label: 'LLaMA over 100' });
    assert.equal(threshold.statusCode, 201);
    const body = threshold.json();
    assert.match(body.id, /^alr_[\w-]{22}$/);
    assert.equal(threshold.headers.location, `/api/v1/alerts/${body.id}`);
    assert.deepEqual({ ...body, id: undefined }, {
      id: undefined,
      kind: 'threshold',
      infohash: A,
      familyId: null,
      metric: 'dht_peers',
      op: '>',
      value: 100,
      window: null,
      percent: null,
      hysteresis: null,
      mirrorId: null,
      changes: [],
      label: 'LLaMA over 100',
      createdAt: new Date(NOW).toISOString(),
    });
    const growth = (await post({ kind: 'growth', metric: 'bep33_peers', window: '1d', percent: 50, hysteresis: 10 })).json();
    assert.deepEqual([growth.window, growth.percent, growth.hysteresis, growth.op], ['1d', 50, 10, null]);
    const mirror = (await post({ kind: 'mirror', mirrorId: 'mir_1', changes: ['down', 'back', 'down'] })).json();
    assert.deepEqual(mirror.changes, ['down', 'back']);
    assert.equal((await post({ kind: 'discovery' })).statusCode, 201);
    assert.equal((await post({ kind: 'metadata', infohash: A })).statusCode, 201);
    assert.equal((await post({ kind: 'threshold', metric: 'dht_peers', value: 5 })).json().op, '>', 'op defaults to >');
  });

  it('lists rules oldest first, paged, with the total', async () => {
    const all = (await t.app.inject({ url: '/api/v1/alerts' })).json();
    assert.equal(all.total, 6);
    assert.deepEqual(all.alerts.map((rule: { kind: string }) => rule.kind), ['threshold', 'growth', 'mirror', 'discovery', 'metadata', 'threshold']);
    const page = (await t.app.inject({ url: '/api/v1/alerts?offset=2&limit=2' })).json();
    assert.deepEqual(page.alerts.map((rule: { kind: string }) => rule.kind), ['mirror', 'discovery']);
    assert.equal(page.total, 6);
    const bad = await t.app.inject({ url: '/api/v1/alerts?limit=0' });
    assert.equal(bad.statusCode, 400);
    assert.equal(errorOf(bad).message, 'querystring/limit must be >= 1');
  });

  it('refuses bad bodies with a message naming the field, storing nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ kind: 'threshold', metric: 'dht_peers' }, /^threshold rules need body\/value$/],
      [{ kind: 'growth', metric: 'dht_peers', percent: 50 }, /^growth rules need body\/window$/],
      [{ kind: 'threshold', metric: 'dht_peers', value: 1, window: '1h' }, /^body\/window is not used by threshold rules$/],
      [{ kind: 'discovery', infohash: A, metric: 'dht_peers' }, /^body\/infohash and body\/metric are not used by discovery rules$/],
      [{ kind: 'growth', metric: 'dht_peers', window: 'a day', percent: 50 }, /^body\/window: "a day" is not a duration/],
      [{ kind: 'growth', metric: 'dht_peers', window: '500ms', percent: 50 }, /at least 1s/],
      [{ kind: 'growth', metric: 'dht_peers', window: '1h', percent: 0 }, /body\/percent must not be 0/],
      [{ kind: 'threshold', metric: 'peers', value: 1 }, /^body\/metric must be one of: dht_peers/],
      [{ kind: 'threshold', metric: 'dht_peers', value: '100' }, /^body\/value must be number/],
      [{ kind: 'threshold', metric: 'dht_peers', value: 1, op: '=>' }, /^body\/op must be one of: >, >=, <, <=/],
      [{ kind: 'threshold', metric: 'dht_peers', value: 1, hysteresis: -1 }, /body\/hysteresis must be >= 0/],
      [{ kind: 'swarm' }, /^body\/kind must be one of: threshold, growth, mirror, discovery, metadata$/],
      [{ kind: 'mirror', changes: ['exploded'] }, /body\/changes\/0 must be one of: down, back, content_changed/],
      [{ kind: 'discovery', lable: 'typo' }, /body\/lable is not a known field/],
      [{ metric: 'dht_peers' }, /body\/kind is required/],
      [{ kind: 'metadata', infohash: 'xyz' }, /"xyz" is not an infohash/],
    ];
    for (const [payload, message] of cases) {
      const response = await post(payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.match(errorOf(response).message, message, JSON.stringify(payload));
    }
    assert.equal((await t.app.inject({ url: '/api/v1/alerts' })).json().total, 6);
  });

  it('answers 404 for a rule on a torrent that is not watched', async () => {
    const response = await post({ kind: 'threshold', metric: 'dht_peers', value: 1, infohash: B });
    assert.equal(response.statusCode, 404);
    assert.deepEqual(errorOf(response), { code: 'not_found', message: `torrent ${B} is not on the watchlist; add it first (POST /api/v1/torrents)` });
  });

  it('needs a valid token to create or delete', async () => {
    const missing = await post({ kind: 'discovery' }, {});
    assert.equal(missing.statusCode, 401);
    assert.equal(errorOf(missing).code, 'unauthorized');
    assert.equal((await post({ kind: 'discovery' }, { authorization: 'Bearer wrong-token-123' })).statusCode, 401);
    const id = (await t.app.inject({ url: '/api/v1/alerts?limit=1' })).json().alerts[0].id;
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/${id}` })).statusCode, 401);
    assert.equal((await t.app.inject({ url: '/api/v1/alerts' })).json().total, 6);
  });

  it('deletes a rule (204), then 404s for it', async () => {
    const id = (await t.app.inject({ url: '/api/v1/alerts?limit=1' })).json().alerts[0].id;
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/${id}`, headers: AUTH });
    assert.equal(deleted.statusCode, 204);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/alerts/${id}`, headers: AUTH });
    assert.equal(again.statusCode, 404);
    assert.deepEqual(errorOf(again), { code: 'not_found', message: `no alert rule ${id}` });
    assert.equal((await t.app.inject({ url: '/api/v1/alerts' })).json().total, 5);
  });
});
