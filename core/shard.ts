/**
 * `collect --shard i/n`: n collectors split one watchlist with no overlap and no gap. Each torrent
 * belongs to the shard with the highest score hash(shard, infohash) (rendezvous hashing): every
 * collector decides alone, from the infohash only, and when n changes only about 1/n of the
 * torrents move, instead of nearly all of them as with `hash mod n`.
 */
import { createHash } from 'node:crypto';
import { SwarmscopeError } from './errors.ts';

export interface Shard {
  index: number;
  count: number;
}

export const WHOLE_WATCHLIST: Shard = { index: 0, count: 1 };

/** `2/3` → the third of three shards (0-based). */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new SwarmscopeError('invalid_config', `--shard "${text}" must be i/n with 0 <= i < n, e.g. 0/3, 1/3, 2/3`);
  }
  return { index, count };
}

/** The first 8 bytes of SHA-256(shard index, infohash) as an unsigned integer. */
function score(shardIndex: number, infohash: string): bigint {
  return createHash('sha256').update(`${shardIndex}:${infohash.toLowerCase()}`).digest().readBigUInt64BE(0);
}

export function shardOf(infohash: string, count: number): number {
  let best = 0;
  let bestScore = -1n;
  for (let index = 0; index < count; index++) {
    const candidate = score(index, infohash);
    if (candidate > bestScore) {
      best = index;
      bestScore = candidate;
    }
  }
  return best;
}

/** Whether this collector's shard (`i/n` text, as in the config) sweeps the torrent. */
export function inShard(infohash: string, shard: string | Shard): boolean {
  const { index, count } = typeof shard === 'string' ? parseShard(shard) : shard;
  return count === 1 || shardOf(infohash, count) === index;
}
