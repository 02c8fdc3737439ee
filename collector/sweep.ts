/**
 * One sweep: for every watched torrent, a complete DHT lookup (both address families) and a BEP 33
 * scrape of its closest nodes, with bounded concurrency, turned into one sample per torrent
 * time-stamped at the sweep's end (DESIGN.md §4) and written in one batch.
 */
import { describeError } from '../core/errors.ts';
import { mapWithConcurrency } from '../core/map-with-concurrency.ts';
import type { SeriesStore, SwarmSample, SwarmValues, WatchedTorrent } from '../store/types.ts';
import type { DhtClient } from './dht/dht-client.ts';
import type { ScrapeResult } from './dht/scrape.ts';
import type { PeerMemory } from './peer-memory.ts';

export interface SweepTorrentResult {
  torrent: WatchedTorrent;
  /** Present when the torrent was measured. */
  sample?: SwarmSample;
  error?: string;
  queries: number;
}

export interface SweepReport {
  startedAtMs: number;
  finishedAtMs: number;
  results: SweepTorrentResult[];
}

export interface SweepDependencies {
  dht: DhtClient;
  peerMemory: PeerMemory;
  series: SeriesStore;
  /** Torrents looked up at once. */
  concurrency: number;
}

/** BEP 33 series: a saturated filter gives no number, only the flag (see protocol/bep33-bloom.ts). */
function scrapeValues(scrape: ScrapeResult): SwarmValues {
  const numberOf = (estimate: ScrapeResult['seeders']) => (estimate && !estimate.saturated ? Math.round(estimate.estimate) : null);
  return {
    bep33_nodes: scrape.respondedNodes,
    bep33_seeders: numberOf(scrape.seeders),
    bep33_peers: numberOf(scrape.peers),
    bep33_saturated: scrape.peers ? (scrape.peers.saturated || scrape.seeders?.saturated ? 1 : 0) : null,
  };
}

async function measure(torrent: WatchedTorrent, deps: SweepDependencies): Promise<{ values: SwarmValues; queries: number }> {
  const lookup = await deps.dht.lookup(torrent.infohash);
  const scrape = await deps.dht.scrape(torrent.infohash, lookup.closest);
  const peers = [...lookup.peers.values()];
  const v4 = peers.filter((peer) => peer.family === 4).length;
  const families = deps.dht.joinedFamilies;
  return {
    queries: lookup.queries + lookup.closest.length,
    values: {
      dht_peers: peers.length,
      dht_peers_v4: families.includes(4) ? v4 : null,
      dht_peers_v6: families.includes(6) ? peers.length - v4 : null,
      dht_nodes: lookup.respondedNodes,
      dht_uncorroborated: lookup.uncorroborated,
      new_peers: deps.peerMemory.recordSweep(torrent.infohash, lookup.peers.keys()),
      lookup_ms: lookup.durationMs,
      ...scrapeValues(scrape),
    },
  };
}

export async function runSweep(torrents: readonly WatchedTorrent[], deps: SweepDependencies): Promise<SweepReport> {
  const startedAtMs = Date.now();
  const measured = await mapWithConcurrency(torrents, deps.concurrency, async (torrent) => {
    try {
      return { torrent, ...(await measure(torrent, deps)) };
    } catch (error) {
      return { torrent, queries: 0, error: describeError(error) };
    }
  });
  const finishedAtMs = Date.now();
  const results: SweepTorrentResult[] = measured.map(({ torrent, queries, ...outcome }) =>
    'values' in outcome
      ? { torrent, queries, sample: { infohash: torrent.infohash, atMs: finishedAtMs, values: outcome.values } }
      : { torrent, queries, error: outcome.error },
  );
  const samples = results.flatMap((result) => (result.sample ? [result.sample] : []));
  if (samples.length > 0) await deps.series.writeSamples(samples);
  return { startedAtMs, finishedAtMs, results };
}
