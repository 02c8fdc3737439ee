/**
 * The enrichment stage: where the peers of this sweep are, by country and by autonomous system,
 * looked up in memory (collector/enrichment/) over every peer the stages before it found. Only the
 * counts leave the process; addresses are never stored or logged (DESIGN.md §9).
 *
 * Values: `countries` (distinct countries among located peers); tagged `swarm_geo` peers per
 * country (ISO code), top 20 + `other`; `swarm_asn` peers per AS (`AS13335`), top 10 + `other`.
 * A peer no database places (unallocated space, or private addresses in the sim) counts in `other`,
 * so each measurement's tags always sum to the sweep's peers. Peers are counted as the DHT stage
 * counts them: one per address and port.
 */
import type { GeoLookup } from '../enrichment/geo-lookup.ts';
import { topWithOther } from '../enrichment/top-tags.ts';
import type { SweepStage, TorrentMeasurement } from './stage.ts';

export const TOP_COUNTRIES = 20;
export const TOP_ASNS = 10;

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

export class EnrichmentStage implements SweepStage {
  readonly name = 'enrichment';

  /** `geo` is called at the first measure: the databases load only when a sweep needs them. */
  constructor(private readonly geo: () => GeoLookup) {}

  /** Loads the databases (~0.25 s, blocking) before the sweep's lookups start, so no DHT query waits on it. */
  beginSweep(): void {
    try {
      this.geo();
    } catch {
      // A database that cannot load fails each torrent's enrichment in `measure`, which the sweep reports.
    }
  }

  async measure(measurement: TorrentMeasurement): Promise<void> {
    const geo = this.geo();
    const countries = new Map<string, number>();
    const asns = new Map<string, number>();
    let unlocated = 0;
    let noAsn = 0;
    for (const peer of measurement.peers.values()) {
      const country = geo.country(peer.host);
      if (country) increment(countries, country);
      else unlocated++;
      const asn = geo.asn(peer.host);
      if (asn !== undefined) increment(asns, `AS${asn}`);
      else noAsn++;
    }
    const { infohash } = measurement.torrent;
    measurement.values.countries = countries.size;
    for (const [tag, peers] of topWithOther(countries, TOP_COUNTRIES, unlocated)) {
      measurement.tagged.push({ measurement: 'swarm_geo', infohash, tag, values: { peers } });
    }
    for (const [tag, peers] of topWithOther(asns, TOP_ASNS, noAsn)) {
      measurement.tagged.push({ measurement: 'swarm_asn', infohash, tag, values: { peers } });
    }
  }
}
