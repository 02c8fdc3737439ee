/**
 * The mirror routes through fastify.inject (DESIGN.md §5): success, 400, 401 and 404 for each, the
 * list with each mirror's state and newest check after a real check of a loopback mirror, the
 * series in JSON and CSV, and a takedown reaching GET /api/v1/events through a mirror alert rule.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { evaluateDomainRules } from '../../api/alerts/domain-rules.ts';
import { MirrorChecker } from '../../collector/mirrors/mirror-checker.ts';
import { parseTorrentFile } from '../../collector/watchlist/parse-torrent-file.ts';
import { createOutboundGuard } from '../../core/outbound-guard.ts';
import { createSqliteMirrorSeries } from '../../store/mirror-series-sqlite.ts';
import { openAlertingState } from '../../store/state/alerting-state.ts';
import { AUTH, errorOf, makeTestApp, type TestApp } from '../api/test-app.ts';
import { LOOPBACK, TEST_SETTINGS } from './checker-fixture.ts';
import { buildMultiFileTorrent, type MultiFileTorrent } from './multi-file-torrent.ts';
import { startMirrorServer, type MirrorServer } from './mirror-server.ts';

describe('mirror routes', () => {
  let t: TestApp;
  let torrent: MultiFileTorrent;
  let server: MirrorServer;
  let checker: MirrorChecker;
  before(async () => {
    torrent = buildMultiFileTorrent();
    server = await startMirrorServer(torrent);
    t = await makeTestApp({ allowPrivateTargets: LOOPBACK });
    t.store.registry.add(parseTorrentFile(torrent.torrent));
    checker = new MirrorChecker({
      stateDb: t.store.db,
      torrents: t.store.registry,
      series: createSqliteMirrorSeries(t.store.db),
      guard: createOutboundGuard({ allowPrivateTargets: LOOPBACK }),
      settings: TEST_SETTINGS,
    });
  });
  after(async () => {
    await t.close();
    await server.close();
  });
  const post = (payload: object, headers: Record<string, string> = AUTH) => t.app.inject({ method: 'POST', url: '/api/v1/mirrors', headers, payload });

  it('POST registers a mirror (201, Location) and answers 200 with the same one when repeated', async () => {
    const response = await post({ url: `${server.base}/good/#fragment`, infohash: torrent.infohash.toUpperCase(), label: 'good mirror' });
    assert.equal(response.statusCode, 201);
    const body = response.json();
    assert.match(body.id, /^mir_/);
    assert.equal(response.headers.location, `/api/v1/mirrors/${body.id}`);
    assert.deepEqual({ ...body, id: undefined, createdAt: undefined }, {
      id: undefined, createdAt: undefined, url: `${server.base}/good/`, infohash: torrent.infohash, file: null, label: 'good mirror', source: 'api',
      state: 'unknown', stateSince: null, consecutiveFailures: 0, nextCheckAt: null, lastVerifiedAt: null, latest: null,
    });
    const again = await post({ url: `${server.base}/good/`, infohash: torrent.infohash });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, body.id);
  });

  it('POST answers 400 with an actionable message for bad input, and stores nothing', async () => {
    const cases: [object, string, RegExp][] = [
      [{ url: 'ftp://mirror.example/llama' }, 'invalid_request', /scheme must be http or https/],
      [{ url: 'not a url' }, 'invalid_request', /not an absolute URL/],
      [{ url: 'http://10.0.0.1/llama/' }, 'unsafe_target', /10\.0\.0\.1 is a private address/],
      [{ url: 'http://169.254.169.254/latest/' }, 'unsafe_target', /link-local/],
      [{ url: `${server.base}/good/x`, file: 'x' }, 'invalid_request', /body\/file names a file of a torrent: give body\/infohash too/],
      [{ url: `${server.base}/good/x`, infohash: torrent.infohash, file: 'nope.bin' }, 'invalid_request', /"nope.bin" is not a file of torrent .* \(files include "llama-mini\/7B\/consolidated.00.pth"/],
      [{ url: `${server.base}/good/`, infohash: 'xyz' }, 'invalid_infohash', /./],
      [{ url: `${server.base}/good/`, color: 'red' }, 'invalid_request', /color/],
      [{}, 'invalid_request', /url/],
    ];
    const before = checker.mirrors.list().total;
    for (const [payload, code, message] of cases) {
      const response = await post(payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(errorOf(response).code, code, JSON.stringify(payload));
      assert.match(errorOf(response).message, message);
    }
    assert.equal(checker.mirrors.list().total, before);
  });

  it('writes need a bearer token (401); reads are open', async () => {
    assert.equal((await post({ url: `${server.base}/good/` }, {})).statusCode, 401);
    assert.equal((await post({ url: `${server.base}/good/` }, { authorization: 'Bearer wrong-token-123' })).statusCode, 401);
    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/v1/mirrors/mir_x' })).statusCode, 401);
    assert.equal((await t.app.inject({ url: '/api/v1/mirrors' })).statusCode, 200);
  });

  it('404 for an unknown torrent, mirror or mirror series', async () => {
    const unknownTorrent = await post({ url: `${server.base}/good/`, infohash: 'e'.repeat(40) });
    assert.equal(unknownTorrent.statusCode, 404);
    assert.match(errorOf(unknownTorrent).message, /not on the watchlist; add it first/);
    for (const [method, url] of [['GET', '/api/v1/mirrors/mir_nope'], ['DELETE', '/api/v1/mirrors/mir_nope'], ['GET', '/api/v1/mirrors/mir_nope/series?metric=up']] as const) {
      const response = await t.app.inject({ method, url, headers: AUTH });
      assert.equal(response.statusCode, 404, `${method} ${url}`);
      assert.equal(errorOf(response).code, 'not_found');
    }
  });

  it('GET /mirrors and /mirrors/:id show each mirror\'s state and newest check; the series answers JSON and CSV', async () => {
    const id = (await post({ url: `${server.base}/good/`, infohash: torrent.infohash })).json().id as string;
    await checker.checkAll({ force: true });
    const list = (await t.app.inject({ url: '/api/v1/mirrors?limit=10' })).json();
    assert.equal(list.total, 1);
    const [shown] = list.mirrors;
    assert.equal(shown.id, id);
    assert.equal(shown.state, 'up');
    assert.equal(shown.latest.outcome, 'ok');
    assert.equal(shown.latest.verification.verified, 5);
    assert.equal(shown.latest.probes.length, 3);
    assert.deepEqual(Object.keys(shown.latest.probes[0]).sort(), ['bytes', 'error', 'etag', 'file', 'lastModified', 'latencyMs', 'method', 'redirects', 'status', 'url']);
    assert.deepEqual((await t.app.inject({ url: `/api/v1/mirrors/${id}` })).json(), shown);

    const at = shown.latest.at as string;
    const series = await t.app.inject({ url: `/api/v1/mirrors/${id}/series?metric=pieces_verified&from=${at}&to=${at}&step=0` });
    assert.equal(series.statusCode, 200);
    assert.deepEqual(series.json(), { mirror: id, metric: 'pieces_verified', step: 0, agg: 'avg', points: [[at, 5]] });
    const csv = await t.app.inject({ url: `/api/v1/mirrors/${id}/series?metric=up&from=${at}&to=${at}&step=0&format=csv` });
    assert.match(String(csv.headers['content-type']), /^text\/csv/);
    assert.equal(csv.body, `time,value\n${at},1\n`);
    const defaults = (await t.app.inject({ url: `/api/v1/mirrors/${id}/series?metric=up&from=-1d&to=now` })).json();
    assert.equal(defaults.step, 300, 'the default step of a 24 h window, as for torrents');

    for (const query of ['metric=dht_peers', 'metric=up&from=now&to=-1h', 'metric=up&step=1ms', 'metric=up&agg=median']) {
      const response = await t.app.inject({ url: `/api/v1/mirrors/${id}/series?${query}` });
      assert.equal(response.statusCode, 400, query);
    }
  });

  it('DELETE stops checking (204) and keeps the history readable', async () => {
    const id = (await post({ url: `${server.base}/good/llama-mini/7B/params.json`, infohash: torrent.infohash, file: '7B/params.json' })).json().id as string;
    assert.equal((await t.app.inject({ url: `/api/v1/mirrors/${id}` })).json().file, 'llama-mini/7B/params.json', 'a path without the torrent name is accepted');
    const at = new Date((await checker.checkOne(checker.mirrors.get(id)!))!.check.atMs).toISOString();
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/mirrors/${id}`, headers: AUTH })).statusCode, 204);
    assert.equal((await t.app.inject({ url: `/api/v1/mirrors/${id}` })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/v1/mirrors/${id}`, headers: AUTH })).statusCode, 404);
    const history = await t.app.inject({ url: `/api/v1/mirrors/${id}/series?metric=up&step=0&from=${at}&to=${at}` });
    assert.deepEqual(history.json().points, [[at, 1]]);
  });

  it('a takedown reaches GET /api/v1/events through a mirror alert rule', async () => {
    const rule = await t.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: AUTH, payload: { kind: 'mirror', changes: ['taken_down'], label: 'takedowns' } });
    assert.equal(rule.statusCode, 201, rule.body);
    const id = (await post({ url: `${server.base}/takedown/`, infohash: torrent.infohash })).json().id as string;
    server.takenDown = false;
    await checker.checkOne(checker.mirrors.get(id)!);
    server.takenDown = true;
    await checker.checkOne(checker.mirrors.get(id)!);
    server.takenDown = false;
    assert.equal(evaluateDomainRules(openAlertingState(t.store.db), Date.now()).length, 1);
    const events = (await t.app.inject({ url: '/api/v1/events?type=mirror.taken_down' })).json();
    assert.equal(events.total, 1);
    const [event] = events.events;
    assert.equal(event.subject, id);
    assert.equal(event.payload.type, 'mirror.taken_down');
    assert.equal(event.payload.data.legal, true);
    assert.equal(event.payload.data.status, 451);
    assert.equal(event.payload.data.ruleLabel, 'takedowns');
  });

  it('the OpenAPI document describes the mirror routes', async () => {
    const spec = (await t.app.inject({ url: '/docs/json' })).json();
    assert.ok(spec.paths['/api/v1/mirrors'].get && spec.paths['/api/v1/mirrors'].post);
    assert.ok(spec.paths['/api/v1/mirrors/{id}'].get && spec.paths['/api/v1/mirrors/{id}'].delete);
    const series = spec.paths['/api/v1/mirrors/{id}/series'].get;
    assert.deepEqual(series.parameters.find((parameter: { name: string }) => parameter.name === 'metric').schema.enum, ['up', 'status', 'latency_ms', 'bytes', 'pieces_verified', 'pieces_failed']);
    const mirror = spec.paths['/api/v1/mirrors/{id}'].get.responses['200'].content['application/json'].schema;
    assert.deepEqual(mirror.properties.state.enum, ['unknown', 'up', 'down', 'taken_down', 'content_differs']);
  });
});
