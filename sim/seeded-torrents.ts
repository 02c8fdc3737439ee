/**
 * The ground-truth torrents of a simulated swarm. Each torrent draws from its own PRNG streams
 * (seed + its position), so torrent 0 has the same infohash and peers whatever the node count, and
 * its IPv4 peers are the same with or without `ipv6` (the IPv6 peers come from a stream of their
 * own). Its peer lists are stored on the K = 8 honest nodes closest (XOR) to its infohash, where
 * BEP 5 announces end up: a complete lookup that reaches those nodes can see every peer.
 */
import { INFOHASH_BYTES } from '../core/infohash.ts';
import { compareDistance } from '../protocol/node-id.ts';
import { SeededRandom } from './prng.ts';
import { BUCKET_SIZE_K } from './routing-tables.ts';
import { drawSwarmSize } from './swarm-sizes.ts';
import { CountryAddresses, countryPlacement } from './country-blocks.ts';
import { type CountryPlacement, type SeededPeerList, generateSeededPeerList } from './seeded-peer-list.ts';
import type { ResolvedSimOptions, ResolvedTorrentSpec } from './sim-options.ts';
import type { IpFamily } from './synthetic-addresses.ts';

/** Generated torrents (no explicit spec) get 20–40% as many IPv6 peers as IPv4 ones, about the IPv6 share seen on the public DHT. */
const GENERATED_V6_SHARE_MIN_PERCENT = 20;
const GENERATED_V6_SHARE_MAX_PERCENT = 40;

/** Mutable on purpose: holders keep a reference, so a resized peer list reaches all of them at once. */
export interface SeededTorrent {
  /** 40 lowercase hex characters. */
  infohash: string;
  /** Position in the swarm's torrent list (or in the catalogue): names the PRNG streams. */
  position: number;
  peers: SeededPeerList;
  peersV6: SeededPeerList;
  /** Set for catalogue torrents (sim/catalogue/) and PEX swarms (sim/pex-swarms.ts): their peers are fixed, not regrown from `position`. */
  origin?: 'catalogue' | 'pex';
}

interface FamilyHeader {
  /** Positioned after the header draws: what follows is the peer list. */
  random: SeededRandom;
  infohash: string;
  count: number;
  seeds: number;
}

/** The draws before the IPv4 peers, in the order swarms have always made them. */
function headerV4(options: ResolvedSimOptions, spec: ResolvedTorrentSpec | undefined, position: number): FamilyHeader {
  const random = new SeededRandom(options.seed, `torrent:${position}`);
  const infohash = spec?.infohash ?? random.bytes(INFOHASH_BYTES).toString('hex');
  const count = spec?.peers ?? drawSwarmSize(random, options);
  const seeds = spec?.seeds ?? random.nextInt(0, count);
  return { random, infohash, count, seeds };
}

/** IPv6 draws; the seed share of the IPv4 peers unless a spec says otherwise. */
function headerV6(options: ResolvedSimOptions, spec: ResolvedTorrentSpec | undefined, position: number, v4: FamilyHeader): FamilyHeader {
  const random = new SeededRandom(options.seed, `torrent6:${position}`);
  let count = spec?.peersV6 ?? 0;
  if (!spec && options.ipv6) count = Math.round((v4.count * random.nextInt(GENERATED_V6_SHARE_MIN_PERCENT, GENERATED_V6_SHARE_MAX_PERCENT)) / 100);
  const seeds = spec?.seedsV6 ?? (v4.count === 0 ? 0 : Math.round((count * v4.seeds) / v4.count));
  return { random, infohash: v4.infohash, count, seeds };
}

/** Country placement of a torrent's IPv4 peers, when the `countries` option asks for it (a resized swarm is then placed anew). */
function placementOf(options: ResolvedSimOptions, random: SeededRandom): CountryPlacement | undefined {
  return options.countries ? { countryAt: countryPlacement(options.countries), addresses: new CountryAddresses(random) } : undefined;
}

function specAt(options: ResolvedSimOptions, position: number): ResolvedTorrentSpec | undefined {
  return options.torrentSpecs?.[position];
}

export function seedTorrents(options: ResolvedSimOptions): SeededTorrent[] {
  const count = options.torrentSpecs?.length ?? options.torrents;
  return Array.from({ length: count }, (_, position) => {
    const spec = specAt(options, position);
    const v4 = headerV4(options, spec, position);
    const v6 = headerV6(options, spec, position, v4);
    return {
      infohash: v4.infohash,
      position,
      peers: generateSeededPeerList(v4.random, v4.count, v4.seeds, 4, placementOf(options, v4.random)),
      peersV6: generateSeededPeerList(v6.random, v6.count, v6.seeds, 6),
    };
  });
}

/**
 * The honest peer list of one family regrown (or cut) to `count` from the same stream, so the
 * first min(old, new) peers stay the same peers: a swarm that grows keeps its members, one that
 * shrinks loses its newest. Seeds stay as they were (new peers are downloaders) unless given.
 */
export function resizedPeerList(options: ResolvedSimOptions, torrent: SeededTorrent, family: IpFamily, count: number, seeds?: number): SeededPeerList {
  const spec = specAt(options, torrent.position);
  const v4 = headerV4(options, spec, torrent.position);
  const header = family === 4 ? v4 : headerV6(options, spec, torrent.position, v4);
  const current = family === 4 ? torrent.peers : torrent.peersV6;
  const placement = family === 4 ? placementOf(options, header.random) : undefined;
  return generateSeededPeerList(header.random, count, Math.min(count, seeds ?? current.seeds), family, placement);
}

/**
 * Indices of the `k` ids closest to `target`, closest first, among those `eligible` accepts: a scan
 * of every node, done once per torrent (and per test question).
 */
export function closestNodeIndices(target: Buffer, ids: readonly Buffer[], k = BUCKET_SIZE_K, eligible: (index: number) => boolean = () => true): number[] {
  const best: number[] = [];
  ids.forEach((id, index) => {
    if (!eligible(index)) return;
    if (best.length === k && compareDistance(target, id, ids[best[k - 1]!]!) >= 0) return;
    let position = best.length;
    while (position > 0 && compareDistance(target, id, ids[best[position - 1]!]!) < 0) position--;
    best.splice(position, 0, index);
    if (best.length > k) best.pop();
  });
  return best;
}
