/**
 * The mirror checker against a real HTTP server on loopback serving a real multi-file torrent's
 * files (tests/mirrors/mirror-suite.server.ts): the mirrors issue 8 asks for — good (verified), tampered
 * (content differs), 451 after a while (takedown), slow (timeout), redirect loop, wrong size — and
 * what each does to the state, the domain events and the `mirror` series.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSqliteMirrorSeries } from '../../store/mirror-series-sqlite.ts';
import { readDomainEventsAfter } from '../../store/state/domain-events.ts';
import { mirrorSuite, type CheckerFixture } from './checker-fixture.ts';

describe('mirror checks against a real loopback server', () => {
  const suite = mirrorSuite();
  let f: CheckerFixture;
  const fresh = (settings = {}) => (f = suite.fixture(settings));
  const checkOnce = async (mirrorId: string) => (await f.checker.checkOne(f.checker.mirrors.get(mirrorId)!))!;

  it('a good mirror: every file probed, every piece verified (across boundaries), up, and a series sample', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/good/`, infohash: suite.torrent.infohash });
    const [result] = await f.checker.checkAll({ force: true });
    assert.equal(result!.check.outcome, 'ok');
    assert.equal(result!.state.state, 'up');
    assert.equal(result!.check.up, true);
    assert.equal(result!.check.probes.length, 3, 'one HEAD per file, composed as BEP 19 does (url + name/path)');
    assert.deepEqual(result!.check.probes.map((probe) => probe.status), [200, 200, 200]);
    assert.equal(result!.check.bytes, 71_000);
    assert.match(result!.check.etag ?? '', /^multi:/, 'one validator over the files');
    assert.deepEqual(result!.check.sizeMismatches, []);
    assert.equal(result!.check.verification?.verified, 5);
    assert.equal(result!.check.verification?.failed, 0);
    assert.equal(result!.check.verification?.pieces.find((piece) => piece.index === 2)?.files, 3, 'piece 2 spans three files');
    assert.deepEqual(result!.events, [], 'unknown → up is not a transition worth an alert');
    const series = createSqliteMirrorSeries(f.store.db);
    const at = result!.check.atMs;
    for (const [metric, value] of [['up', 1], ['status', 200], ['bytes', 71_000], ['pieces_verified', 5], ['pieces_failed', 0]] as const) {
      assert.deepEqual(await series.queryMirrorSeries({ mirrorId: id, metric, fromMs: at, toMs: at, stepMs: 0, agg: 'last' }), [[at, value]], metric);
    }
    const latency = (await series.queryMirrorSeries({ mirrorId: id, metric: 'latency_ms', fromMs: at, toMs: at, stepMs: 0, agg: 'last' }))[0]?.[1];
    assert.ok(latency !== undefined && latency >= 0 && latency < 1000);
  });

  it('a tampered mirror: same sizes, other bytes → content_differs (not up) and mirror.content_changed', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/tampered/`, infohash: suite.torrent.infohash });
    const result = await checkOnce(id);
    assert.equal(result.check.outcome, 'content_differs');
    assert.equal(result.check.up, false);
    assert.equal(result.state.state, 'content_differs');
    assert.deepEqual(result.check.sizeMismatches, []);
    assert.equal(result.check.verification?.failed, 5);
    assert.deepEqual(result.events, ['mirror.content_changed']);
    const [event] = readDomainEventsAfter(f.store.db, 0, 10);
    assert.equal(event!.subject, id);
    assert.equal(event!.data.to, 'content_differs');
    assert.equal(event!.data.piecesFailed, 5);
  });

  it('a mirror that answers 451 after a while: up, then taken_down with a legal-takedown event', async () => {
    fresh();
    suite.server.takenDown = false;
    const id = f.add({ url: `${suite.server.base}/takedown/`, infohash: suite.torrent.infohash, label: 'volunteer mirror' });
    assert.equal((await checkOnce(id)).state.state, 'up');
    suite.server.takenDown = true;
    const result = await checkOnce(id);
    suite.server.takenDown = false;
    assert.equal(result.check.outcome, 'gone');
    assert.equal(result.check.status, 451);
    assert.equal(result.check.legalTakedown, true);
    assert.equal(result.state.state, 'taken_down');
    assert.deepEqual(result.events, ['mirror.taken_down'], 'at once, without waiting for N failures');
    const event = readDomainEventsAfter(f.store.db, 0, 10).find((fact) => fact.type === 'mirror.taken_down')!;
    assert.equal(event.data.legal, true);
    assert.match(String(event.data.reason), /legal takedown \(HTTP 451/);
    assert.equal(event.data.label, 'volunteer mirror');
    const back = await checkOnce(id);
    assert.equal(back.state.state, 'up');
    assert.deepEqual(back.events, ['mirror.back']);
  });

  it('a 404 from a mirror never seen up is a broken URL, not a takedown', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/nothing-here/`, infohash: suite.torrent.infohash });
    const first = await checkOnce(id);
    assert.equal(first.check.outcome, 'gone');
    assert.equal(first.state.state, 'unknown');
    assert.equal((await checkOnce(id)).state.state, 'down', 'after downAfterFailures (2) failures');
    assert.deepEqual(f.eventTypes(), ['mirror.down']);
  });

  it('a slow mirror: a timeout, within the time limit; down after N consecutive failures, then backoff', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/slow/`, infohash: suite.torrent.infohash });
    const startedMs = Date.now();
    const first = await checkOnce(id);
    assert.ok(Date.now() - startedMs < 5_000, `took ${Date.now() - startedMs} ms with a 400 ms limit`);
    assert.equal(first.check.error?.kind, 'timeout');
    assert.equal(first.check.probes.length, 1, 'a server that does not answer is not asked once per file');
    assert.equal(first.check.status, null);
    assert.equal(first.check.up, false);
    assert.equal(first.state.state, 'unknown', 'one failure is not an outage');
    assert.deepEqual(first.events, []);
    const second = await checkOnce(id);
    assert.equal(second.state.state, 'down');
    assert.deepEqual(second.events, ['mirror.down']);
    assert.ok(second.state.nextCheckAtMs! - second.check.atMs >= 60_000, 'a down mirror is checked less often');
    const due = await f.checker.checkAll();
    assert.equal(due.length, 0, 'not due during its backoff');
  });

  it('a redirect loop is reported as such, with the chain, and fails the check', async () => {
    fresh({ downAfterFailures: 1 });
    const id = f.add({ url: `${suite.server.base}/loop/a` });
    const result = await checkOnce(id);
    assert.equal(result.check.error?.kind, 'redirect_loop');
    assert.deepEqual(result.check.probes[0]!.redirects.map((hop) => [new URL(hop.url).pathname, hop.status]), [['/loop/a', 302], ['/loop/b', 302]]);
    assert.equal(result.state.state, 'down');
    assert.ok(suite.server.log.filter((entry) => entry.path.startsWith('/loop/')).length <= 4, 'stops at the first repeat');
  });

  it('a mirror with a wrong size: the mismatch against the file list is reported, content differs', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/wrongsize/`, infohash: suite.torrent.infohash });
    const result = await checkOnce(id);
    assert.equal(result.check.outcome, 'content_differs');
    assert.deepEqual(result.check.sizeMismatches, [{ file: 'llama-mini/tokenizer.model', expectedBytes: 30_000, actualBytes: 30_100 }]);
    assert.equal(result.check.verification?.failed, 0, 'the pieces themselves are intact: only the size is wrong');
    assert.deepEqual(result.events, ['mirror.content_changed']);
  });

  it('a mirror of one file verifies only the pieces inside that file', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/good/llama-mini/tokenizer.model`, infohash: suite.torrent.infohash, file: 'llama-mini/tokenizer.model' });
    const result = await checkOnce(id);
    assert.equal(result.check.outcome, 'ok');
    assert.equal(result.check.bytes, 30_000);
    assert.deepEqual(result.check.verification?.pieces.map((piece) => piece.index), [3, 4], 'pieces 3 and 4 lie inside tokenizer.model');
  });

  it('HEAD refused (405): falls back to a one-byte Range GET', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/headless/`, infohash: suite.torrent.infohash });
    const result = await checkOnce(id);
    assert.equal(result.check.outcome, 'ok');
    assert.deepEqual(result.check.probes.map((probe) => [probe.method, probe.status, probe.bytes]), [['GET', 206, 40_000], ['GET', 206, 1_000], ['GET', 206, 30_000]]);
    assert.ok(suite.server.log.some((entry) => entry.path.startsWith('/headless/') && entry.method === 'GET' && entry.range === 'bytes=0-0'));
  });

  it('an ETag change on an up mirror is mirror.content_changed', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/good/`, infohash: suite.torrent.infohash });
    await checkOnce(id);
    const previous = f.checker.states.get(id);
    f.checker.states.commit({ ...previous, etag: 'multi:an-older-etag' }, []);
    const result = await checkOnce(id);
    assert.equal(result.state.state, 'up');
    assert.deepEqual(result.events, ['mirror.content_changed']);
    const event = readDomainEventsAfter(f.store.db, 0, 10).at(-1)!;
    assert.deepEqual((event.data.changes as { field: string }[]).map((change) => change.field), ['etag']);
    assert.equal(event.data.piecesVerified, 5, 'a changed validator triggers a fresh verification');
  });

  it('in the background the checker runs on its own loop, and stop() waits for the round in progress', async () => {
    fresh();
    const id = f.add({ url: `${suite.server.base}/good/`, infohash: suite.torrent.infohash });
    f.checker.start();
    const deadline = Date.now() + 5_000;
    while (f.checker.states.get(id).lastCheck === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await f.checker.stop();
    assert.equal(f.checker.states.get(id).state, 'up');
    assert.ok(f.checker.states.get(id).nextCheckAtMs! > Date.now(), 'the next check is scheduled an interval later');
  });
});
