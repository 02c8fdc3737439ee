/**
 * What a hostile mirror can cost: bounded. Against the real loopback server: a mirror that streams
 * forever is cut at the byte cap of the piece asked for; one that sends a huge header is cut by the
 * parser's header limit; a redirect to a private address is refused by the outbound guard before
 * any connection; a name that resolves to a private address at check time is refused although it
 * was fine at registration (the guard runs at each check); requests connect to the address the
 * guard approved (DNS pinning); a TLS failure is reported as TLS; no body is kept in the state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MirrorChecker } from '../../collector/mirrors/mirror-checker.ts';
import { createOutboundGuard, type ResolvedAddress } from '../../core/outbound-guard.ts';
import { createSqliteMirrorSeries } from '../../store/mirror-series-sqlite.ts';
import { LOOPBACK, TEST_SETTINGS, mirrorSuite, type CheckerFixture } from './checker-fixture.ts';

describe('mirror checks are bounded and guarded', () => {
  const suite = mirrorSuite();
  const fixture = () => suite.fixture({ downAfterFailures: 1 });
  const check = (f: CheckerFixture, url: string, extra: { infohash?: string; file?: string } = {}) => suite.check(f, { url, ...extra });

  it('a mirror that ignores Range and streams forever costs at most the bytes of the sampled piece', async (t) => {
    const f = fixture();
    const result = await check(f, `${suite.server.base}/forever/`, { infohash: suite.torrent.infohash });
    // Piece 0 starts at a file's first byte: the first 16 KiB of the 200 stream are read, hashed (they differ) and the rest refused.
    // Every other piece starts inside a file: a 200 for a range there is unusable, so it is neither verified nor failed.
    assert.deepEqual(
      result.check.verification?.pieces.map((piece) => [piece.index, piece.matches, piece.error?.kind ?? null]),
      [[0, false, null], [1, null, 'http'], [2, null, 'http'], [3, null, 'http'], [4, null, 'http']],
    );
    assert.equal(result.state.state, 'content_differs');
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.diagnostic(`/forever/ sent ${suite.server.foreverBytesSent} bytes in all`);
    // Five downloads, each aborted past its cap (one piece segment, at most 16 KiB): a chunk or two each, never an endless stream.
    assert.ok(suite.server.foreverBytesSent <= 5 * 2 * 64 * 1024, `the server managed to send ${suite.server.foreverBytesSent} bytes`);
    const before = suite.server.foreverBytesSent;
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(suite.server.foreverBytesSent, before, 'the connections are closed: nothing more is sent');
  });

  it('a huge response header is cut off (maxHeaderSize) and reported as header_overflow', async () => {
    const result = await check(fixture(), `${suite.server.base}/bigheader`);
    assert.equal(result.check.error?.kind, 'header_overflow');
    assert.equal(result.state.state, 'down');
  });

  it('a redirect to a private address is refused by the outbound guard, before any connection', async () => {
    const result = await check(fixture(), `${suite.server.base}/private/`);
    assert.equal(result.check.error?.kind, 'unsafe_target');
    assert.match(result.check.error!.message, /10\.1\.2\.3 is a private address/);
    assert.deepEqual(result.check.probes[0]!.redirects.map((hop) => hop.status), [302]);
  });

  it('the guard runs at every check with the address pinned: a name that now resolves to a private address is refused', async () => {
    const port = Number(new URL(suite.server.base).port);
    let answer: ResolvedAddress = { address: '127.0.0.1', family: 4 };
    const guard = createOutboundGuard({ allowPrivateTargets: LOOPBACK, resolve: async () => [answer] });
    const f = fixture();
    const checker = new MirrorChecker({ stateDb: f.store.db, torrents: f.store.registry, series: createSqliteMirrorSeries(f.store.db), guard, settings: { ...TEST_SETTINGS, downAfterFailures: 1 } });
    // `mirror.invalid` never resolves in real DNS: reaching the server proves the request used the guard's address.
    const id = checker.mirrors.add({ url: `http://mirror.invalid:${port}/good/`, infohash: suite.torrent.infohash, source: 'api' }, Date.now()).mirror.id;
    const first = (await checker.checkOne(checker.mirrors.get(id)!))!;
    assert.equal(first.check.outcome, 'ok');
    assert.equal(first.check.verification?.verified, 5);
    answer = { address: '10.0.0.7', family: 4 };
    const second = (await checker.checkOne(checker.mirrors.get(id)!))!;
    assert.equal(second.check.error?.kind, 'unsafe_target');
    assert.match(second.check.error!.message, /10\.0\.0\.7 is a private address \(mirror\.invalid resolves to it\)/);
  });

  it('a TLS failure is reported as TLS, not as a plain connection error', async () => {
    const result = await check(fixture(), `${suite.server.base.replace('http:', 'https:')}/good/`);
    assert.equal(result.check.error?.kind, 'tls');
    assert.equal(result.check.status, null);
  });

  it('keeps no response body in the stored state', async () => {
    const f = fixture();
    await check(f, `${suite.server.base}/good/`, { infohash: suite.torrent.infohash });
    const stored = (f.store.db.prepare('SELECT last_check FROM mirror_state WHERE last_check IS NOT NULL').get() as { last_check: string }).last_check;
    assert.ok(stored.length < 10_000, `${stored.length} characters of check report`);
    const sample = suite.torrent.files[2]!.content.subarray(0, 16);
    assert.ok(!stored.includes(sample.toString('base64')) && !stored.includes(sample.toString('hex')));
  });
});
