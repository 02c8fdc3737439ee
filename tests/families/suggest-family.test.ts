/** Family suggestions from shared bytes: piece hashes of piece-aligned files, or the same path and length; small files prove nothing. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { layoutOfInfo, suggestFamily } from '../../collector/discovery/suggest-family.ts';
import { encodeBencode } from '../../protocol/bencode.ts';

const MIB = 1024 * 1024;
const PIECE = 16 * MIB;

/** A multi-file info dictionary whose piece hashes are those of the given content ids at their offsets. */
function info(name: string, files: { path: string; length: number; content: string }[]): Buffer {
  const total = files.reduce((sum, file) => sum + file.length, 0);
  const pieces: Buffer[] = [];
  for (let start = 0; start < total; start += PIECE) {
    // The content of a piece: which file bytes it covers (content id + offset in that file).
    const parts: string[] = [];
    let offset = 0;
    for (const file of files) {
      const from = Math.max(start, offset);
      const to = Math.min(start + PIECE, offset + file.length);
      if (from < to) parts.push(`${file.content}@${from - offset}+${to - from}`);
      offset += file.length;
    }
    pieces.push(createHash('sha1').update(parts.join('|')).digest());
  }
  return encodeBencode({ name, 'piece length': PIECE, pieces: Buffer.concat(pieces), files: files.map((file) => ({ length: file.length, path: file.path.split('/') })) });
}
const layout = (bytes: Buffer) => layoutOfInfo(createHash('sha1').update(bytes).digest('hex'), bytes);

const weights = { path: '7B/consolidated.00.pth', length: 40 * PIECE, content: 'llama-7b' };
const original = layout(info('LLaMA', [weights, { path: '7B/params.json', length: 101, content: 'params' }, { path: 'tokenizer.model', length: 499_723, content: 'tok' }]));
const families = [{ id: 'fam_llama', name: 'LLaMA 1', members: [original] }, { id: 'fam_other', name: 'Other', members: [layout(info('qwen', [{ path: 'qwen.gguf', length: 30 * PIECE, content: 'qwen' }]))] }];

describe('suggest-family', () => {
  it('suggests the family of a re-pack from identical piece hashes, whatever the file is called', () => {
    const repack = layout(info('llama-weights', [{ ...weights, path: 'weights/seven-b.pth' }, { path: 'README.md', length: 2000, content: 'readme' }]));
    const suggestion = suggestFamily(repack, families);
    assert.equal(suggestion?.id, 'fam_llama');
    assert.deepEqual(suggestion?.evidence, [
      { kind: 'same-pieces', file: 'llama-weights/weights/seven-b.pth', memberInfohash: original.infohash, memberFile: 'LLaMA/7B/consolidated.00.pth', pieces: 40, length: 40 * PIECE },
    ]);
  });

  it('matches a file at an unaligned offset by name and length only', () => {
    const shifted = layout(info('LLaMA-mirror', [{ path: 'NOTICE.txt', length: 1234, content: 'notice' }, weights]));
    assert.deepEqual(suggestFamily(shifted, families)?.evidence.map((item) => item.kind), ['same-file']);
  });

  it('suggests nothing for an unrelated model, or for a torrent sharing only small files', () => {
    assert.equal(suggestFamily(layout(info('mistral', [{ path: 'model.safetensors', length: 20 * PIECE, content: 'mistral' }])), families), null);
    const smallOnly = layout(info('LLaMA-tokenizer', [{ path: '7B/params.json', length: 101, content: 'params' }, { path: 'tokenizer.model', length: 499_723, content: 'tok' }]));
    assert.equal(suggestFamily(smallOnly, families), null);
  });
});
