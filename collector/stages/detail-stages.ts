/**
 * The stages of issue 4 built from the config: tracker scrapes (after the DHT stage), and
 * enrichment and sketches (last: they read every peer the stages before them found).
 */
import { join } from 'node:path';
import type { SwarmscopeConfig } from '../../core/config.ts';
import { detailStoreOf } from '../../store/detail-validation.ts';
import type { SeriesStore } from '../../store/types.ts';
import { loadGeoLookup } from '../enrichment/geo-lookup.ts';
import { PEER_HASH_KEY_FILE, peerHashKeyring } from '../sketches/peer-hash-key.ts';
import { TrackerScraper } from '../trackers/tracker-scraper.ts';
import { EnrichmentStage } from './enrichment-stage.ts';
import { SketchStage } from './sketch-stage.ts';
import { TrackerStage } from './tracker-stage.ts';

export interface DetailStages {
  tracker: TrackerStage;
  enrichment: EnrichmentStage;
  sketch: SketchStage;
}

type DetailConfig = Pick<SwarmscopeConfig, 'dataDir' | 'allowPrivateAddresses' | 'allowPrivateTargets' | 'dhtLoopbackOnly' | 'trackerTimeoutMs' | 'peerHashEpochDays'>;

export function createDetailStages(config: DetailConfig, series?: SeriesStore): DetailStages {
  const scraper = new TrackerScraper({
    timeoutMs: config.trackerTimeoutMs,
    allowPrivateAddresses: config.allowPrivateAddresses,
    allowPrivateTargets: config.allowPrivateTargets,
    // Tests and the sim keep every packet on loopback: trackers too.
    loopbackOnly: config.dhtLoopbackOnly,
  });
  return {
    tracker: new TrackerStage(scraper),
    enrichment: new EnrichmentStage(loadGeoLookup),
    sketch: new SketchStage({
      keyAt: peerHashKeyring(join(config.dataDir, PEER_HASH_KEY_FILE), config.peerHashEpochDays),
      ...(series && detailStoreOf(series) ? { store: detailStoreOf(series) } : {}),
    }),
  };
}
