/**
 * The page as the API serves it, without a browser: `/` and its assets with the right types and a
 * strict CSP, uPlot from node_modules, nothing outside the fixed file map, capabilities of this
 * server, conditional GETs, and every ES module import of the page resolving to a served file (a
 * typo in an import path fails here, not in a reader's browser).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadPageAssets } from '../../api/routes/page-assets.ts';
import { PAGE_CSP } from '../../api/routes/page.ts';
import { makeTestApp, type TestApp } from '../api/test-app.ts';

describe('built-in page routes', () => {
  let t: TestApp;
  before(async () => {
    t = await makeTestApp();
  });
  after(() => t.close());

  it('serves index.html at / with a same-origin-only Content-Security-Policy', async () => {
    const response = await t.app.inject({ url: '/' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    assert.equal(response.headers['content-security-policy'], PAGE_CSP);
    assert.match(PAGE_CSP, /default-src 'self'/);
    assert.match(response.body, /<script type="module" src="\/page\/js\/main\.js">/);
  });

  it('serves the modules as JavaScript and uPlot from the installed package', async () => {
    const main = await t.app.inject({ url: '/page/js/main.js' });
    assert.equal(main.statusCode, 200);
    assert.match(String(main.headers['content-type']), /^text\/javascript/);
    const uplot = await t.app.inject({ url: '/page/vendor/uplot.esm.js' });
    assert.equal(uplot.statusCode, 200);
    assert.match(uplot.body, /export \{ uPlot as default \}/);
    assert.equal((await t.app.inject({ url: '/page/vendor/uplot.min.css' })).statusCode, 200);
  });

  it('answers 404 for anything outside the page files, traversal included', async () => {
    for (const url of ['/page/nope.js', '/page/../package.json', '/page/%2e%2e/%2e%2e/package.json', '/page/js/../../../../etc/passwd']) {
      const response = await t.app.inject({ url });
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error.code, 'not_found', url);
    }
  });

  it('answers a conditional GET with 304', async () => {
    const first = await t.app.inject({ url: '/page/styles.css' });
    const again = await t.app.inject({ url: '/page/styles.css', headers: { 'if-none-match': String(first.headers.etag) } });
    assert.equal(again.statusCode, 304);
  });

  it('says which optional routes this server has', async () => {
    const capabilities = (await t.app.inject({ url: '/page/capabilities.json' })).json() as Record<string, boolean>;
    assert.equal(capabilities.compare, true);
    assert.equal(capabilities.events, true);
    for (const value of Object.values(capabilities)) assert.equal(typeof value, 'boolean');
  });

  it('resolves every import of every page module to a served file, and loads nothing from another origin', () => {
    const assets = loadPageAssets();
    for (const [key, asset] of assets) {
      if (key.startsWith('vendor/')) continue;
      const text = asset.body.toString('utf8');
      assert.doesNotMatch(text, /(src|href)=["']?(https?:)?\/\//i, `${key} refers to another origin`);
      if (!key.endsWith('.js')) continue;
      for (const [, specifier] of text.matchAll(/^(?:import|export)\s[^'"]*from\s+'([^']+)'/gm)) {
        const resolved = new URL(specifier!, `http://page/${key}`).pathname.slice(1);
        assert.ok(assets.has(resolved), `${key} imports ${specifier}, which is not served`);
      }
    }
  });
});
