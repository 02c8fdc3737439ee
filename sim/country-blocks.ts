/**
 * Synthetic peers inside real country address blocks (opt-in: the sim's `countries` option), so
 * tests and the demo show a real geographic spread. Blocks come from the same database the
 * collector reads (@ip-location-db/geo-whois-asn-country-mmdb): random public IPv4 addresses are
 * looked up until one falls in the wanted country; the database record it matched covers a whole
 * prefix (e.g. a /19), and every address of that prefix has that country, so peers drawn inside it
 * are placed exactly. A few more random draws per peer find more blocks, spreading peers over
 * several networks as real swarms are. IPv4 only; IPv6 peers stay as before.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type CountryResponse } from 'maxmind';
import { isBogonAddress } from '../core/address-class.ts';
import type { SeededRandom } from './prng.ts';

const COUNTRY_DB = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb';
/** Draws spent finding a country's first block: enough for a country with 1/100,000 of the space. */
const FIRST_BLOCK_DRAWS = 2_000_000;
/** Per peer, draws spent looking for one more block of its country. */
const MORE_BLOCK_DRAWS = 4;
const MAX_BLOCKS_PER_COUNTRY = 64;
const MAX_DRAWS_PER_ADDRESS = 64;

type CountryRecord = CountryResponse & { country_code?: string };
let reader: Reader<CountryRecord> | undefined;

function countryReader(): Reader<CountryRecord> {
  reader ??= new Reader<CountryRecord>(readFileSync(createRequire(import.meta.url).resolve(COUNTRY_DB)));
  return reader;
}

/** The country the database gives an address (upper case), or undefined. */
export function countryOfAddress(ip: string): string | undefined {
  return countryReader().get(ip)?.country_code?.toUpperCase();
}

interface Block {
  base: number;
  size: number;
}

function ipv4Text(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

export class CountryAddresses {
  private readonly blocks = new Map<string, Block[]>();

  constructor(private readonly random: SeededRandom) {}

  /** A fresh public IPv4 address (4 bytes) in `country` (ISO alpha-2). */
  draw(country: string, isFresh: (bytes: Buffer) => boolean): Buffer {
    const blocks = this.blocksOf(country);
    for (let draw = 0; draw < MAX_DRAWS_PER_ADDRESS; draw++) {
      this.search(country, MORE_BLOCK_DRAWS);
      const block = blocks[this.random.nextInt(0, blocks.length - 1)]!;
      const value = block.base + this.random.nextInt(0, block.size - 1);
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value >>> 0);
      if (isFresh(bytes) && !isBogonAddress(ipv4Text(value >>> 0))) return bytes;
    }
    throw new Error(`sim: ${MAX_DRAWS_PER_ADDRESS} addresses in a row in the ${country} blocks were taken or bogons`);
  }

  private blocksOf(country: string): Block[] {
    let blocks = this.blocks.get(country);
    if (!blocks) this.blocks.set(country, (blocks = []));
    if (blocks.length === 0) this.search(country, FIRST_BLOCK_DRAWS);
    if (blocks.length === 0) throw new Error(`sim: found no address block of country ${country} in ${FIRST_BLOCK_DRAWS} random addresses`);
    return blocks;
  }

  /** Up to `draws` random addresses; the block of the first one in `country` is added (if new). */
  private search(country: string, draws: number): void {
    const blocks = this.blocks.get(country)!;
    if (blocks.length >= MAX_BLOCKS_PER_COUNTRY) return;
    for (let draw = 0; draw < draws; draw++) {
      const value = this.random.nextUint32();
      const ip = ipv4Text(value);
      if (isBogonAddress(ip)) continue;
      const [record, prefixLength] = countryReader().getWithPrefixLength(ip);
      if (record?.country_code?.toUpperCase() !== country) continue;
      const size = 2 ** (32 - prefixLength);
      const base = Math.floor(value / size) * size;
      if (!blocks.some((block) => block.base === base)) blocks.push({ base, size });
      return;
    }
  }
}

/** 1/φ: the Weyl sequence frac(i/φ) spreads any prefix of indices most evenly over [0, 1). */
const INVERSE_GOLDEN_RATIO = (Math.sqrt(5) - 1) / 2;

/**
 * Which country peer `index` is placed in, or undefined for a random address. The answer does not
 * depend on the swarm's size, so a swarm regrown to another size (`setPeerCount`) keeps its first
 * peers as the same peers: with contiguous blocks of the list per country (the first 28% US, …) a
 * resize moved every block boundary and so replaced most peers, and a sweep that spanned a resize
 * counted two populations (the demo read 529 peers of ~320). Each index takes the share interval
 * that frac(index/φ) falls in, so the first n peers hold each share to within a few peers.
 */
export function countryPlacement(countries: Readonly<Record<string, number>>): (index: number) => string | undefined {
  const bounds: [number, string][] = [];
  let end = 0;
  for (const [country, share] of Object.entries(countries)) {
    end += share;
    bounds.push([end, country]);
  }
  return (index) => {
    const position = (index * INVERSE_GOLDEN_RATIO) % 1;
    return bounds.find(([bound]) => position < bound)?.[1];
  };
}
