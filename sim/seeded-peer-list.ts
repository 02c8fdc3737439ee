/**
 * The ground-truth peers of one simulated torrent, stored once as compact peer info (BEP 5: 4-byte
 * IPv4 + 2-byte port) in a single buffer. The 8 nodes that hold the torrent share this object by
 * reference, so a 50,000-peer swarm costs 300 KB however many nodes serve it.
 * Entries [0, seeds) are seeds and [seeds, count) are downloaders (BEP 33 `seed` flag).
 */
import { isBogonAddress } from '../core/address-class.ts';
import { COMPACT_PEER_V4_BYTES, type PeerAddress, decodeCompactPeer } from '../protocol/compact.ts';
import type { SeededRandom } from './prng.ts';
import { insertPeerIp, newScrapeBloom } from './scrape-bloom.ts';

/** Peers listen on unprivileged ports; 1024..65535 as real clients pick them. */
export const MIN_PEER_PORT = 1024;
export const MAX_PEER_PORT = 65535;
/** Give up instead of looping forever should the bogon filter ever reject (almost) everything. */
const MAX_DRAWS_PER_PEER = 64;

export interface ScrapeBlooms {
  /** BEP 33 BFsd */
  seeds: Buffer;
  /** BEP 33 BFpe */
  downloaders: Buffer;
}

export class SeededPeerList {
  private blooms?: ScrapeBlooms;

  constructor(
    /** `count` × 6 bytes of compact IPv4 peers. */
    readonly compact: Buffer,
    readonly count: number,
    readonly seeds: number,
  ) {}

  /** A view (no copy) of entry `index`, ready to go into a `values` list. */
  compactAt(index: number): Buffer {
    const start = index * COMPACT_PEER_V4_BYTES;
    return this.compact.subarray(start, start + COMPACT_PEER_V4_BYTES);
  }

  addressAt(index: number): PeerAddress {
    return decodeCompactPeer(this.compactAt(index))!;
  }

  isSeed(index: number): boolean {
    return index < this.seeds;
  }

  /** Computed on the first scrape (one SHA-1 per peer) and then shared: the list never changes. */
  scrapeBlooms(): ScrapeBlooms {
    if (!this.blooms) {
      const blooms = { seeds: newScrapeBloom(), downloaders: newScrapeBloom() };
      for (let index = 0; index < this.count; index++) insertPeerIp(this.isSeed(index) ? blooms.seeds : blooms.downloaders, this.compactAt(index));
      this.blooms = blooms;
    }
    return this.blooms;
  }

  /** True if these exact 6 bytes are one of the entries (a slow scan, for the rare announce). */
  contains(compactPeer: Buffer): boolean {
    for (let from = 0; ; ) {
      const found = this.compact.indexOf(compactPeer, from);
      if (found < 0) return false;
      // A match across two entries (the tail of one, the head of the next) is not an entry.
      if (found % COMPACT_PEER_V4_BYTES === 0) return true;
      from = found + 1;
    }
  }
}

function dottedQuad(ip: number): string {
  return `${ip >>> 24}.${(ip >>> 16) & 0xff}.${(ip >>> 8) & 0xff}.${ip & 0xff}`;
}

/**
 * `count` peers with distinct public IPv4 addresses (never bogons, checked with the same
 * `isBogonAddress` the collector uses, so none is filtered out as a martian) and random ports.
 * Distinct IPs, not just distinct ports, because BEP 33 filters and collectors count IPs.
 */
export function generateSeededPeerList(random: SeededRandom, count: number, seeds: number): SeededPeerList {
  const compact = Buffer.alloc(count * COMPACT_PEER_V4_BYTES);
  const usedIps = new Set<number>();
  for (let index = 0; index < count; index++) {
    let ip = 0;
    for (let draw = 0; ; draw++) {
      if (draw >= MAX_DRAWS_PER_PEER) {
        throw new Error(`sim: isBogonAddress() rejected ${MAX_DRAWS_PER_PEER} random IPv4 addresses in a row (the last ${dottedQuad(ip)}); is core/address-class.ts classifying public addresses as bogons?`);
      }
      ip = random.nextUint32();
      if (!usedIps.has(ip) && !isBogonAddress(dottedQuad(ip))) break;
    }
    usedIps.add(ip);
    const offset = index * COMPACT_PEER_V4_BYTES;
    compact.writeUInt32BE(ip, offset);
    compact.writeUInt16BE(random.nextInt(MIN_PEER_PORT, MAX_PEER_PORT), offset + 4);
  }
  return new SeededPeerList(compact, count, seeds);
}
