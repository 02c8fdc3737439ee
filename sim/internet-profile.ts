/**
 * The Internet profile of the simulator (issue 12): the Mainline DHT as unfriendly as it is, so a
 * collector tuned on the sim is tuned for the real thing. `profile: 'internet'` sets every knob
 * below to its default; each knob can also be set alone (and overrides the profile). The friendly
 * profile (the default) turns every one of them off. Where each default comes from:
 *
 * | knob | internet | source |
 * |---|---|---|
 * | deadShare | 0.4 | issue 12: "a large share of the contacts in any reply never answer (NAT, departed)"; no citable measurement here, so it is a knob |
 * | churnPerMinute | 0.1 | issue 12 (nodes leave and join during a sweep); the same caveat |
 * | rttMedianMs / rttP95Ms | 150 / 800 | issue 12 ("long-tailed RTT"); drawn log-normal through those two quantiles |
 * | lossRate | 0.05 | issue 12 |
 * | maxPeersPerNode | 500 | libtorrent 2.0 settings_pack `dht_max_peers` (per infohash and per address family, dht_storage.cpp) |
 * | storageFull | drop-new | libtorrent 2.0 dht_storage.cpp `announce_peer`: "we're at capacity, drop the announce" |
 * | valuesPerReply | 100 (25 over IPv6) | libtorrent `dht_max_peers_reply`; IPv6 a quarter (dht_storage.cpp) |
 * | uploadBytesPerSec | 8000 | libtorrent `dht_upload_rate_limit`; dht_tracker.cpp `has_quota`: 3 s of burst, a query is dropped while the quota is spent |
 * | blockRatePerSec / blockTimeoutSec | 5 / 300 | libtorrent `dht_block_ratelimit` / `dht_block_timeout`; dos_blocker.cpp: 50 packets within 10 s of an IP's first → ignored for 5 minutes |
 * | storeNothingShare | 0.05 | nodes with storage off or full (libtorrent `dht_max_torrents` reached, or read-only clients): get_peers answers nodes and a token, announces are dropped |
 * | nodesOnlyShare | 0.05 | minimal implementations that answer get_peers like find_node: nodes, no token, no values |
 * | slice50Share | 0.15 | jech/dht (Transmission's DHT): stores up to 2048 peers, answers at most 50 values as a circular slice from a random start, and knows nothing of BEP 33 `scrape` |
 *
 * The shares of the three implementations are assumptions (no census of Mainline implementations
 * is cited here); libtorrent's numbers are its defaults, read in its source.
 */
export type SimProfile = 'friendly' | 'internet';
/** What a node does with an announce once it stores `maxPeersPerNode` peers for that infohash. */
export type StorageFullPolicy = 'drop-oldest' | 'drop-new' | 'replace-random';
export const STORAGE_FULL_POLICIES: readonly StorageFullPolicy[] = ['drop-oldest', 'drop-new', 'replace-random'];

export interface InternetKnobs {
  deadShare: number;
  churnPerMinute: number;
  rttMedianMs: number;
  rttP95Ms: number;
  lossRate: number;
  /** 0 = unlimited. */
  maxPeersPerNode: number;
  storageFull: StorageFullPolicy;
  /** 0 = unlimited. */
  uploadBytesPerSec: number;
  /** 0 = no blocking. */
  blockRatePerSec: number;
  blockTimeoutSec: number;
  storeNothingShare: number;
  nodesOnlyShare: number;
  slice50Share: number;
}

export const INTERNET_KNOBS: InternetKnobs = {
  deadShare: 0.4,
  churnPerMinute: 0.1,
  rttMedianMs: 150,
  rttP95Ms: 800,
  lossRate: 0.05,
  maxPeersPerNode: 500,
  storageFull: 'drop-new',
  uploadBytesPerSec: 8000,
  blockRatePerSec: 5,
  blockTimeoutSec: 300,
  storeNothingShare: 0.05,
  nodesOnlyShare: 0.05,
  slice50Share: 0.15,
};

/** The friendly sim as it always was: everything answers, nothing is capped. */
export const FRIENDLY_KNOBS: InternetKnobs = {
  deadShare: 0,
  churnPerMinute: 0,
  rttMedianMs: 0,
  rttP95Ms: 0,
  lossRate: 0,
  maxPeersPerNode: 0,
  storageFull: 'drop-oldest',
  uploadBytesPerSec: 0,
  blockRatePerSec: 0,
  blockTimeoutSec: 300,
  storeNothingShare: 0,
  nodesOnlyShare: 0,
  slice50Share: 0,
};

/** jech/dht `DHT_MAX_PEERS` and its 50-value replies (dht.c `send_nodes_peers`). */
export const JECH_MAX_PEERS = 2048;
export const JECH_VALUES_PER_REPLY = 50;
/** A standard normal's 95th percentile: the log-normal's sigma is ln(p95 / median) / this. */
const Z_95 = 1.6448536;

/** Log-normal parameters through the median and the 95th percentile (both > 0). */
export function logNormalOf(medianMs: number, p95Ms: number): { mu: number; sigma: number } {
  return { mu: Math.log(medianMs), sigma: Math.log(p95Ms / medianMs) / Z_95 };
}

/** Each numeric knob as a command-line flag (`tsx sim/main.ts`, `swarmscope sim`); `--storage-full` names the policy. */
export const KNOB_FLAGS = {
  'dead-share': 'deadShare',
  'churn-per-minute': 'churnPerMinute',
  'rtt-median-ms': 'rttMedianMs',
  'rtt-p95-ms': 'rttP95Ms',
  'max-peers-per-node': 'maxPeersPerNode',
  'upload-bytes-per-sec': 'uploadBytesPerSec',
  'block-rate-per-sec': 'blockRatePerSec',
  'block-timeout-sec': 'blockTimeoutSec',
  'store-nothing-share': 'storeNothingShare',
  'nodes-only-share': 'nodesOnlyShare',
  'slice50-share': 'slice50Share',
} as const;

/**
 * The knobs given as flags (`--dead-share 0.4`, `--storage-full drop-new`), for both command lines;
 * undefined when none is. `flagValue` reads one flag by its kebab-case name, `toNumber` parses it.
 */
export function knobsFromFlags(flagValue: (flag: string) => string | undefined, toNumber: (flag: string, text: string) => number): Partial<InternetKnobs> | undefined {
  const knobs: Partial<Record<keyof InternetKnobs, unknown>> = {};
  for (const [flag, knob] of Object.entries(KNOB_FLAGS)) {
    const text = flagValue(flag);
    if (text !== undefined) knobs[knob] = toNumber(flag, text);
  }
  const storageFull = flagValue('storage-full');
  if (storageFull !== undefined) knobs.storageFull = storageFull;
  return Object.keys(knobs).length > 0 ? (knobs as Partial<InternetKnobs>) : undefined;
}
