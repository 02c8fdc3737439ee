/**
 * BEP 33 (DHT scrapes) bloom filters: 256 bytes (m = 2048 bits), k = 2. Each peer's IP address
 * (4 bytes for IPv4, 16 for IPv6; no port) is hashed with SHA-1; bytes 0–1 and 2–3 of the digest,
 * read little endian, give two bit indices mod 2048, and bit i is `bits[i / 8] & (1 << (i % 8))`,
 * the layout of libtorrent's `set_bits` (bloom_filter.cpp). BFsd holds seeds, BFpe downloaders.
 */
import { createHash } from 'node:crypto';

export const SCRAPE_BLOOM_BYTES = 256;
export const SCRAPE_BLOOM_BITS = SCRAPE_BLOOM_BYTES * 8;
const HASH_FUNCTIONS = 2;
/**
 * Past ~6,000 distinct IPs a 2,048-bit filter is saturated (BEP 33): fewer than ~6 zero bits are
 * left, and one bit more or less swings the estimate by thousands. Such an estimate is reported
 * as "saturated (≥ ~6,000)", never as a number.
 */
export const SATURATION_ESTIMATE = 6000;

export function newScrapeBloom(): Buffer {
  return Buffer.alloc(SCRAPE_BLOOM_BYTES);
}

/** Inserts the IP of a compact peer (its first 4 or 16 bytes; the port is not part of the key). */
export function insertPeerIp(bloom: Buffer, compactPeer: Buffer): void {
  insertIpBytes(bloom, compactPeer.subarray(0, compactPeer.length - 2));
}

export function insertIpBytes(bloom: Buffer, ipBytes: Buffer): void {
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

export function zeroBits(bloom: Buffer): number {
  let zeros = 0;
  for (const byte of bloom) for (let bit = 0; bit < 8; bit++) if ((byte & (1 << bit)) === 0) zeros++;
  return zeros;
}

/** BEP 33's estimate: n ≈ ln(c / m) / (k · ln(1 − 1/m)), c = zero bits, m = 2048, k = 2. Infinity when full. */
export function estimateBloomSize(bloom: Buffer): number {
  const zeros = zeroBits(bloom);
  if (zeros === 0) return Infinity;
  // `|| 0` turns the -0 of an empty filter into 0.
  return Math.log(zeros / SCRAPE_BLOOM_BITS) / (HASH_FUNCTIONS * Math.log(1 - 1 / SCRAPE_BLOOM_BITS)) || 0;
}

export type Bep33Estimate = { saturated: false; estimate: number } | { saturated: true };

export function readEstimate(bloom: Buffer): Bep33Estimate {
  const estimate = estimateBloomSize(bloom);
  return estimate >= SATURATION_ESTIMATE ? { saturated: true } : { saturated: false, estimate };
}
