/** Watchlist entries as the REST API shows them: ISO 8601 times, camelCase, `latest` or null. */
import { redactUrl } from '../core/redact-url.ts';
import { sampleToLatestJson, type LatestSampleJson } from '../store/sample-fields.ts';
import { swarmEstimateSummary, type SwarmEstimateSummary } from '../store/swarm-estimate-summary.ts';
import type { SwarmSample, WatchedTorrent } from '../store/types.ts';

export interface TorrentSummaryJson {
  infohash: string;
  label: string | null;
  name: string | null;
  size: number | null;
  tags: string[];
  addedAt: string;
  latest: LatestSampleJson | null;
}

export interface TorrentDetailJson extends TorrentSummaryJson {
  source: string | null;
  files: { path: string; length: number }[];
  trackers: string[];
  webSeeds: string[];
  /** The newest sample's total-swarm estimate, with its interval, assumptions, or why there is none. */
  swarmEstimate: SwarmEstimateSummary | null;
}

export function torrentSummaryJson(torrent: WatchedTorrent, latest: SwarmSample | undefined): TorrentSummaryJson {
  return {
    infohash: torrent.infohash,
    label: torrent.label,
    name: torrent.name,
    size: torrent.size,
    tags: torrent.tags ?? [],
    addedAt: new Date(torrent.addedAtMs).toISOString(),
    latest: latest ? sampleToLatestJson(latest) : null,
  };
}

export function torrentDetailJson(torrent: WatchedTorrent, latest: SwarmSample | undefined): TorrentDetailJson {
  return {
    ...torrentSummaryJson(torrent, latest),
    source: torrent.source,
    files: torrent.files,
    // Passkeys stay in the store for scraping; they are never served (core/redact-url.ts).
    trackers: torrent.trackers.map(redactUrl),
    webSeeds: torrent.webSeeds,
    swarmEstimate: latest ? swarmEstimateSummary(latest.values) : null,
  };
}
