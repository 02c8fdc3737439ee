import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_WATCHLIST_PATH, loadWatchlists } from '../../collector/watchlist/load-watchlist.ts';
import { encodeBencode } from '../../protocol/bencode.ts';

const dir = mkdtempSync(join(tmpdir(), 'swarmscope-watchlist-'));

test('the shipped watchlist parses, cites a source for every entry, and has the LLaMA leak', () => {
  const entries = loadWatchlists([DEFAULT_WATCHLIST_PATH]);
  assert.equal(entries.length, 9);
  for (const entry of entries) assert.ok(entry.source && entry.label, entry.infohash);
  assert.ok(entries.some((entry) => entry.infohash === 'b8287ebfa04f879b048d4d4404108cf3e8014352'));
});

test('watchlist files take infohash, magnet and torrent entries, torrent paths relative to the file', () => {
  writeFileSync(join(dir, 'x.torrent'), encodeBencode({ info: { name: 'x', 'piece length': 16384, length: 10, pieces: Buffer.alloc(20) } }));
  const path = join(dir, 'list.json');
  writeFileSync(
    path,
    JSON.stringify([
      { infohash: '5F96D43576E3D386C9BA65B883210A393B68210E', label: 'Grok-1' },
      { magnet: 'magnet:?xt=urn:btih:ZXXDAUWYLRUXXBHUYEMS6Q5CE5WA3LVA&dn=LLaMA' },
      { torrent: 'x.torrent', source: 'made here' },
    ]),
  );
  const entries = loadWatchlists([path, 'b8287ebfa04f879b048d4d4404108cf3e8014352']);
  assert.deepEqual(
    entries.map((entry) => [entry.infohash.slice(0, 8), entry.label]),
    [
      ['5f96d435', 'Grok-1'],
      ['cdee3052', 'LLaMA'],
      [entries[2]!.infohash.slice(0, 8), 'x'],
      ['b8287ebf', undefined],
    ],
  );
});

test('bad watchlist files name the file, the entry and the problem', () => {
  const write = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const cases: [string, RegExp][] = [
    [write('a.json', '{}'), /must be a JSON array/],
    [write('b.json', '[{"infohash": "abc"}]'), /entry 0: "abc" is not an infohash/],
    [write('c.json', '[{"magnet": "magnet:?dn=x"}]'), /entry 0: invalid magnet URI: no "xt"/],
    [write('d.json', '[{"infohash": "5f96d43576e3d386c9ba65b883210a393b68210e", "colour": 1}]'), /unknown key "colour"/],
    [write('e.json', '[{"infohash": "5f96d43576e3d386c9ba65b883210a393b68210e", "magnet": "magnet:?xt=urn:btih:5f96d43576e3d386c9ba65b883210a393b68210e"}]'), /exactly one of/],
    [write('f.json', '[1'), /not valid JSON/],
    [join(dir, 'missing.json'), /file not found/],
  ];
  for (const [file, message] of cases) {
    assert.throws(() => loadWatchlists([file]), (error: Error & { code?: string }) => error.code === 'invalid_watchlist' && message.test(error.message), message.source);
  }
});
