/**
 * One sweep: a complete DHT lookup for every watched torrent, with bounded concurrency, turned into
 * one sample per torrent time-stamped at the sweep's end (DESIGN.md §4) and written in one batch.
 */
import { describeError } from '../core/errors.ts';
import { mapWithConcurrency } from '../core/map-with-concurrency.ts';
import type { SeriesStore, SwarmSample, WatchedTorrent } from '../store/types.ts';
import type { DhtClient } from './dht/dht-client.ts';
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

export async function runSweep(torrents: readonly WatchedTorrent[], deps: SweepDependencies): Promise<SweepReport> {
  const startedAtMs = Date.now();
  const measured = await mapWithConcurrency(torrents, deps.concurrency, async (torrent) => {
    try {
      const lookup = await deps.dht.lookup(torrent.infohash);
      const peers = [...lookup.peers.values()];
      const v4 = peers.filter((peer) => peer.family === 4).length;
      return {
        torrent,
        queries: lookup.queries,
        values: {
          dht_peers: peers.length,
          dht_peers_v4: v4,
          dht_peers_v6: peers.length - v4,
          dht_nodes: lookup.respondedNodes,
          new_peers: deps.peerMemory.recordSweep(torrent.infohash, lookup.peers.keys()),
          lookup_ms: lookup.durationMs,
        },
      };
    } catch (error) {
      return { torrent, queries: 0, error: describeError(error) };
    }
  });
  const finishedAtMs = Date.now();
  const results: SweepTorrentResult[] = measured.map((entry) =>
    'values' in entry && entry.values
      ? { torrent: entry.torrent, queries: entry.queries, sample: { infohash: entry.torrent.infohash, atMs: finishedAtMs, values: entry.values } }
      : { torrent: entry.torrent, queries: entry.queries, error: (entry as { error: string }).error },
  );
  const samples = results.flatMap((result) => (result.sample ? [result.sample] : []));
  if (samples.length > 0) await deps.series.writeSamples(samples);
  return { startedAtMs, finishedAtMs, results };
}
