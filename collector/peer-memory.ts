/**
 * Which peers of a torrent were seen before, for `new_peers`, without keeping addresses:
 * each peer is remembered as a keyed hash (HMAC-SHA-256, truncated to 64 bits) under a key that
 * lives only in this process's memory, so the set cannot be reversed or joined with other data
 * (DESIGN.md §9). Consequence, stated in the README: a restart forgets, and the first sweep after
 * it counts every peer as new.
 */
import { createHmac, randomBytes } from 'node:crypto';

/** 64-bit keys: a false "seen before" needs a collision, about 1 in 10^12 at 10^4 peers. */
const HASH_BYTES = 8;
/** Per torrent; past this the oldest half is forgotten, so memory stays bounded. */
export const MAX_REMEMBERED_PEERS_PER_TORRENT = 200_000;

export class PeerMemory {
  private readonly key = randomBytes(32);
  private readonly seen = new Map<string, Set<string>>();

  /** Records the peers of one sweep; returns how many were not seen before for this torrent. */
  recordSweep(infohash: string, peerKeys: Iterable<string>): number {
    let set = this.seen.get(infohash);
    if (!set) {
      set = new Set();
      this.seen.set(infohash, set);
    }
    let fresh = 0;
    for (const peerKey of peerKeys) {
      const hashed = createHmac('sha256', this.key).update(infohash).update(peerKey).digest().subarray(0, HASH_BYTES).toString('base64');
      if (set.has(hashed)) continue;
      set.add(hashed);
      fresh++;
    }
    if (set.size > MAX_REMEMBERED_PEERS_PER_TORRENT) this.forgetOldestHalf(infohash, set);
    return fresh;
  }

  private forgetOldestHalf(infohash: string, set: Set<string>): void {
    // Sets iterate in insertion order, so the first half is the oldest.
    const kept = [...set].slice(Math.floor(set.size / 2));
    this.seen.set(infohash, new Set(kept));
  }
}
