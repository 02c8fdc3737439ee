import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trackerTag } from '../../collector/trackers/tracker-url.ts';
import { redactUrl } from '../../core/redact-url.ts';

test('tracker URLs are shown and tagged without passkeys, in the query or in the path', () => {
  assert.equal(redactUrl('https://tracker.example/announce?passkey=0123456789abcdef0123456789abcdef'), 'https://tracker.example/announce');
  assert.equal(redactUrl('https://user:secret@tracker.example:8443/0123456789abcdef0123456789abcdef/announce'), 'https://tracker.example:8443/…/announce');
  assert.equal(redactUrl('udp://tracker.opentrackr.org:1337/announce'), 'udp://tracker.opentrackr.org:1337/announce');
  assert.equal(redactUrl('http://bt.example/announce.php'), 'http://bt.example/announce.php');
  assert.equal(trackerTag('http://t.example/a1b2c3d4e5f6a7b8c9d0/announce?uk=x'), 'http://t.example/…/announce');
  assert.equal(redactUrl('not a url?key=1'), 'not a url');
});

test('the API never serves a tracker passkey the collector keeps for scraping', async () => {
  const { makeTestApp, A } = await import('../api/test-app.ts');
  const api = await makeTestApp();
  try {
    api.store.registry.add({ infohash: A, trackers: ['https://t.example/announce?passkey=0123456789abcdef0123456789abcdef'] });
    const response = await api.app.inject({ url: `/api/v1/torrents/${A}` });
    assert.equal(response.statusCode, 200);
    assert.ok(!response.body.includes('0123456789abcdef'), response.body);
    assert.deepEqual((JSON.parse(response.body) as { trackers: string[] }).trackers, ['https://t.example/announce']);
    assert.ok(api.store.registry.get(A)!.trackers[0]!.includes('passkey='), 'kept for scraping');
  } finally {
    await api.close();
  }
});
