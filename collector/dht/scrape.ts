/**
 * BEP 33 DHT scrape: `get_peers` with `scrape=1` to the k closest nodes of a torrent. Each answers
 * with two 256-byte bloom filters of the IPs it holds, BFsd (seeds) and BFpe (downloaders);
 * libtorrent sends them instead of `values`, so this is a separate query from the address lookup.
 * The filters of all responders are OR-ed, since each node may hold a different subset, and the
 * union is estimated with the BEP's formula.
 *
 * Series: `bep33_seeders` = estimate of BFsd; `bep33_peers` = estimate of BFsd | BFpe, the distinct
 * IPs in the swarm, seeders and downloaders together. A hostile node can poison an OR with an
 * all-ones filter, so a filter whose own estimate exceeds 4× the median of the others (with at
 * least three responders) is discarded as an outlier.
 */
import { isBytes } from '../../protocol/bencode.ts';
import { mergeScrapeBloom, newScrapeBloom, readEstimate, SCRAPE_BLOOM_BYTES, estimateBloomSize, type Bep33Estimate } from '../../protocol/bep33-bloom.ts';
import type { NodeContact } from '../../protocol/compact.ts';
import type { KrpcSocket } from './krpc-socket.ts';

const OUTLIER_FACTOR = 4;
const MIN_RESPONDERS_FOR_OUTLIERS = 3;

export interface ScrapeResult {
  /** Nodes whose reply carried two well-formed filters (outliers included). */
  respondedNodes: number;
  discardedOutliers: number;
  seeders: Bep33Estimate | null;
  peers: Bep33Estimate | null;
}

interface NodeFilters {
  seeds: Buffer;
  downloaders: Buffer;
  allEstimate: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Scrapes each node over the socket of its address family (BEP 32: v4 and v6 nodes are separate). */
export async function scrapeSwarm(infohash: string, closest: readonly { socket: KrpcSocket; contact: NodeContact }[]): Promise<ScrapeResult> {
  const target = Buffer.from(infohash, 'hex');
  const replies = await Promise.all(
    closest.map(async ({ socket, contact }): Promise<NodeFilters | undefined> => {
      try {
        const response = await socket.query(contact, 'get_peers', { info_hash: target, scrape: 1 });
        const seeds = response.body.BFsd;
        const downloaders = response.body.BFpe;
        if (!isBytes(seeds) || !isBytes(downloaders) || seeds.length !== SCRAPE_BLOOM_BYTES || downloaders.length !== SCRAPE_BLOOM_BYTES) return undefined;
        const all = Buffer.from(seeds);
        mergeScrapeBloom(all, downloaders);
        return { seeds, downloaders, allEstimate: estimateBloomSize(all) };
      } catch {
        return undefined;
      }
    }),
  );
  const filters = replies.filter((reply): reply is NodeFilters => reply !== undefined);
  if (filters.length === 0) return { respondedNodes: 0, discardedOutliers: 0, seeders: null, peers: null };
  let kept = filters;
  if (filters.length >= MIN_RESPONDERS_FOR_OUTLIERS) {
    kept = filters.filter((filter) => {
      const others = filters.filter((other) => other !== filter).map((other) => other.allEstimate);
      return filter.allEstimate <= OUTLIER_FACTOR * Math.max(1, median(others));
    });
  }
  const seeds = newScrapeBloom();
  const all = newScrapeBloom();
  for (const filter of kept) {
    mergeScrapeBloom(seeds, filter.seeds);
    mergeScrapeBloom(all, filter.seeds);
    mergeScrapeBloom(all, filter.downloaders);
  }
  return { respondedNodes: filters.length, discardedOutliers: filters.length - kept.length, seeders: readEstimate(seeds), peers: readEstimate(all) };
}
