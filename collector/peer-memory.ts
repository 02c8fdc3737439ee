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
/** Across all torrents (~60 bytes each: ~120 MB); a large watchlist lowers each torrent's share. */
export const MAX_REMEMBERED_PEERS_TOTAL = 2_000_000;
/** A torrent's share never drops below this, however large the watchlist. */
const MIN_REMEMBERED_PEERS_PER_TORRENT = 1_000;

export class PeerMemory {
  private readonly key = randomBytes(32);
  private readonly seen = new Map<string, Set<string>>();
  private perTorrentCap = MAX_REMEMBERED_PEERS_PER_TORRENT;

  /** At the start of a sweep: forget torrents no longer watched, and share the total among the rest. */
  retainOnly(infohashes: readonly string[]): void {
    const watched = new Set(infohashes);
    for (const infohash of this.seen.keys()) if (!watched.has(infohash)) this.seen.delete(infohash);
    this.perTorrentCap = Math.max(MIN_REMEMBERED_PEERS_PER_TORRENT, Math.min(MAX_REMEMBERED_PEERS_PER_TORRENT, Math.floor(MAX_REMEMBERED_PEERS_TOTAL / Math.max(1, watched.size))));
  }

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
    if (set.size > this.perTorrentCap) this.forgetOldestHalf(infohash, set);
    return fresh;
  }

  private forgetOldestHalf(infohash: string, set: Set<string>): void {
    // Sets iterate in insertion order, so the first half is the oldest.
    const kept = [...set].slice(Math.floor(set.size / 2));
    this.seen.set(infohash, new Set(kept));
  }
}
