/**
 * The DHT stage: a complete lookup on each joined address family and a BEP 33 scrape of the
 * closest nodes (collector/dht/). Its values: dht_peers (_v4, _v6), dht_nodes, dht_uncorroborated,
 * new_peers, lookup_ms, bep33_*.
 */
import type { DhtClient } from '../dht/dht-client.ts';
import type { ScrapeResult } from '../dht/scrape.ts';
import type { PeerMemory } from '../peer-memory.ts';
import type { SweepStage, TorrentMeasurement } from './stage.ts';
import type { SwarmValues, WatchedTorrent } from '../../store/types.ts';

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

export class DhtStage implements SweepStage {
  readonly name = 'dht';

  constructor(
    private readonly dht: DhtClient,
    private readonly peerMemory: PeerMemory,
  ) {}

  beginSweep(torrents: readonly WatchedTorrent[]): void {
    this.peerMemory.retainOnly(torrents.map((torrent) => torrent.infohash));
  }

  async measure(measurement: TorrentMeasurement): Promise<void> {
    const { infohash } = measurement.torrent;
    const lookup = await this.dht.lookup(infohash);
    const scrape = await this.dht.scrape(infohash, lookup.closest);
    measurement.requests += lookup.queries + lookup.closest.length;
    let v4 = 0;
    for (const [key, peer] of lookup.peers) {
      if (peer.family === 4) v4++;
      const known = measurement.peers.get(key);
      if (known) known.sources.add('dht');
      else measurement.peers.set(key, { ...peer, sources: new Set(['dht']) });
    }
    const families = lookup.measuredFamilies;
    Object.assign(measurement.values, {
      dht_peers: lookup.peers.size,
      dht_peers_v4: families.includes(4) ? v4 : null,
      dht_peers_v6: families.includes(6) ? lookup.peers.size - v4 : null,
      dht_nodes: lookup.respondedNodes,
      dht_uncorroborated: lookup.uncorroborated,
      new_peers: this.peerMemory.recordSweep(infohash, lookup.peers.keys()),
      lookup_ms: lookup.durationMs,
      ...scrapeValues(scrape),
    } satisfies SwarmValues);
  }
}
