import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { SwarmscopeError } from '../../core/errors.ts';
import { A, AUTH, B, TOKEN, errorOf, makeTestApp, type TestApp } from './test-app.ts';

const post = (t: TestApp, payload: unknown, headers: Record<string, string> = AUTH) =>
  t.app.inject({ method: 'POST', url: '/api/v1/torrents', headers, payload: payload as object });

describe('POST /api/v1/torrents', () => {
  let t: TestApp;
  beforeEach(async () => {
    await t?.close();
    t = await makeTestApp();
  });
  after(() => t.close());

  it('adds by infohash: 201 with the torrent and its location', async () => {
    const response = await post(t, { infohash: A.toUpperCase(), label: 'LLaMA', tags: [' leak ', 'llama'] });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers.location, `/api/v1/torrents/${A}`);
    const body = response.json();
    assert.equal(body.infohash, A);
    assert.equal(body.label, 'LLaMA');
    assert.equal(body.source, 'api');
    assert.deepEqual(body.tags, ['leak', 'llama']);
    assert.equal(body.latest, null);
    assert.equal(t.store.registry.get(A)?.label, 'LLaMA');
  });

  it('answers 200 when the torrent is already watched, merging the new label', async () => {
    t.store.registry.add({ infohash: A, source: 'https://example.org/cited', label: 'old' });
    const response = await post(t, { infohash: A, label: 'new' });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().label, 'new');
    assert.equal(response.json().source, 'https://example.org/cited', 'the citation of a shipped entry is kept');
  });

  it('answers 201 again for a torrent that was removed, which is watched again', async () => {
    t.store.registry.add({ infohash: A });
    t.store.registry.remove(A);
    assert.equal((await post(t, { infohash: A })).statusCode, 201);
    assert.ok(t.store.registry.get(A));
  });

  it('needs exactly one of magnet, infohash, torrent', async () => {
    const none = await post(t, { label: 'x' });
    assert.equal(none.statusCode, 400);
    assert.deepEqual(errorOf(none), { code: 'invalid_request', message: 'give exactly one of body/magnet, body/infohash or body/torrent (got none)' });
    const two = await post(t, { infohash: A, magnet: `magnet:?xt=urn:btih:${A}` });
    assert.equal(two.statusCode, 400);
    assert.match(errorOf(two).message, /got body\/magnet and body\/infohash/);
    assert.equal(t.store.registry.list().total, 0, 'nothing was written');
  });

  it('names the field whose type is wrong, without coercing it', async () => {
    const response = await post(t, { infohash: A, label: 123 });
    assert.equal(response.statusCode, 400);
    assert.deepEqual(errorOf(response), { code: 'invalid_request', message: 'body/label must be string' });
    const tags = await post(t, { infohash: A, tags: 'leak' });
    assert.equal(errorOf(tags).message, 'body/tags must be array');
    assert.equal(t.store.registry.list().total, 0);
  });

  it('refuses unknown fields rather than dropping a typo', async () => {
    const response = await post(t, { infohash: A, lable: 'typo' });
    assert.equal(response.statusCode, 400);
    assert.equal(errorOf(response).message, 'body/lable is not a known field');
  });

  it('refuses a malformed infohash with invalid_infohash', async () => {
    const response = await post(t, { infohash: 'not-a-hash' });
    assert.equal(response.statusCode, 400);
    assert.equal(errorOf(response).code, 'invalid_infohash');
    assert.match(errorOf(response).message, /expected 40 hex characters/);
  });

  it('without a torrent parser, says magnets and .torrent files cannot be read here', async () => {
    const magnet = await post(t, { magnet: `magnet:?xt=urn:btih:${A}` });
    assert.equal(magnet.statusCode, 400);
    assert.equal(errorOf(magnet).code, 'invalid_magnet');
    assert.match(errorOf(magnet).message, /without a torrent parser/);
    const torrent = await post(t, { torrent: Buffer.from('d4:infod4:name1:xee').toString('base64') });
    assert.equal(errorOf(torrent).code, 'invalid_torrent');
  });

  it('uses the injected parser for magnets and .torrent files and passes its errors through', async () => {
    await t.close();
    const seen: unknown[] = [];
    t = await makeTestApp({
      parseTorrentInput: (input) => {
        seen.push(input);
        if (input.magnet?.includes('bad')) throw new SwarmscopeError('invalid_magnet', 'invalid magnet URI: no "xt" parameter');
        return { infohash: B, name: 'from-magnet', trackers: ['udp://tracker.example:80'] };
      },
    });
    const response = await post(t, { magnet: `magnet:?xt=urn:btih:${B}&dn=from-magnet`, label: 'M' });
    assert.equal(response.statusCode, 201);
    assert.deepEqual(seen[0], { magnet: `magnet:?xt=urn:btih:${B}&dn=from-magnet`, infohash: undefined, torrentBase64: undefined });
    assert.equal(response.json().name, 'from-magnet');
    assert.deepEqual(response.json().trackers, ['udp://tracker.example:80']);
    const bad = await post(t, { magnet: 'magnet:?bad' });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(errorOf(bad), { code: 'invalid_magnet', message: 'invalid magnet URI: no "xt" parameter' });
  });

  it('needs a bearer token: missing or wrong gives 401 and changes nothing', async () => {
    const missing = await post(t, { infohash: A }, {});
    assert.equal(missing.statusCode, 401);
    assert.equal(errorOf(missing).code, 'unauthorized');
    assert.match(errorOf(missing).message, /Authorization: Bearer/);
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="swarmscope"');
    const wrong = await post(t, { infohash: A }, { authorization: `Bearer ${TOKEN}x` });
    assert.equal(wrong.statusCode, 401);
    assert.match(errorOf(wrong).message, /not one of the configured API tokens/);
    const basic = await post(t, { infohash: A }, { authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` });
    assert.equal(basic.statusCode, 401);
    assert.equal(t.store.registry.list().total, 0);
  });

  it('checks the token before the body, so an unauthenticated bad body is a 401', async () => {
    const response = await post(t, { label: 5 }, {});
    assert.equal(response.statusCode, 401);
  });

  it('accepts any of several configured tokens', async () => {
    await t.close();
    t = await makeTestApp({ apiTokens: ['first-token-aaaa', 'second-token-bbbb'] });
    assert.equal((await post(t, { infohash: A }, { authorization: 'Bearer second-token-bbbb' })).statusCode, 201);
    assert.equal((await post(t, { infohash: B }, { authorization: 'bearer first-token-aaaa' })).statusCode, 201);
  });

  it('refuses every write when no token is configured, saying how to set one', async () => {
    await t.close();
    t = await makeTestApp({ apiTokens: [] });
    const response = await post(t, { infohash: A }, { authorization: 'Bearer anything' });
    assert.equal(response.statusCode, 401);
    assert.match(errorOf(response).message, /SWARMSCOPE_API_TOKENS/);
    assert.equal((await t.app.inject({ url: '/api/v1/torrents' })).statusCode, 200, 'reads stay open');
  });
});
