/**
 * The store contract shared by every part (DESIGN.md §4). Series are one sample per watched torrent
 * per sweep, time-stamped at the sweep's end. A metric that was not measured is `null`, never 0.
 */

/** Per-torrent series of the `swarm` measurement. Order matters only for display. */
export const SWARM_METRICS = [
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
  'probe_unreachable',
  'pex_peers',
  'swarm_estimate',
  'swarm_estimate_low',
  'swarm_estimate_high',
  'swarm_estimate_overlap',
  'new_peers',
  'unique_peers',
  'countries',
  'lookup_ms',
] as const;
export type SwarmMetric = (typeof SWARM_METRICS)[number];

export function isSwarmMetric(value: string): value is SwarmMetric {
  return (SWARM_METRICS as readonly string[]).includes(value);
}

export type SwarmValues = Partial<Record<SwarmMetric, number | null>>;

export interface SwarmSample {
  /** 40 lowercase hex characters. */
  infohash: string;
  /** Milliseconds since the epoch: the end of the sweep that measured it. */
  atMs: number;
  values: SwarmValues;
}

export const AGGREGATIONS = ['avg', 'min', 'max', 'last', 'first', 'sum', 'count'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface RangeQuery {
  infohash: string;
  metric: SwarmMetric;
  /** Inclusive bounds, milliseconds since the epoch. */
  fromMs: number;
  toMs: number;
  /** Bucket width; 0 returns every raw sample. Buckets start at multiples of stepMs since the epoch. */
  stepMs: number;
  agg: Aggregation;
  /** At most this many points, the earliest first: a guard for raw (stepMs 0) queries over long ranges. */
  limit?: number;
}

/** [bucket start (ms since epoch), aggregated value]; buckets without a measured value are left out. */
export type SeriesPoint = [atMs: number, value: number];

export interface SeriesStore {
  readonly kind: 'sqlite' | 'influx';
  /** Idempotent: writing the same (infohash, atMs) twice keeps one sample. */
  writeSamples(samples: readonly SwarmSample[]): Promise<void>;
  /** The newest sample of each torrent (all torrents when `infohashes` is omitted). */
  latestSamples(infohashes?: readonly string[]): Promise<Map<string, SwarmSample>>;
  querySeries(query: RangeQuery): Promise<SeriesPoint[]>;
  close(): Promise<void>;
}

/**
 * Series with one bounded tag besides the infohash (DESIGN.md §4): per tracker, per country (top 20
 * + `other`), per ASN (top 10 + `other`), per client (top N + `other`). InfluxDB measurements of the
 * same names; SQLite tables of the same shape.
 */
export const TAGGED_MEASUREMENTS = {
  swarm_tracker: { tag: 'tracker', fields: ['tracker_seeders', 'tracker_leechers', 'tracker_completed', 'tracker_up'] },
  swarm_geo: { tag: 'country', fields: ['peers'] },
  swarm_asn: { tag: 'asn', fields: ['peers'] },
  swarm_client: { tag: 'client', fields: ['peers'] },
} as const;
export type TaggedMeasurement = keyof typeof TAGGED_MEASUREMENTS;

export interface TaggedSample {
  measurement: TaggedMeasurement;
  infohash: string;
  /** The tag's value: a tracker URL, an ISO country code or `other`, `AS13335` or `other`, a client name. */
  tag: string;
  atMs: number;
  values: Record<string, number | null>;
}

export interface TaggedQuery {
  measurement: TaggedMeasurement;
  infohash: string;
  field: string;
  fromMs: number;
  toMs: number;
  stepMs: number;
  agg: Aggregation;
}

/** A mergeable distinct-count sketch (HyperLogLog) of one torrent's peers over one sweep. */
export interface SketchSample {
  infohash: string;
  atMs: number;
  sketch: Buffer;
}

/**
 * Tagged series and sketches: implemented by both stores (issue 4; docs/stores.md), checked by
 * tests/store/detail-store-contract.ts. Same rules as the `swarm` samples: idempotent writes, a
 * null never erases a measured value, buckets at multiples of the step, all-or-nothing validation.
 */
export interface DetailStore {
  writeTagged(samples: readonly TaggedSample[]): Promise<void>;
  /** One series per tag value (tags without a measured point in range are absent), tags in order. */
  queryTagged(query: TaggedQuery): Promise<Map<string, SeriesPoint[]>>;
  /** Serialized core/hyperloglog.ts sketches; the same (infohash, atMs) written twice keeps one. */
  writeSketches(samples: readonly SketchSample[]): Promise<void>;
  /**
   * The union of every sketch of a torrent in [fromMs, toMs] (inclusive), serialized; null when
   * there is none. Past the raw retention an edge day counts whole (store/sketch-days.ts).
   */
  mergedSketch(infohash: string, fromMs: number, toMs: number): Promise<Buffer | null>;
}

/** A torrent on the watchlist, with what is known of its metadata. */
export interface WatchedTorrent {
  infohash: string;
  label: string | null;
  /** Where the entry came from: a citation in the shipped list, or "api", "cli". */
  source: string | null;
  name: string | null;
  size: number | null;
  trackers: string[];
  webSeeds: string[];
  files: { path: string; length: number }[];
  /** BEP 3 `piece length`, from a .torrent file or ut_metadata (BEP 9); absent while unknown. */
  pieceLengthBytes?: number | null;
  addedAtMs: number;
  /** Free-form tags given when the torrent was added (e.g. "llama", "leak"). */
  tags?: string[];
  /** Set when a user stopped watching it; only returned by `get(..., { includeRemoved: true })`. */
  removedAtMs?: number | null;
}

export interface NewWatchedTorrent {
  infohash: string;
  label?: string | null;
  source?: string | null;
  name?: string | null;
  size?: number | null;
  trackers?: string[];
  webSeeds?: string[];
  files?: { path: string; length: number }[];
  pieceLengthBytes?: number | null;
  tags?: string[];
  /** The exact bencoded `info` dictionary when known (a .torrent file): the registry keeps it in store/torrent-info.ts for the mirror verifier. */
  infoDictionary?: Buffer;
}

/** The watchlist: what the collector sweeps. Removing keeps a tombstone so history stays and a shipped entry stays removed. */
export interface TorrentRegistry {
  /** Adds or re-activates a torrent; merges metadata into an existing entry. Returns the entry and whether it was new. */
  add(entry: NewWatchedTorrent): { torrent: WatchedTorrent; created: boolean };
  /** Adds entries that were never removed by a user (seeding from watchlist files). */
  importEntries(entries: readonly NewWatchedTorrent[]): number;
  remove(infohash: string): boolean;
  /** An active entry; removed ones only with `includeRemoved` (their history stays queryable). */
  get(infohash: string, options?: { includeRemoved?: boolean }): WatchedTorrent | undefined;
  list(page?: { offset: number; limit: number }): { torrents: WatchedTorrent[]; total: number };
}
