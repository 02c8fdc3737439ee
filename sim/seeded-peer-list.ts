/**
 * The ground-truth peers of one simulated torrent in one address family, stored once as compact
 * peer info (BEP 5: 4-byte IPv4 + 2-byte port; BEP 32: 16-byte IPv6 + 2-byte port) in a single
 * buffer. The 8 nodes that hold the torrent share this object by reference, so a 50,000-peer swarm
 * costs 300 KB (IPv4) however many nodes serve it.
 * Entries [0, seeds) are seeds and [seeds, count) are downloaders (BEP 33 `seed` flag).
 */
import { insertPeerIp, newScrapeBloom } from '../protocol/bep33-bloom.ts';
import { COMPACT_PEER_V4_BYTES, COMPACT_PEER_V6_BYTES, type PeerAddress, decodeCompactPeer } from '../protocol/compact.ts';
import type { CountryAddresses } from './country-blocks.ts';
import type { SeededRandom } from './prng.ts';
import { type IpFamily, MAX_PEER_PORT, MIN_PEER_PORT, drawPublicIp, ipBytesOf } from './synthetic-addresses.ts';

export interface ScrapeBlooms {
  /** BEP 33 BFsd */
  seeds: Buffer;
  /** BEP 33 BFpe */
  downloaders: Buffer;
}

export class SeededPeerList {
  private blooms?: ScrapeBlooms;

  /** Bytes per entry: 6 (IPv4) or 18 (IPv6). */
  readonly entryBytes: number;

  constructor(
    /** `count` compact peers of one family, back to back. */
    readonly compact: Buffer,
    readonly count: number,
    readonly seeds: number,
    readonly family: IpFamily = 4,
  ) {
    this.entryBytes = family === 4 ? COMPACT_PEER_V4_BYTES : COMPACT_PEER_V6_BYTES;
  }

  /** A view (no copy) of entry `index`, ready to go into a `values` list. */
  compactAt(index: number): Buffer {
    const start = index * this.entryBytes;
    return this.compact.subarray(start, start + this.entryBytes);
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

  /** True if these exact bytes are one of the entries (a slow scan, for the rare announce). */
  contains(compactPeer: Buffer): boolean {
    if (compactPeer.length !== this.entryBytes) return false;
    for (let from = 0; ; ) {
      const found = this.compact.indexOf(compactPeer, from);
      if (found < 0) return false;
      // A match across two entries (the tail of one, the head of the next) is not an entry.
      if (found % this.entryBytes === 0) return true;
      from = found + 1;
    }
  }
}

/** Opt-in (the `countries` option): peers placed in real country blocks (country-blocks.ts), drawn from the list's own stream. */
export interface CountryPlacement {
  countryAt(index: number): string | undefined;
  addresses: CountryAddresses;
}

/**
 * `count` peers of one family with distinct public addresses (never bogons, see
 * synthetic-addresses.ts; IPv6 ones inside 2000::/3) and random ports. Distinct IPs, not just
 * distinct ports, because BEP 33 filters and collectors count IPs. Entry i depends only on the
 * stream's draws before it, so a longer list from the same stream starts with the shorter one.
 */
export function generateSeededPeerList(random: SeededRandom, count: number, seeds: number, family: IpFamily = 4, placement?: CountryPlacement): SeededPeerList {
  const ipBytes = ipBytesOf(family);
  const entryBytes = ipBytes + 2;
  const compact = Buffer.alloc(count * entryBytes);
  const usedIps = new Set<string>();
  const isFresh = (bytes: Buffer): boolean => !usedIps.has(bytes.toString('latin1'));
  for (let index = 0; index < count; index++) {
    const country = placement?.countryAt(index);
    const ip = country && placement ? placement.addresses.draw(country, isFresh) : drawPublicIp(random, family, isFresh);
    usedIps.add(ip.toString('latin1'));
    const offset = index * entryBytes;
    ip.copy(compact, offset);
    compact.writeUInt16BE(random.nextInt(MIN_PEER_PORT, MAX_PEER_PORT), offset + ipBytes);
  }
  return new SeededPeerList(compact, count, seeds, family);
}
