/**
 * Which peers of a torrent were seen before, for `new_peers`, without keeping addresses:
 * each peer is remembered as a keyed hash (HMAC-SHA-256, truncated to 64 bits) under a key that
 * lives only in this process's memory, so the set cannot be reversed or joined with other data
 * (DESIGN.md §9). Consequence, stated in the README: a restart forgets, and the first sweep after
 * it counts every peer as new. The hashes sit in typed arrays (peer-key-set.ts), 24–48 bytes a peer.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { PeerKeySet } from './peer-key-set.ts';

/** Per torrent; past this the oldest half is forgotten, so memory stays bounded. */
export const MAX_REMEMBERED_PEERS_PER_TORRENT = 200_000;
/**
 * Across all torrents (≤ ~100 MB): every peer of 10,000 torrents holding 1,000,000 (issue 12) fits
 * twice over. Only past it are torrents over their fair share (this / watched torrents) trimmed.
 */
export const MAX_REMEMBERED_PEERS_TOTAL = 2_000_000;
/** A torrent's fair share never drops below this, however large the watchlist. */
const MIN_REMEMBERED_PEERS_PER_TORRENT = 1_000;

export interface PeerMemoryLimits {
  maxPerTorrent: number;
  maxTotal: number;
}

export class PeerMemory {
  private readonly key = randomBytes(32);
  private readonly seen = new Map<string, PeerKeySet>();
  private fairShare: number;
  private total = 0;

  constructor(private readonly limits: PeerMemoryLimits = { maxPerTorrent: MAX_REMEMBERED_PEERS_PER_TORRENT, maxTotal: MAX_REMEMBERED_PEERS_TOTAL }) {
    this.fairShare = limits.maxPerTorrent;
  }

  /** At the start of a sweep: forget torrents no longer watched, and work out each torrent's fair share. */
  retainOnly(infohashes: readonly string[]): void {
    const watched = new Set(infohashes);
    for (const [infohash, set] of this.seen) {
      if (watched.has(infohash)) continue;
      this.total -= set.size;
      this.seen.delete(infohash);
    }
    this.fairShare = Math.max(MIN_REMEMBERED_PEERS_PER_TORRENT, Math.min(this.limits.maxPerTorrent, Math.floor(this.limits.maxTotal / Math.max(1, watched.size))));
  }

  /** Records the peers of one sweep; returns how many were not seen before for this torrent. */
  recordSweep(infohash: string, peerKeys: Iterable<string>): number {
    let set = this.seen.get(infohash);
    if (!set) {
      set = new PeerKeySet();
      this.seen.set(infohash, set);
    }
    const sizeBefore = set.size;
    let fresh = 0;
    for (const peerKey of peerKeys) {
      const hashed = createHmac('sha256', this.key).update(infohash).update(peerKey).digest();
      if (set.add(hashed.readUInt32BE(0), hashed.readUInt32BE(4))) fresh++;
    }
    // Past its own cap it keeps the newest half of the cap; past its fair share while the total is
    // over budget, the newest fair share.
    if (set.size > this.limits.maxPerTorrent) set.keepNewest(Math.floor(this.limits.maxPerTorrent / 2));
    if (this.total + set.size - sizeBefore > this.limits.maxTotal && set.size > this.fairShare) set.keepNewest(this.fairShare);
    this.total += set.size - sizeBefore;
    return fresh;
  }
}
