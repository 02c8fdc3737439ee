import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { AUTH, NOW, errorOf, makeTestApp, type TestApp } from './test-app.ts';

const RECEIVER = 'http://127.0.0.1:9999/hook';

describe('/api/v1/webhooks', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ allowPrivateTargets: ['127.0.0.0/8', '::1/128'] });
  });
  after(() => t.close());

  const post = (payload: unknown, headers: Record<string, string> = AUTH) => t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: payload as object });

  it('subscribes a URL and shows the whsec_ secret this once', async () => {
    const response = await post({ url: RECEIVER, events: ['swarm.threshold_crossed', 'mirror.down', 'mirror.down'], description: 'lab notebook' });
    assert.equal(response.statusCode, 201);
    const body = response.json();
    assert.match(body.id, /^whk_/);
    assert.equal(response.headers.location, `/api/v1/webhooks/${body.id}`);
    assert.deepEqual(Object.keys(body).sort(), ['createdAt', 'description', 'events', 'id', 'secret', 'url']);
    assert.deepEqual(body.events, ['swarm.threshold_crossed', 'mirror.down']);
    assert.equal(body.createdAt, new Date(NOW).toISOString());
    assert.match(body.secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    assert.doesNotThrow(() => new Webhook(body.secret), 'a secret the Standard Webhooks libraries accept');
  });

  it('lists subscriptions, paged, without their secrets', async () => {
    await post({ url: 'http://[::1]:9999/other' });
    const response = await t.app.inject({ url: '/api/v1/webhooks' });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.equal(body.total, 2);
    assert.doesNotMatch(response.body, /whsec_|secret/);
    assert.deepEqual(body.webhooks[1].events, [], 'no filter = every event type');
    assert.equal(body.webhooks[0].disabledAt, null);
    const page = (await t.app.inject({ url: '/api/v1/webhooks?offset=1&limit=1' })).json();
    assert.deepEqual([page.webhooks.length, page.webhooks[0].url, page.total], [1, 'http://[::1]:9999/other', 2]);
  });

  it('refuses bad input with a message, storing nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /^body\/url is required$/],
      [{ url: RECEIVER, events: ['swarm.exploded'] }, /^body\/events\/0 must be one of: swarm\.threshold_crossed, swarm\.growth, mirror\.down/],
      [{ url: RECEIVER, secret: 'whsec_mine' }, /body\/secret is not a known field/],
      [{ url: 42 }, /body\/url must be string/],
      [{ url: 'ftp://127.0.0.1/hook' }, /scheme must be http or https/],
      [{ url: '/relative/hook' }, /not an absolute URL/],
    ];
    for (const [payload, message] of cases) {
      const response = await post(payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.match(errorOf(response).message, message);
    }
    assert.equal((await t.app.inject({ url: '/api/v1/webhooks' })).json().total, 2);
  });

  it('needs a valid token to subscribe or unsubscribe', async () => {
    assert.equal((await post({ url: RECEIVER }, {})).statusCode, 401);
    assert.equal((await post({ url: RECEIVER }, { authorization: 'Bearer not-the-token' })).statusCode, 401);
    const id = (await t.app.inject({ url: '/api/v1/webhooks' })).json().webhooks[0].id;
    const response = await t.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}` });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], 'Bearer realm="swarmscope"');
  });

  it('unsubscribes (204), then 404s for that id', async () => {
    const id = (await t.app.inject({ url: '/api/v1/webhooks' })).json().webhooks[0].id;
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: AUTH })).statusCode, 204);
    const again = await t.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${id}`, headers: AUTH });
    assert.equal(again.statusCode, 404);
    assert.deepEqual(errorOf(again), { code: 'not_found', message: `no webhook ${id}` });
    assert.equal((await t.app.inject({ url: '/api/v1/webhooks' })).json().total, 1);
  });
});
