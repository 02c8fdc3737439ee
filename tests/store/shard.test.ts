/** Rendezvous sharding of the watchlist (core/shard.ts): no overlap, no gap, balance, stability. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { isSwarmscopeError } from '../../core/errors.ts';
import { inShard, parseShard, shardOf } from '../../core/shard.ts';

const infohashes = Array.from({ length: 3000 }, (_, i) => createHash('sha1').update(`torrent ${i}`).digest('hex'));

describe('shards', () => {
  it('parses i/n and refuses what cannot be a shard', () => {
    assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
    for (const bad of ['3/3', '0/0', '1', 'a/b', '-1/3']) {
      assert.throws(() => parseShard(bad), (error: unknown) => isSwarmscopeError(error) && error.code === 'invalid_config', bad);
    }
  });

  it('puts every torrent in exactly one of n shards, about evenly', () => {
    for (const count of [1, 2, 3, 7]) {
      const sizes = new Array<number>(count).fill(0);
      for (const infohash of infohashes) {
        const owners = Array.from({ length: count }, (_, index) => index).filter((index) => inShard(infohash, `${index}/${count}`));
        assert.equal(owners.length, 1, `${infohash} in ${owners.length} of ${count} shards`);
        sizes[owners[0]!]! += 1;
      }
      for (const size of sizes) assert.ok(Math.abs(size - infohashes.length / count) < 0.1 * infohashes.length, `shard sizes ${sizes.join(', ')}`);
    }
  });

  it('moves only about 1/n of the torrents when a shard is added, and ignores case', () => {
    const moved = infohashes.filter((infohash) => shardOf(infohash, 3) !== shardOf(infohash, 4)).length;
    // Rendezvous: a torrent moves only to the new shard, 1/4 of them; `mod n` would move 3/4.
    assert.ok(moved > 0.2 * infohashes.length && moved < 0.3 * infohashes.length, `${moved} moved`);
    assert.ok(infohashes.every((infohash) => shardOf(infohash, 3) !== shardOf(infohash, 4) ? shardOf(infohash, 4) === 3 : true));
    assert.equal(shardOf(infohashes[0]!.toUpperCase(), 5), shardOf(infohashes[0]!, 5));
  });
});
