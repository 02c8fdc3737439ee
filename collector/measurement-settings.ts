/**
 * The settings a sweep measures with, as one plain object: written to the sweep log once per
 * distinct set (store/state/sweep-log.ts) so the methods record of any range (store/methods-record.ts)
 * says exactly how its numbers were taken — the lookup's limits, the corroboration and BEP 33 rules,
 * the politeness settings, the probes, the geo databases and the privacy settings. The lookup
 * options the collector runs with come from here too, so what is recorded is what ran.
 */
import { readFileSync } from 'node:fs';
import type { SwarmscopeConfig } from '../core/config.ts';
import { softwareIdentity } from '../core/software-identity.ts';
import { SCRAPE_BLOOM_BITS, SATURATION_ESTIMATE } from '../protocol/bep33-bloom.ts';
import { MIN_SOURCES_PER_VALUE } from './dht/corroboration.ts';
import { CONVERGE_MARGIN, DEFAULT_GET_PEERS_OPTIONS, type GetPeersOptions } from './dht/get-peers.ts';
import { DEFAULT_HARVEST_OPTIONS, MAX_CONSECUTIVE_FAILURES, OWN_STORE_SHARE } from './dht/harvest-values.ts';
import { COUNTRY_DB_FILE, resolvePackageFile } from './enrichment/country-db.ts';

type SettingsConfig = Pick<
  SwarmscopeConfig,
  | 'intervalMs'
  | 'concurrency'
  | 'maxConcurrency'
  | 'shard'
  | 'dhtMaxQueriesPerIpPer10s'
  | 'dhtQueryTimeoutMs'
  | 'dhtNodeQueryGapMs'
  | 'probeSampleSize'
  | 'probeConcurrency'
  | 'probeConnectTimeoutMs'
  | 'probeSettleMs'
  | 'peerHashEpochDays'
  | 'allowPrivateAddresses'
>;

/** The lookup options of every sweep: the defaults of get-peers.ts and harvest-values.ts, paced by the config. */
export function sweepLookupOptions(config: Pick<SwarmscopeConfig, 'dhtNodeQueryGapMs'>): Partial<GetPeersOptions> {
  return { harvest: { ...DEFAULT_HARVEST_OPTIONS, perNodeGapMs: config.dhtNodeQueryGapMs } };
}

const versions = new Map<string, string | null>();

/** Read once per process: the settings are built at every sweep, the installed packages do not change. */
function packageVersion(specifier: string): string | null {
  if (!versions.has(specifier)) versions.set(specifier, readPackageVersion(specifier));
  return versions.get(specifier)!;
}

function readPackageVersion(specifier: string): string | null {
  try {
    const path = resolvePackageFile(`${specifier}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

const COUNTRY_PACKAGE = COUNTRY_DB_FILE.split('/').slice(0, 2).join('/');
const ASN_PACKAGE = '@ip-location-db/asn';

/** `families`: the address families the DHT client joined (4, 6) when the sweep ran. */
export function measurementSettings(config: SettingsConfig, families: readonly number[]): Record<string, unknown> {
  const lookup = { ...DEFAULT_GET_PEERS_OPTIONS, ...sweepLookupOptions(config) };
  return {
    software: softwareIdentity(),
    cadence: { intervalMs: config.intervalMs, torrentsAtOnce: config.concurrency, torrentsAtOnceAtMost: Math.max(config.concurrency, config.maxConcurrency), shard: config.shard },
    addressFamilies: { ipv4: families.includes(4), ipv6: families.includes(6) },
    lookup: {
      k: lookup.k,
      alpha: lookup.alpha,
      retries: lookup.retries,
      maxQueries: lookup.maxQueries,
      maxValuesPerNode: lookup.maxValuesPerNode,
      queryTimeoutMs: config.dhtQueryTimeoutMs,
      timeouts: 'adaptive (RFC 6298: smoothed RTT + 4 × variation, floor 250 ms, ceiling queryTimeoutMs), doubled for each unanswered query to the same node in a row (RFC 6298 §5.5)',
      // Nodes that answered without a token are passed over (they cannot hold announces, BEP 5).
      convergesOn: `the ${lookup.k + CONVERGE_MARGIN} closest nodes that could hold peers`,
      neighbourhood: 'when a node closer than the k-th responder never answered: find_node for sibling targets (the infohash with one bit flipped around the depth of its neighbourhood), one more attempt at those failed nodes, and a second converge',
      harvest: {
        ...lookup.harvest,
        rule: `over the holders of the whole pool, until the expected values fewer than two of them returned fall under missProbability; per node, until its own store is exhausted, for a node whose distinct values stay under ${OWN_STORE_SHARE * 100}% of the pool`,
        givesUpAfterUnansweredInARow: MAX_CONSECUTIVE_FAILURES,
      },
    },
    politeness: { maxQueriesPerIpPer10s: config.dhtMaxQueriesPerIpPer10s, perNodeGapMs: config.dhtNodeQueryGapMs },
    corroboration: {
      minSourcesPerValue: MIN_SOURCES_PER_VALUE,
      rule: `a peer counts only if at least ${MIN_SOURCES_PER_VALUE} distinct nodes among the ${2 * lookup.k} closest responders returned it`,
    },
    bep33: {
      filterBits: SCRAPE_BLOOM_BITS,
      saturatedAtEstimate: SATURATION_ESTIMATE,
      rule: `a merged filter estimating ${SATURATION_ESTIMATE} or more is reported as saturated (bep33_saturated = 1), never as a number`,
    },
    probes: {
      peersPerTorrent: config.probeSampleSize,
      connectionsAtOnce: config.probeConcurrency,
      connectTimeoutMs: config.probeConnectTimeoutMs,
      pexSettleMs: config.probeSettleMs,
    },
    geo: {
      countries: { package: COUNTRY_PACKAGE, version: packageVersion(COUNTRY_PACKAGE), source: 'RIR whois and ASN registrations (registry country, not location)' },
      asns: { package: ASN_PACKAGE, version: packageVersion(ASN_PACKAGE) },
    },
    privacy: {
      rawPeerAddresses: false,
      distinctCounts: 'HyperLogLog sketches over keyed peer hashes (PRIVACY.md)',
      peerHashEpochDays: config.peerHashEpochDays,
    },
    network: { privateAddressesAccepted: config.allowPrivateAddresses },
  };
}
