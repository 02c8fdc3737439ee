/**
 * Peers announced to one simulated node with announce_peer (BEP 5), kept apart from the seeded
 * ground truth (which is shared by reference). Created only for nodes that receive an announce, and
 * bounded like a real node's storage so a flood cannot exhaust memory. What happens to an announce
 * once the torrent's storage is full is a policy (internet-profile.ts): the friendly sim drops the
 * oldest; libtorrent 2.0 drops the newcomer; `replace-random` evicts a random stored peer.
 */
import type { StorageFullPolicy } from './internet-profile.ts';
import type { SeededRandom } from './prng.ts';

/** libtorrent's `dht_max_torrents` default: torrents one node stores peers for. */
export const MAX_ANNOUNCED_TORRENTS = 2000;
/** libtorrent's `dht_max_peers` default: peers one node stores per torrent. */
export const MAX_ANNOUNCED_PEERS_PER_TORRENT = 500;
/**
 * BEP 5 leaves the lifetime open; clients re-announce every 15 to 30 minutes, so an entry older
 * than 30 minutes belongs to a peer that stopped announcing.
 */
export const ANNOUNCED_PEER_LIFETIME_MS = 30 * 60 * 1000;

export interface AnnouncedPeer {
  /** Compact peer info: 6 bytes (IPv4) or 18 (IPv6). */
  compact: Buffer;
  /** BEP 33 `seed` argument of the announce. */
  seed: boolean;
  announcedAtMs: number;
}

export interface StorageLimits {
  /** Peers this torrent may still take (its cap minus the seeded peers stored beside them). */
  capacity: number;
  policy: StorageFullPolicy;
  random: SeededRandom;
}

export class AnnouncedPeers {
  /** infohash (hex) → compact peer (latin1 key) → entry; Map order doubles as age order. */
  private readonly torrents = new Map<string, Map<string, AnnouncedPeer>>();

  /** Adds or refreshes a peer; false when the storage is full and the announce is dropped. */
  add(infohashHex: string, compact: Buffer, seed: boolean, nowMs: number, limits?: StorageLimits): boolean {
    let peers = this.torrents.get(infohashHex);
    if (!peers) {
      if (this.torrents.size >= MAX_ANNOUNCED_TORRENTS) return false;
      peers = new Map();
      this.torrents.set(infohashHex, peers);
    }
    const key = compact.toString('latin1');
    // A peer already stored is refreshed whatever the policy (libtorrent replaces its entry).
    const known = peers.delete(key);
    const capacity = Math.min(MAX_ANNOUNCED_PEERS_PER_TORRENT, limits?.capacity ?? MAX_ANNOUNCED_PEERS_PER_TORRENT);
    if (!known && peers.size >= capacity) {
      const policy = limits?.policy ?? 'drop-oldest';
      if (policy === 'drop-new' || capacity <= 0) {
        if (peers.size === 0) this.torrents.delete(infohashHex);
        return false;
      }
      const victimIndex = policy === 'replace-random' ? limits!.random.nextInt(0, peers.size - 1) : 0;
      let position = 0;
      for (const victim of peers.keys()) {
        if (position++ === victimIndex) {
          peers.delete(victim);
          break;
        }
      }
    }
    peers.set(key, { compact: Buffer.from(compact), seed, announcedAtMs: nowMs });
    return true;
  }

  /** Live peers for a torrent, oldest first; expired entries are pruned on the way (no timers). */
  list(infohashHex: string, nowMs: number): AnnouncedPeer[] {
    const peers = this.torrents.get(infohashHex);
    if (!peers) return [];
    for (const [key, peer] of peers) {
      if (nowMs - peer.announcedAtMs <= ANNOUNCED_PEER_LIFETIME_MS) break;
      peers.delete(key);
    }
    if (peers.size === 0) {
      this.torrents.delete(infohashHex);
      return [];
    }
    return [...peers.values()];
  }

  infohashes(): string[] {
    return [...this.torrents.keys()];
  }
}
