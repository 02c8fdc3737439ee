/** Every failure is `{ error: { code, message } }` from the catalogue, with no stack trace. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SwarmscopeError } from '../../core/errors.ts';
import { A, AUTH, errorOf, makeTestApp, type TestApp } from './test-app.ts';

describe('API errors', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp({ bodyLimitBytes: 64 * 1024 });
  });
  after(() => t.close());

  it('answers 404 JSON for an unknown route', async () => {
    for (const path of ['/nope', '/api/v1/nope', '/api/v2/torrents']) {
      const response = await t.app.inject({ url: path });
      assert.equal(response.statusCode, 404, path);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.equal(errorOf(response).code, 'not_found');
      assert.match(errorOf(response).message, new RegExp(`no route GET ${path.replace(/\//g, '\\/')}`));
    }
  });

  it('answers 413 for a body over the limit, before parsing it', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/torrents',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: JSON.stringify({ torrent: 'A'.repeat(100 * 1024) }),
    });
    assert.equal(response.statusCode, 413);
    assert.deepEqual(errorOf(response), { code: 'payload_too_large', message: 'the request body is larger than the limit of 65536 bytes' });
  });

  it('answers 415 for a body that is not JSON, 400 for broken or empty JSON', async () => {
    const text = await t.app.inject({ method: 'POST', url: '/api/v1/torrents', headers: { ...AUTH, 'content-type': 'text/plain' }, payload: A });
    assert.equal(text.statusCode, 415);
    assert.equal(errorOf(text).code, 'unsupported_media_type');
    assert.match(errorOf(text).message, /application\/json.*text\/plain/);
    const broken = await t.app.inject({ method: 'POST', url: '/api/v1/torrents', headers: { ...AUTH, 'content-type': 'application/json' }, payload: '{"infohash":' });
    assert.equal(broken.statusCode, 400);
    assert.deepEqual(errorOf(broken), { code: 'invalid_request', message: 'the body is not valid JSON' });
    const empty = await t.app.inject({ method: 'POST', url: '/api/v1/torrents', headers: { ...AUTH, 'content-type': 'application/json' }, payload: '' });
    assert.equal(empty.statusCode, 400);
    assert.equal(errorOf(empty).code, 'invalid_request');
    const array = await t.app.inject({ method: 'POST', url: '/api/v1/torrents', headers: AUTH, payload: [A] });
    assert.equal(array.statusCode, 400);
    assert.equal(errorOf(array).message, 'body must be object');
  });

  it('refuses prototype pollution attempts as a bad request', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/torrents',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: `{"infohash":"${A}","__proto__":{"admin":true}}`,
    });
    assert.equal(response.statusCode, 400);
    assert.equal(errorOf(response).code, 'invalid_request');
  });
});

describe('API errors from the store', () => {
  let t: TestApp;
  let failure: Error = new Error('SQLITE_IOERR: disk I/O error at /var/secret/swarmscope.db');
  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A });
    const { series } = t.store;
    const failing = { ...series, latestSamples: async () => Promise.reject(failure) };
    await t.app.close();
    const { buildApp } = await import('../../api/app.ts');
    t.app = await buildApp({ series: failing, registry: t.store.registry, stateDb: t.store.db, readiness: () => ({ ready: true, checks: {} }), apiTokens: [] });
  });
  after(() => t.close());

  it('hides an unexpected error behind a 500 `internal` with the request id, no stack, no internals', async () => {
    const response = await t.app.inject({ url: '/api/v1/torrents' });
    assert.equal(response.statusCode, 500);
    assert.deepEqual(Object.keys(response.json()), ['error']);
    assert.deepEqual(Object.keys(response.json().error), ['code', 'message']);
    assert.equal(errorOf(response).code, 'internal');
    assert.match(errorOf(response).message, /request id \S+/);
    assert.doesNotMatch(response.body, /secret|SQLITE|\bat \w+ \(|stack/);
  });

  it('passes a catalogue error through with its status and message', async () => {
    failure = new SwarmscopeError('store_unavailable', 'the series store cannot be reached: connection refused');
    const response = await t.app.inject({ url: '/api/v1/torrents' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(errorOf(response), { code: 'store_unavailable', message: 'the series store cannot be reached: connection refused' });
  });
});
