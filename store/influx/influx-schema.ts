/**
 * The InfluxDB shape of the series (DESIGN.md §4): five measurements, tags only for bounded
 * identities (infohash, tracker, country top 20 + `other`, ASN top 10 + `other`, mirror id), every
 * measured value a float field. Only `swarm` is written today; the others are defined here so the
 * retention policies and continuous queries cover them from the first start, and the writers that
 * come later (trackers, enrichment, mirrors) have one place that says what the points look like.
 *
 * Every field is a float: InfluxDB fixes a field's type per shard at its first write, so a count
 * written as an integer one day and an average (a float) the next would be refused. Floats hold
 * every integer below 2^53 exactly.
 */
import { DAILY, HOURLY, downsampleRule, type DownsampleRule, type RollupResolution } from '../downsampling.ts';
import { SWARM_METRICS } from '../types.ts';

export interface MeasurementSchema {
  name: string;
  tags: readonly string[];
  fields: Readonly<Record<string, DownsampleRule>>;
}

function gauges(names: readonly string[]): Record<string, DownsampleRule> {
  return Object.fromEntries(names.map((name) => [name, 'mean_min_max' as const]));
}

/**
 * One point per watched torrent per sweep: every SWARM_METRICS value that was measured. The
 * downsampling rule of each field comes from store/downsampling.ts (unique_peers: last value only).
 */
export const SWARM_MEASUREMENT: MeasurementSchema = {
  name: 'swarm',
  tags: ['infohash'],
  fields: Object.fromEntries(SWARM_METRICS.map((metric) => [metric, downsampleRule(metric)])),
};

/** Per-tracker scrape results; the `swarm` fields tracker_* hold the max across trackers (a sum double-counts). */
export const SWARM_TRACKER_MEASUREMENT: MeasurementSchema = {
  name: 'swarm_tracker',
  tags: ['infohash', 'tracker'],
  // tracker_up is 0/1 (0: no answer, the other fields absent), so its hourly mean is the tracker's availability.
  fields: gauges(['tracker_seeders', 'tracker_leechers', 'tracker_completed', 'tracker_up']),
};

/** Peers per country, top 20 countries + `other`, so series stay bounded (DESIGN.md §4). */
export const SWARM_GEO_MEASUREMENT: MeasurementSchema = {
  name: 'swarm_geo',
  tags: ['infohash', 'country'],
  fields: gauges(['peers']),
};

/** Peers per autonomous system, top 10 + `other`. */
export const SWARM_ASN_MEASUREMENT: MeasurementSchema = {
  name: 'swarm_asn',
  tags: ['infohash', 'asn'],
  fields: gauges(['peers']),
};

/** Peers per BitTorrent client (the extended handshake's `v`), top N + `other`. */
export const SWARM_CLIENT_MEASUREMENT: MeasurementSchema = {
  name: 'swarm_client',
  tags: ['infohash', 'client'],
  fields: gauges(['peers']),
};

/** HTTP mirror checks; `up` is 0/1, so its hourly mean is the availability. */
export const MIRROR_MEASUREMENT: MeasurementSchema = {
  name: 'mirror',
  tags: ['mirror'],
  fields: gauges(['up', 'status', 'latency_ms', 'bytes', 'pieces_verified', 'pieces_failed']),
};

export const MEASUREMENTS: readonly MeasurementSchema[] = [
  SWARM_MEASUREMENT,
  SWARM_TRACKER_MEASUREMENT,
  SWARM_GEO_MEASUREMENT,
  SWARM_ASN_MEASUREMENT,
  SWARM_CLIENT_MEASUREMENT,
  MIRROR_MEASUREMENT,
];

/** Top-N bounds of the geo and ASN tags (plus one `other` value each). */
export const TOP_COUNTRIES = 20;
export const TOP_ASNS = 10;

/** Retention policy names. `raw` is the database's DEFAULT, so unqualified Grafana queries read it. */
export const RAW_POLICY = 'raw';

export interface DownsamplePolicy extends RollupResolution {
  /**
   * RESAMPLE FOR: each run recomputes this much history, so a sweep that ends just before a bucket
   * boundary and is written just after it is still counted. Later writes (a spool replay) trigger a
   * backfill of their buckets instead (see influx-late-writes.ts).
   */
  resampleForMs: number;
}

export const DOWNSAMPLE_POLICIES: readonly DownsamplePolicy[] = [
  { ...HOURLY, resampleForMs: 2 * HOURLY.bucketMs },
  { ...DAILY, resampleForMs: 2 * DAILY.bucketMs },
];
