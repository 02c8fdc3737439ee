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

/** Diagnostics that stay series only: not part of the `latest` object or `collect --json`. */
const NOT_IN_LATEST = ['probe_unreachable', 'countries', 'lookup_ms'] as const;
export type LatestMetric = Exclude<SwarmMetric, (typeof NOT_IN_LATEST)[number]>;

/** The metrics shown in a torrent's `latest` object, in SWARM_METRICS order. */
export const LATEST_METRICS: readonly LatestMetric[] = SWARM_METRICS.filter(
  (metric): metric is LatestMetric => !(NOT_IN_LATEST as readonly string[]).includes(metric),
);

/** `dht_peers_v4` → `dhtPeersV4`, at the type level, matching metricJsonName. */
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

export type LatestMetricsJson = { [Metric in LatestMetric as CamelCase<Metric>]: number | null };

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
