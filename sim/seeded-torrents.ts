/**
 * The ground-truth torrents of a simulated swarm. Each torrent draws from its own PRNG stream
 * (seed + its position), so torrent 0 has the same infohash and peers whatever the node count.
 * Its peer list is stored on the K = 8 nodes closest (XOR) to its infohash, where BEP 5 announces
 * end up: a complete lookup that reaches those nodes can see every peer.
 */
import { INFOHASH_BYTES } from '../core/infohash.ts';
import { compareDistance } from '../protocol/node-id.ts';
import { SeededRandom } from './prng.ts';
import { BUCKET_SIZE_K } from './routing-tables.ts';
import { type SeededPeerList, generateSeededPeerList } from './seeded-peer-list.ts';
import type { ResolvedSimOptions, ResolvedTorrentSpec } from './sim-options.ts';

export interface SeededTorrent {
  /** 40 lowercase hex characters. */
  infohash: string;
  peers: SeededPeerList;
}

export function seedTorrents(options: ResolvedSimOptions): SeededTorrent[] {
  // Without explicit specs, every property of a torrent is drawn from its stream.
  const specs: (ResolvedTorrentSpec | undefined)[] = options.torrentSpecs ?? new Array<undefined>(options.torrents).fill(undefined);
  return specs.map((spec, position) => {
    const random = new SeededRandom(options.seed, `torrent:${position}`);
    const infohash = spec?.infohash ?? random.bytes(INFOHASH_BYTES).toString('hex');
    const peerCount = spec?.peers ?? random.nextInt(options.minPeers, options.maxPeers);
    const seeds = spec?.seeds ?? random.nextInt(0, peerCount);
    return { infohash, peers: generateSeededPeerList(random, peerCount, seeds) };
  });
}

/** Indices of the `k` ids closest to `target`, closest first: a scan of every node, done once per torrent. */
export function closestNodeIndices(target: Buffer, ids: readonly Buffer[], k = BUCKET_SIZE_K): number[] {
  const best: number[] = [];
  ids.forEach((id, index) => {
    if (best.length === k && compareDistance(target, id, ids[best[k - 1]!]!) >= 0) return;
    let position = best.length;
    while (position > 0 && compareDistance(target, id, ids[best[position - 1]!]!) < 0) position--;
    best.splice(position, 0, index);
    if (best.length > k) best.pop();
  });
  return best;
}
