/** The watchlist registry over SQLite: tombstones, imports, merging, paging. */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { isSwarmscopeError } from '../../core/errors.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/open-sqlite-store.ts';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('SQLite torrent registry', () => {
  let store: SqliteStore;
  let clockMs: number;

  beforeEach(() => {
    clockMs = Date.UTC(2026, 0, 1);
    store = openSqliteStore(':memory:', { now: () => (clockMs += 1000) });
  });

  it('adds a torrent with defaults for what is unknown', () => {
    const { torrent, created } = store.registry.add({ infohash: A.toUpperCase(), label: 'LLaMA' });
    assert.equal(created, true);
    assert.deepEqual(torrent, {
      infohash: A,
      label: 'LLaMA',
      source: null,
      name: null,
      size: null,
      trackers: [],
      webSeeds: [],
      files: [],
      tags: [],
      addedAtMs: Date.UTC(2026, 0, 1) + 1000,
      removedAtMs: null,
    });
  });

  it('merges a second add into the entry: new values win, lists are united, nothing known is lost', () => {
    store.registry.add({ infohash: A, label: 'first', trackers: ['udp://a:1'], name: 'model', tags: ['leak'] });
    const { torrent, created } = store.registry.add({ infohash: A, label: 'second', trackers: ['udp://b:2', 'udp://a:1'], tags: ['llama'] });
    assert.equal(created, false);
    assert.equal(torrent.label, 'second');
    assert.equal(torrent.name, 'model');
    assert.deepEqual(torrent.trackers, ['udp://a:1', 'udp://b:2']);
    assert.deepEqual(torrent.tags, ['leak', 'llama']);
  });

  it('keeps history on remove: a tombstone hides the entry but remembers it', () => {
    store.registry.add({ infohash: A, label: 'gone' });
    assert.equal(store.registry.remove(A), true);
    assert.equal(store.registry.remove(A), false, 'removing twice reports nothing removed');
    assert.equal(store.registry.remove(B), false, 'an unknown torrent is not removed');
    assert.equal(store.registry.get(A), undefined);
    const tombstone = store.registry.get(A, { includeRemoved: true });
    assert.equal(tombstone?.label, 'gone');
    assert.equal(typeof tombstone?.removedAtMs, 'number');
    assert.equal(store.registry.list().total, 0);
  });

  it('re-activates a removed torrent on add, keeping its first added time', () => {
    const first = store.registry.add({ infohash: A }).torrent;
    store.registry.remove(A);
    const { torrent, created } = store.registry.add({ infohash: A, label: 'back' });
    assert.equal(created, true, 'it is back on the watchlist');
    assert.equal(torrent.addedAtMs, first.addedAtMs);
    assert.equal(torrent.removedAtMs, null);
    assert.equal(store.registry.get(A)?.label, 'back');
  });

  it('imports watchlist entries but never brings back one the user removed', () => {
    store.registry.add({ infohash: A });
    store.registry.remove(A);
    store.registry.add({ infohash: B, label: 'user label' });
    const added = store.registry.importEntries([
      { infohash: A, label: 'shipped A' },
      { infohash: B, label: 'shipped B', name: 'B.bin', source: 'https://example.org/citation' },
      { infohash: C, label: 'shipped C' },
    ]);
    assert.equal(added, 1, 'only C is new');
    assert.equal(store.registry.get(A), undefined, 'A stays removed');
    const b = store.registry.get(B)!;
    assert.equal(b.label, 'user label', "the user's label wins over the shipped one");
    assert.equal(b.name, 'B.bin', 'missing metadata is filled in');
    assert.equal(b.source, 'https://example.org/citation');
    assert.equal(store.registry.get(C)?.label, 'shipped C');
    assert.equal(store.registry.importEntries([{ infohash: C }]), 0, 'importing again adds nothing');
  });

  it('pages the active watchlist by added time, then infohash', () => {
    for (const infohash of [C, A, B]) store.registry.add({ infohash });
    store.registry.add({ infohash: 'd'.repeat(40) });
    store.registry.remove('d'.repeat(40));
    const all = store.registry.list();
    assert.deepEqual(all.torrents.map((t) => t.infohash), [C, A, B]);
    assert.equal(all.total, 3);
    const page = store.registry.list({ offset: 1, limit: 1 });
    assert.deepEqual(page.torrents.map((t) => t.infohash), [A]);
    assert.equal(page.total, 3);
    assert.deepEqual(store.registry.list({ offset: 10, limit: 5 }).torrents, []);
  });

  it('orders torrents added in the same millisecond by infohash', () => {
    const fixed = openSqliteStore(':memory:', { now: () => 5 });
    fixed.registry.importEntries([{ infohash: C }, { infohash: A }, { infohash: B }]);
    assert.deepEqual(fixed.registry.list().torrents.map((t) => t.infohash), [A, B, C]);
  });

  it('stores files and web seeds, and rejects a malformed infohash', () => {
    const files = [{ path: 'llama/7B/consolidated.00.pth', length: 13_476_939_516 }];
    store.registry.add({ infohash: A, files, webSeeds: ['https://mirror.example/llama/'], size: 13_476_939_516 });
    const torrent = store.registry.get(A)!;
    assert.deepEqual(torrent.files, files);
    assert.deepEqual(torrent.webSeeds, ['https://mirror.example/llama/']);
    assert.equal(torrent.size, 13_476_939_516);
    assert.throws(() => store.registry.add({ infohash: 'nope' }), (error: unknown) => isSwarmscopeError(error) && error.code === 'invalid_infohash');
    assert.throws(() => store.registry.get('nope'), (error: unknown) => isSwarmscopeError(error) && error.code === 'invalid_infohash');
  });
});
