/** The shipped watchlist groups its entries into leak families; imports are idempotent and never undo a user's detach. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_WATCHLIST_PATH, loadWatchlists, parseWatchlistJson } from '../../collector/watchlist/load-watchlist.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { importFamilies } from '../../store/state/import-families.ts';

describe('watchlist families', () => {
  it('imports the shipped families once, and keeps a detach and a removal', () => {
    const store = openSqliteStore(':memory:');
    const entries = loadWatchlists([DEFAULT_WATCHLIST_PATH]);
    store.registry.importEntries(entries);
    assert.equal(importFamilies(store.db, store.registry, entries), entries.length);
    const families = createFamiliesRepo(store.db);
    const llama = families.findByName('LLaMA 1 (March 2023 leak)')!;
    assert.equal(llama.torrents.length, 2, 'both LLaMA magnets are one leak');
    assert.deepEqual(families.list().map((family) => family.name).sort(), ['Grok-1', 'LLaMA 1 (March 2023 leak)', 'Mistral 7B', 'Mixtral 8x22B', 'Mixtral 8x7B', 'NovelAI leak (October 2022)', 'Pixtral 12B']);
    assert.equal(importFamilies(store.db, store.registry, entries), 0, 'idempotent');

    families.detach(llama.id, 'torrent', llama.torrents[0]!);
    const mistral = families.findByName('Mistral 7B')!;
    families.detach(mistral.id, 'torrent', mistral.torrents[0]!);
    store.registry.remove(mistral.torrents[0]!);
    store.registry.importEntries(entries);
    importFamilies(store.db, store.registry, entries);
    assert.equal(families.get(llama.id)!.torrents.length, 1, 'a detached member stays detached');
    assert.deepEqual(families.get(mistral.id)!.torrents, [], 'a removed torrent is not put back');
  });

  it('refuses an empty family name in a watchlist file', () => {
    assert.throws(() => parseWatchlistJson(JSON.stringify([{ infohash: 'a'.repeat(40), family: ' ' }]), 'list.json'), /entry 0: "family" must name a family/);
    assert.equal(parseWatchlistJson(JSON.stringify([{ infohash: 'a'.repeat(40), family: 'X' }]), 'list.json')[0]!.family, 'X');
  });
});
