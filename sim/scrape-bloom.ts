/**
 * BEP 33 (DHT scrapes) bloom filters: 256 bytes (m = 2048 bits), k = 2. Each peer's IP address
 * (4 bytes for IPv4, no port) is hashed with SHA-1; bytes 0–1 and 2–3 of the digest, read little
 * endian, give two bit indices mod 2048, and bit i is `bits[i / 8] & (1 << (i % 8))` — the layout
 * of libtorrent's `set_bits` (bloom_filter.cpp), which collectors estimate from.
 * BFsd holds the seeds, BFpe the downloaders.
 */
import { createHash } from 'node:crypto';

export const SCRAPE_BLOOM_BYTES = 256;
const SCRAPE_BLOOM_BITS = SCRAPE_BLOOM_BYTES * 8;

export function newScrapeBloom(): Buffer {
  return Buffer.alloc(SCRAPE_BLOOM_BYTES);
}

/** Inserts the IP of a compact peer (its first 4 or 16 bytes; the port is not part of the key). */
export function insertPeerIp(bloom: Buffer, compactPeer: Buffer): void {
  const ipBytes = compactPeer.subarray(0, compactPeer.length - 2);
  const digest = createHash('sha1').update(ipBytes).digest();
  const first = (digest[0]! | (digest[1]! << 8)) % SCRAPE_BLOOM_BITS;
  const second = (digest[2]! | (digest[3]! << 8)) % SCRAPE_BLOOM_BITS;
  bloom[first >> 3] = bloom[first >> 3]! | (1 << (first & 7));
  bloom[second >> 3] = bloom[second >> 3]! | (1 << (second & 7));
}

/** Union in place: `into |= from`. */
export function mergeScrapeBloom(into: Buffer, from: Buffer): void {
  for (let index = 0; index < SCRAPE_BLOOM_BYTES; index++) into[index] = into[index]! | from[index]!;
}
