import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Readiness } from '../../api/deps.ts';
import { makeTestApp, type TestApp } from './test-app.ts';

describe('GET /healthz and /readyz', () => {
  let t: TestApp;
  let state: Readiness = { ready: true, checks: { store: { ok: true } } };
  let throws = false;
  before(async () => {
    t = await makeTestApp({
      readiness: () => {
        if (throws) throw new Error('probe exploded');
        return state;
      },
    });
  });
  after(() => t.close());

  it('says ok while the process is up', async () => {
    const response = await t.app.inject({ url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  it('is ready with the checks when every check passes', async () => {
    const response = await t.app.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ready', checks: { store: { ok: true } } });
  });

  it('answers 503 with the failing check and its detail', async () => {
    state = { ready: false, checks: { store: { ok: true }, collector: { ok: false, detail: 'no sweep finished yet' } } };
    const response = await t.app.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), { status: 'not_ready', checks: state.checks });
  });

  it('answers 503, not 500, when a readiness probe throws', async () => {
    throws = true;
    const response = await t.app.inject({ url: '/readyz' });
    assert.equal(response.statusCode, 503);
    assert.equal(response.json().checks.readiness.detail, 'probe exploded');
  });
});
