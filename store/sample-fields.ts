/**
 * The JSON names of the series. The REST API's `latest` object and the CLI's `collect --once --json`
 * print the same fields (DESIGN.md §3, §5), so the mapping lives here, once. A metric that was not
 * measured is `null`, never 0: a missing value and a measured zero mean different things.
 */
import { SWARM_METRICS, type SwarmMetric, type SwarmSample, type SwarmValues } from './types.ts';

/** `dht_peers_v4` → `dhtPeersV4`, `bep33_seeders` → `bep33Seeders`. */
export function metricJsonName(metric: SwarmMetric): string {
  return metric.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

export const METRIC_JSON_NAMES: Readonly<Record<SwarmMetric, string>> = Object.fromEntries(
  SWARM_METRICS.map((metric) => [metric, metricJsonName(metric)]),
) as Record<SwarmMetric, string>;

/** The metrics shown in a torrent's `latest` object, in display order. */
export const LATEST_METRICS = [
  'dht_peers',
  'dht_peers_v4',
  'dht_peers_v6',
  'dht_nodes',
  'bep33_seeders',
  'bep33_peers',
  'bep33_nodes',
  'bep33_saturated',
  'dht_uncorroborated',
  'tracker_seeders',
  'tracker_leechers',
  'tracker_completed',
  'probe_seeders',
  'probe_leechers',
  'new_peers',
  'unique_peers',
] as const satisfies readonly SwarmMetric[];
export type LatestMetric = (typeof LATEST_METRICS)[number];

export type LatestMetricsJson = {
  dhtPeers: number | null;
  dhtPeersV4: number | null;
  dhtPeersV6: number | null;
  dhtNodes: number | null;
  bep33Seeders: number | null;
  bep33Peers: number | null;
  bep33Nodes: number | null;
  bep33Saturated: number | null;
  dhtUncorroborated: number | null;
  trackerSeeders: number | null;
  trackerLeechers: number | null;
  trackerCompleted: number | null;
  probeSeeders: number | null;
  probeLeechers: number | null;
  newPeers: number | null;
  uniquePeers: number | null;
};

export type LatestSampleJson = { at: string } & LatestMetricsJson;

/** The metric fields alone, without a time: what `collect --once --json` prints per torrent. */
export function valuesToMetricsJson(values: SwarmValues): LatestMetricsJson {
  const json: Record<string, number | null> = {};
  for (const metric of LATEST_METRICS) {
    const value = values[metric];
    json[METRIC_JSON_NAMES[metric]] = typeof value === 'number' && Number.isFinite(value) ? value : null;
  }
  return json as LatestMetricsJson;
}

/** A sample as the REST API's `latest` object: `{ at: ISO 8601, dhtPeers, ... }`. */
export function sampleToLatestJson(sample: SwarmSample): LatestSampleJson {
  return { at: new Date(sample.atMs).toISOString(), ...valuesToMetricsJson(sample.values) };
}
