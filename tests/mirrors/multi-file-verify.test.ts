/**
 * Multi-file verification across a file boundary: piece 2 of the test torrent covers the end of
 * consolidated.00.pth, all of params.json and the start of tokenizer.model, so verifying it takes
 * three ranged requests to three file URLs, hashed together. A mirror whose files each have the
 * right size but one of them shifted by a byte passes every single-file piece and fails only there.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layoutFromInfoDictionary, pieceSegments } from '../../collector/mirrors/torrent-layout.ts';
import { mirrorSuite } from './checker-fixture.ts';

describe('multi-file verification across file boundaries', () => {
  const suite = mirrorSuite();
  const checkMirror = (url: string, verifyPieces: number) => suite.check(suite.fixture({ verifyPieces }), { url, infohash: suite.torrent.infohash });

  it('the layout puts piece 2 across three files', () => {
    const layout = layoutFromInfoDictionary(suite.torrent.infohash, suite.torrent.info);
    assert.deepEqual(pieceSegments(layout, 2), [
      { fileIndex: 0, offsetBytes: 32_768, lengthBytes: 7_232 },
      { fileIndex: 1, offsetBytes: 0, lengthBytes: 1_000 },
      { fileIndex: 2, offsetBytes: 0, lengthBytes: 8_152 },
    ]);
    assert.deepEqual(pieceSegments(layout, 4), [{ fileIndex: 2, offsetBytes: 24_536, lengthBytes: 5_464 }], 'the last piece is short');
  });

  it('a piece spanning files is fetched as one ranged request per file and verified', async () => {
    suite.server.log.length = 0;
    // With one piece to sample, the checker picks a boundary-spanning one: the only kind that tests alignment.
    const result = await checkMirror(`${suite.server.base}/good/`, 1);
    assert.deepEqual(result.check.verification?.pieces, [{ index: 2, matches: true, files: 3, error: null }]);
    const ranged = suite.server.log.filter((entry) => entry.method === 'GET' && entry.range !== null);
    assert.deepEqual(
      ranged.map((entry) => [entry.path, entry.range]),
      [
        ['/good/llama-mini/7B/consolidated.00.pth', 'bytes=32768-39999'],
        ['/good/llama-mini/7B/params.json', 'bytes=0-999'],
        ['/good/llama-mini/tokenizer.model', 'bytes=0-8151'],
      ],
    );
  });

  it('a mirror with one file shifted by a byte fails exactly the piece across the boundary', async () => {
    const result = await checkMirror(`${suite.server.base}/shifted/`, 5);
    assert.deepEqual(result.check.sizeMismatches, [], 'every size is right');
    assert.deepEqual(
      result.check.verification?.pieces.map((piece) => [piece.index, piece.matches]),
      [[0, true], [1, true], [2, false], [3, true], [4, true]],
    );
    assert.equal(result.check.outcome, 'content_differs');
    assert.equal(result.state.state, 'content_differs');
  });
});
