/**
 * Security headers (issue 14, SECURITY.md): every answer — JSON, errors, CSV, the map's SVG, the
 * page — says nosniff, no referrer, no framing; data answers carry `default-src 'none'`, the page
 * keeps its own strict policy with no inline script, and the OpenAPI UI still loads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATA_CSP, SECURITY_HEADERS } from '../../api/plugins/security-headers.ts';
import { PAGE_CSP } from '../../api/routes/page.ts';
import { A, makeTestApp, type TestApp } from './test-app.ts';

describe('security headers', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
    t.store.registry.add({ infohash: A });
  });
  after(() => t.close());

  it('on data, errors, CSV and SVG: the common headers and a CSP that allows nothing', async () => {
    for (const url of ['/api/v1/torrents', '/api/v1/nope', `/api/v1/torrents/${A}/series?metric=dht_peers&format=csv`, `/api/v1/torrents/${A}/map`, '/healthz']) {
      const response = await t.app.inject({ url });
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) assert.equal(response.headers[name], value, `${url} ${name}`);
      assert.equal(response.headers['content-security-policy'], DATA_CSP, url);
    }
  });

  it('the page keeps its own policy: scripts from this origin only, nothing inline', async () => {
    const page = await t.app.inject({ url: '/' });
    assert.equal(page.headers['content-security-policy'], PAGE_CSP);
    assert.match(PAGE_CSP, /script-src 'self'(;|$)/);
    assert.doesNotMatch(PAGE_CSP, /script-src[^;]*unsafe-inline/);
    assert.doesNotMatch(page.body, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script in index.html');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const docs = await t.app.inject({ url: '/docs/' });
    assert.equal(docs.statusCode, 200);
    assert.notEqual(docs.headers['content-security-policy'], DATA_CSP, 'the OpenAPI UI keeps the policy it needs');
  });
});
