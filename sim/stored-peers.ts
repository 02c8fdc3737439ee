/**
 * What one node actually stores of a seeded torrent's peers, in one address family. Friendly
 * profile: the whole shared list (every holder stores every peer). Internet profile: a node keeps
 * at most `capacity` peers per infohash and family (libtorrent `dht_max_peers` = 500; jech/dht
 * 2048), so each holder of a large swarm stores its own random subset — the state libtorrent's
 * storage reaches when announces arrive in random order and those past the cap are dropped — and
 * the union of the holders' subsets, not the swarm, is what a lookup can find. Subsets are drawn
 * once per node, torrent and list (a resized list is drawn anew), from a stream named after them.
 */
import { insertPeerIp, newScrapeBloom } from '../protocol/bep33-bloom.ts';
import { SeededRandom } from './prng.ts';
import { sampleDistinctIndices } from './random-sample.ts';
import type { ScrapeBlooms, SeededPeerList } from './seeded-peer-list.ts';

/** The stored peers, seeds first (BEP 33 `noseed` skips the first `seeds`). */
export interface StoredPeers {
  count: number;
  seeds: number;
  compactAt(index: number): Buffer;
  scrapeBlooms(): ScrapeBlooms;
}

class StoredSubset implements StoredPeers {
  readonly count: number;
  readonly seeds: number;
  private blooms?: ScrapeBlooms;

  constructor(
    readonly list: SeededPeerList,
    private readonly indices: Uint32Array,
  ) {
    this.count = indices.length;
    let seeds = 0;
    while (seeds < indices.length && list.isSeed(indices[seeds]!)) seeds++;
    this.seeds = seeds;
  }

  compactAt(index: number): Buffer {
    return this.list.compactAt(this.indices[index]!);
  }

  scrapeBlooms(): ScrapeBlooms {
    if (!this.blooms) {
      const blooms = { seeds: newScrapeBloom(), downloaders: newScrapeBloom() };
      for (let index = 0; index < this.count; index++) insertPeerIp(index < this.seeds ? blooms.seeds : blooms.downloaders, this.compactAt(index));
      this.blooms = blooms;
    }
    return this.blooms;
  }
}

/** One node's stored views, keyed by family and infohash. */
export class NodeStorage {
  private readonly subsets = new Map<string, StoredSubset>();

  constructor(
    private readonly capacity: number,
    private readonly streamName: string,
    private readonly seed: number | string,
  ) {}

  /** The whole list when it fits (or there is no cap), else this node's subset of it. */
  view(infohash: string, list: SeededPeerList): StoredPeers {
    if (this.capacity <= 0 || list.count <= this.capacity) return list;
    const key = `${list.family}:${infohash}`;
    let subset = this.subsets.get(key);
    if (!subset || subset.list !== list) {
      const random = new SeededRandom(this.seed, `${this.streamName}:${key}`);
      // Ascending order puts seeds (the list's first entries) first.
      const indices = Uint32Array.from(sampleDistinctIndices(random, list.count, this.capacity)).sort();
      subset = new StoredSubset(list, indices);
      this.subsets.set(key, subset);
    }
    return subset;
  }
}
