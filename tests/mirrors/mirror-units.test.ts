/** The pure parts: BEP 19 URL composition, the state machine, the host limiter, torrent info storage. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HostLimiter } from '../../collector/mirrors/host-limiter.ts';
import { mirrorTargets } from '../../collector/mirrors/mirror-urls.ts';
import { transition } from '../../collector/mirrors/mirror-transition.ts';
import { layoutFromInfoDictionary, layoutFromWatchedTorrent } from '../../collector/mirrors/torrent-layout.ts';
import { parseTorrentFile } from '../../collector/watchlist/parse-torrent-file.ts';
import type { CheckOutcome, MirrorCheck } from '../../store/mirror-check.ts';
import type { Mirror } from '../../store/mirror-registry.ts';
import { initialMirrorState, type MirrorState } from '../../store/mirror-state-repo.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { loadInfoDictionary, saveInfoDictionary } from '../../store/torrent-info.ts';
import { buildMultiFileTorrent } from './multi-file-torrent.ts';

const torrent = buildMultiFileTorrent({ name: 'LLaMA weights' });
const multi = layoutFromInfoDictionary(torrent.infohash, torrent.info);
const single = layoutFromWatchedTorrent({
  infohash: 'c'.repeat(40), label: null, source: null, name: 'consolidated.00.pth', size: 10, trackers: [], webSeeds: [], files: [{ path: 'consolidated.00.pth', length: 10 }], addedAtMs: 0,
})!;

describe('BEP 19 URL composition', () => {
  const urls = (url: string, layout = multi, file: string | null = null) => mirrorTargets({ url, file }, layout).map((target) => target.url);

  it('multi-file: url + name/path, percent-encoded, adding the missing slash, keeping a query', () => {
    assert.deepEqual(urls('https://m.example/dl/'), [
      'https://m.example/dl/LLaMA%20weights/7B/consolidated.00.pth',
      'https://m.example/dl/LLaMA%20weights/7B/params.json',
      'https://m.example/dl/LLaMA%20weights/tokenizer.model',
    ]);
    assert.equal(urls('https://m.example/dl')[0], 'https://m.example/dl/LLaMA%20weights/7B/consolidated.00.pth');
    assert.equal(urls('https://cdn.example/x?sig=abc')[2], 'https://cdn.example/x/LLaMA%20weights/tokenizer.model?sig=abc');
  });

  it('single-file: a URL ending in / is a directory (url + name); any other URL is the file itself', () => {
    assert.deepEqual(urls('https://m.example/w/', single), ['https://m.example/w/consolidated.00.pth']);
    assert.deepEqual(urls('https://m.example/llama.pth', single), ['https://m.example/llama.pth']);
  });

  it('a mirror of one file is that URL, with that file\'s expected size; without metadata the URL as given', () => {
    const [target] = mirrorTargets({ url: 'https://m.example/p.json', file: 'LLaMA weights/7B/params.json' }, multi);
    assert.deepEqual(target, { url: 'https://m.example/p.json', fileIndex: 1, file: 'LLaMA weights/7B/params.json', expectedBytes: 1000 });
    assert.deepEqual(mirrorTargets({ url: 'https://m.example/x', file: null }, undefined), [{ url: 'https://m.example/x', fileIndex: null, file: null, expectedBytes: null }]);
  });
});

describe('mirror state machine', () => {
  const mirror: Mirror = { id: 'mir_test', url: 'https://m.example/', infohash: null, file: null, label: null, source: 'api', createdAtMs: 0, removedAtMs: null };
  const check = (outcome: CheckOutcome, status: number | null, extra: Partial<MirrorCheck> = {}): MirrorCheck => ({
    atMs: 1000, outcome, up: outcome === 'ok', status, latencyMs: 5, bytes: 100, etag: '"a"', lastModified: null,
    legalTakedown: status === 451, probes: [], sizeMismatches: [], verification: null, error: null, ...extra,
  });
  const walk = (outcomes: [CheckOutcome, number | null][], start: MirrorState = initialMirrorState(mirror.id)) => {
    let state = start;
    const seen: string[] = [];
    for (const [outcome, status] of outcomes) {
      const step = transition(mirror, state, check(outcome, status), 3);
      state = step.next;
      seen.push(`${state.state}${step.events.map((event) => `:${event.type}`).join('')}`);
    }
    return seen;
  };

  it('up → down after N consecutive failures → back', () => {
    assert.deepEqual(walk([['ok', 200], ['failed', 503], ['failed', null], ['ok', 200], ['failed', 503], ['failed', 503], ['failed', 503], ['failed', 503], ['ok', 200]]), [
      'up', 'up', 'up', 'up', 'up', 'up', 'down:mirror.down', 'down', 'up:mirror.back',
    ]);
  });

  it('404, 410 and 451 are takedowns only after the mirror was up; 451 is called a legal takedown', () => {
    assert.deepEqual(walk([['gone', 404], ['gone', 404], ['gone', 404]]), ['unknown', 'unknown', 'down:mirror.down']);
    assert.deepEqual(walk([['ok', 200], ['gone', 410], ['failed', null], ['ok', 200]]), ['up', 'taken_down:mirror.taken_down', 'taken_down', 'up:mirror.back']);
    const up = transition(mirror, initialMirrorState(mirror.id), check('ok', 200), 3).next;
    const legal = transition(mirror, up, check('gone', 451), 3).events[0]!;
    assert.equal(legal.data?.legal, true);
    assert.match(String(legal.data?.reason), /legal takedown/);
  });

  it('content that differs is its own state, entered and left with mirror.content_changed', () => {
    assert.deepEqual(walk([['ok', 200], ['content_differs', 200], ['content_differs', 200], ['ok', 200]]), [
      'up', 'content_differs:mirror.content_changed', 'content_differs', 'up:mirror.content_changed',
    ]);
  });
});

describe('host limiter', () => {
  it('never runs more than N requests to one host, and does not hold other hosts back', async () => {
    const limiter = new HostLimiter(2);
    let peak = 0;
    const work = (host: string) => limiter.run(host, async () => {
      peak = Math.max(peak, limiter.inFlight('a:80'));
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    await Promise.all([...Array.from({ length: 7 }, () => work('a:80')), work('b:80'), work('b:80')]);
    assert.equal(peak, 2);
    assert.equal(limiter.inFlight('a:80'), 0);
  });
});

describe('torrent info dictionaries', () => {
  it('are kept from a .torrent added to the watchlist, checked against the infohash', async () => {
    const store = openSqliteStore(':memory:');
    try {
      assert.equal(loadInfoDictionary(store.db, torrent.infohash), undefined);
      assert.throws(() => saveInfoDictionary(store.db, torrent.infohash, Buffer.from('d4:name1:xe')), (error: Error & { code?: string }) => error.code === 'invalid_torrent');
      store.registry.add(parseTorrentFile(torrent.torrent));
      assert.ok(loadInfoDictionary(store.db, torrent.infohash)?.equals(torrent.info));
    } finally {
      await store.close();
    }
  });
});
