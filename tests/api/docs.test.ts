/** /docs serves Swagger UI from the package's own files (no CDN), and the OpenAPI document covers every route. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeTestApp, type TestApp } from './test-app.ts';

describe('OpenAPI and /docs', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  for (const page of ['/docs', '/docs/']) {
    it(`GET ${page} and every script and stylesheet it references load offline`, async () => {
      const html = await t.app.inject({ url: page });
      assert.equal(html.statusCode, 200);
      assert.match(String(html.headers['content-type']), /^text\/html/);
      const assets = [...html.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => new URL(match[1]!, `http://localhost${page}`).pathname);
      assert.ok(assets.some((asset) => asset.endsWith('swagger-ui-bundle.js')), 'the UI bundle is referenced');
      assert.ok(assets.some((asset) => asset.endsWith('.css')), 'a stylesheet is referenced');
      assert.ok(assets.every((asset) => asset.startsWith('/docs/')), 'every asset is served by this server');
      for (const asset of assets) {
        const response = await t.app.inject({ url: asset });
        assert.equal(response.statusCode, 200, asset);
        assert.ok(response.body.length > 0, asset);
      }
    });
  }

  it('describes every route with the validation schemas, and hides none of the API', async () => {
    const response = await t.app.inject({ url: '/docs/json' });
    assert.equal(response.statusCode, 200);
    const spec = response.json();
    assert.equal(spec.openapi, '3.0.3');
    const operations = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    for (const operation of [
      'GET /api/v1/torrents',
      'POST /api/v1/torrents',
      'GET /api/v1/torrents/{infohash}',
      'DELETE /api/v1/torrents/{infohash}',
      'GET /api/v1/torrents/{infohash}/series',
      'GET /api/v1/compare',
      'GET /api/v1/alerts',
      'POST /api/v1/alerts',
      'DELETE /api/v1/alerts/{id}',
      'GET /api/v1/webhooks',
      'POST /api/v1/webhooks',
      'DELETE /api/v1/webhooks/{id}',
      'GET /api/v1/events',
      'GET /healthz',
      'GET /readyz',
    ]) {
      assert.ok(operations.includes(operation), `${operation} is documented`);
    }
    const alertBody = spec.paths['/api/v1/alerts'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(alertBody.properties.kind.enum, ['threshold', 'growth', 'mirror', 'discovery', 'metadata']);
    assert.equal(alertBody.additionalProperties, false);
    assert.ok(spec.paths['/api/v1/webhooks'].post.responses['201'], 'the 201 answer with the secret is documented');
    assert.deepEqual(spec.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  });
});
