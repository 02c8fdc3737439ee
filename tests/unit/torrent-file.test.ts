import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { parseTorrentFile } from '../../collector/watchlist/parse-torrent-file.ts';
import { parseTorrentInput } from '../../collector/watchlist/parse-watch-input.ts';
import { encodeBencode, type EncodableValue } from '../../protocol/bencode.ts';

const pieces = (count: number) => Buffer.alloc(20 * count, 7);

function torrent(info: Record<string, EncodableValue>, extra: Record<string, EncodableValue> = {}): { bytes: Buffer; infohash: string } {
  const bytes = encodeBencode({ announce: 'udp://127.0.0.1:6969/announce', 'announce-list': [['udp://127.0.0.1:6969/announce'], ['http://127.0.0.1:6970/announce']], ...extra, info });
  return { bytes, infohash: createHash('sha1').update(encodeBencode(info)).digest('hex') };
}

test('.torrent: single file, infohash over the exact info bytes, trackers and web seeds', () => {
  const { bytes, infohash } = torrent({ name: 'consolidated.00.pth', 'piece length': 16384, length: 40000, pieces: pieces(3) }, { 'url-list': 'http://127.0.0.1/w/' });
  const parsed = parseTorrentFile(bytes);
  assert.equal(parsed.infohash, infohash);
  assert.equal(parsed.name, 'consolidated.00.pth');
  assert.equal(parsed.size, 40000);
  assert.equal(parsed.pieceCount, 3);
  assert.deepEqual(parsed.trackers, ['udp://127.0.0.1:6969/announce', 'http://127.0.0.1:6970/announce']);
  assert.deepEqual(parsed.webSeeds, ['http://127.0.0.1/w/']);
});

test('.torrent: multi-file lists every file under the torrent name', () => {
  const { bytes } = torrent({
    name: 'LLaMA',
    'piece length': 32768,
    files: [
      { length: 50000, path: ['7B', 'consolidated.00.pth'] },
      { length: 100, path: ['tokenizer.model'] },
    ],
    pieces: pieces(2),
  });
  const parsed = parseTorrentInput({ torrentBase64: bytes.toString('base64') });
  assert.deepEqual(parsed.files, [
    { path: 'LLaMA/7B/consolidated.00.pth', length: 50000 },
    { path: 'LLaMA/tokenizer.model', length: 100 },
  ]);
  assert.equal(parsed.size, 50100);
});

test('.torrent: malformed files are refused with invalid_torrent naming the field', () => {
  const cases: [Buffer, RegExp][] = [
    [Buffer.from('not bencode'), /unexpected byte/],
    [encodeBencode({ announce: 'x' }), /no "info" dictionary/],
    [torrent({ 'piece length': 16384, length: 1, pieces: pieces(1) }).bytes, /"info.name" is missing/],
    [torrent({ name: 'x', 'piece length': 16384, length: 1, pieces: Buffer.alloc(19) }).bytes, /multiple of 20/],
    [torrent({ name: 'x', 'piece length': 16384, length: 40000, pieces: pieces(1) }).bytes, /do not cover/],
    [torrent({ name: 'x', 'piece length': 16384, files: [{ length: 1, path: ['..', 'etc'] }], pieces: pieces(1) }).bytes, /unsafe/],
    [torrent({ name: 'x', 'piece length': 0, length: 1, pieces: pieces(1) }).bytes, /piece length/],
  ];
  for (const [bytes, message] of cases) {
    assert.throws(() => parseTorrentFile(bytes), (error: Error & { code?: string }) => error.code === 'invalid_torrent' && message.test(error.message), message.source);
  }
  assert.throws(() => parseTorrentInput({ torrentBase64: '%%%' }), /not base64/);
  assert.throws(() => parseTorrentInput({ torrentPath: '/nonexistent/x.torrent' }), /cannot read .torrent file/);
  assert.throws(() => parseTorrentInput({}), /exactly one of/);
});
