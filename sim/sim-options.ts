/**
 * Options of the simulated swarm, their defaults and their validation. Bad values fail early with
 * an `invalid_config` error a person can act on, rather than as a hang or an odd swarm later.
 */
import { SwarmscopeError } from '../core/errors.ts';
import { parseInfohash } from '../core/infohash.ts';
import { MAX_KRPC_DATAGRAM_BYTES } from '../protocol/krpc.ts';
import { HOSTILE_BEHAVIOURS, type HostileBehaviour } from './hostile-behaviours.ts';
import { DEFAULT_PARETO_ALPHA, SWARM_SIZE_DISTRIBUTIONS, type SwarmSizeDistribution } from './swarm-sizes.ts';
import { FRIENDLY_KNOBS, INTERNET_KNOBS, STORAGE_FULL_POLICIES, type InternetKnobs, type SimProfile } from './internet-profile.ts';

/** libtorrent's `dht_max_peers_reply` default: at most 100 `values` per get_peers reply. */
export const LIBTORRENT_MAX_PEERS_REPLY = 100;
/**
 * libtorrent (dht_storage.cpp, get_peers) returns a quarter as many IPv6 values per reply, because
 * an IPv6 address is four times the size of an IPv4 one: 25 by default. The sim does the same.
 */
export const LIBTORRENT_V6_VALUES_DIVISOR = 4;
/** Each IPv4 value costs 8 bytes bencoded ("6:" + 6); keep a reply under the KRPC datagram cap. */
export const MAX_VALUES_PER_REPLY = Math.floor((MAX_KRPC_DATAGRAM_BYTES - 512) / 8);
/** Each IPv6 value costs 21 bytes bencoded ("18:" + 18, BEP 32). */
export const MAX_VALUES_PER_REPLY_V6 = Math.floor((MAX_KRPC_DATAGRAM_BYTES - 512) / 21);
/** Loopback addresses are 127.0.0.0/8 (RFC 1122 §3.2.1.3); Linux routes all of it to `lo`. */
export const DEFAULT_BIND_HOST_BASE = '127.1';
/** Enough distinct 127.a.b.c addresses per base: b in 0..255, c in 1..254. */
export const MAX_SIM_NODES = 256 * 254;
/** A swarm of more peers than this would not fit the synthetic address generator's budget. */
export const MAX_PEERS_PER_TORRENT = 1_000_000;
/**
 * libtorrent 2.0 settings_pack default of `dht_sample_infohashes_interval` (BEP 51 `interval`), which
 * libtorrent also clamps to [0, 21600]: BEP 51 caps the interval at six hours.
 */
export const LIBTORRENT_SAMPLE_INTERVAL_SEC = 21_600;
/** libtorrent 2.0 settings_pack default of `dht_max_infohashes_sample_count` (also its clamp in dht_storage.cpp). */
export const LIBTORRENT_MAX_INFOHASH_SAMPLES = 20;
/** BEP 51 `samples` is one byte string of 20 bytes per infohash; keep a reply under the KRPC datagram cap. */
export const MAX_SAMPLES_PER_REPLY = Math.floor((MAX_KRPC_DATAGRAM_BYTES - 1024) / 20);
/** Metadata peers listen on their own loopback addresses, apart from the nodes' 127.1.x.y. */
export const DEFAULT_METADATA_HOST_BASE = '127.64';
/** Enough listeners for any test: each is one address `${base}.0.${i}`. */
export const MAX_METADATA_PEERS = 254;
/** PEX listeners (sim/pex-swarms.ts) listen apart from the nodes and the metadata peers. */
export const DEFAULT_PEX_HOST_BASE = '127.66';
/** Catalogue sizes beyond this would make startup (hashing every info dictionary) slow for no test's benefit. */
export const MAX_CATALOGUE_TORRENTS = 100_000;

/**
 * A catalogue of named torrents with real info dictionaries (sim/catalogue/): the fixed model-like
 * and look-alike set, plus `torrents` ordinary ones drawn from the seed, each with a few synthetic
 * peers and, when its metadata is served, real loopback peers that answer ut_metadata (BEP 9).
 */
export interface CatalogueOptions {
  /** Ordinary torrents (films, ISOs, albums, …) besides the fixed set, e.g. 3000. */
  torrents: number;
  /** Share (0..1) of the ordinary torrents whose metadata is served; the fixed ones always are. 0.5 when absent. */
  metadataShare?: number;
  /** TCP listeners that serve metadata (one address each); 3 when absent. */
  metadataPeers?: number;
  /** First two octets of their addresses ("127.64" gives 127.64.0.1, …); must differ from bindHostBase. */
  metadataHostBase?: string;
}

/**
 * Swarms with a known population of which only a part announces to the DHT, and real loopback
 * peers that name others over PEX (BEP 11): the ground truth of the total-swarm estimate (issue 13).
 * Each swarm draws from its own seeded stream, so every swarm is an independent seeded run.
 */
export interface PexSwarmOptions {
  /** How many such swarms, e.g. 60. */
  torrents: number;
  /** True swarm size, drawn per swarm in [min, max]; 200..600 when absent. */
  minPopulation?: number;
  maxPopulation?: number;
  /** Share of each population that announces to the DHT, drawn per swarm in [min, max]; 0.3..0.7 when absent. */
  minDhtShare?: number;
  maxDhtShare?: number;
  /** Loopback TCP peers (in every swarm, all announcing) that send one PEX message each; 10 when absent. */
  listeners?: number;
  /** First two octets of their addresses; 127.66 when absent. */
  hostBase?: string;
}

export interface ResolvedPexSwarmOptions {
  torrents: number;
  minPopulation: number;
  maxPopulation: number;
  minDhtShare: number;
  maxDhtShare: number;
  listeners: number;
  hostBase: string;
}

export interface TorrentSpec {
  /** 40 hex characters (or 32 base32); random from the seed when absent. */
  infohash?: string;
  peers: number;
  /** How many of the peers are seeds (BEP 33 `BFsd`); random in [0, peers] when absent. */
  seeds?: number;
  /** IPv6 peers (BEP 32), a set apart from the IPv4 ones; 0 when absent. Needs `ipv6: true`. */
  peersV6?: number;
  /** How many IPv6 peers are seeds; the IPv4 seed share of peersV6 (rounded) when absent. */
  seedsV6?: number;
}

export interface SimSwarmOptions {
  nodes?: number;
  torrents?: number;
  seed?: number | string;
  minPeers?: number;
  maxPeers?: number;
  /** How generated swarm sizes spread over [minPeers, maxPeers] (sim/swarm-sizes.ts); `uniform` when absent. */
  sizeDistribution?: SwarmSizeDistribution;
  /** Shape of the `pareto` sizes; DEFAULT_PARETO_ALPHA when absent. */
  sizeAlpha?: number;
  /** Probability (0..1) that a node drops an incoming query without answering. */
  lossRate?: number;
  /** Delay added before each reply, in milliseconds. */
  rttMs?: number;
  /** Uniform spread of that delay, ± milliseconds; rttMs / 5 when absent. */
  jitterMs?: number;
  valuesPerReply?: number;
  /** First two octets of the node addresses, e.g. "127.1" gives 127.1.0.1, 127.1.0.2, … */
  bindHostBase?: string;
  /** UDP port of every node; 0 (the default) lets the kernel choose one per node. */
  port?: number;
  /** Explicit swarms; when given they replace the `torrents` random ones. */
  torrentSpecs?: TorrentSpec[];
  /** How many nodes to list as bootstrap addresses. */
  bootstrapCount?: number;
  /**
   * BEP 32: every node also listens on udp6 `::1` (its own kernel-chosen port, since all nodes
   * share that one address) with the same node id, its own IPv6 routing table and IPv6 peers.
   */
  ipv6?: boolean;
  /** IPv6 values per get_peers reply; valuesPerReply / 4 when absent, as libtorrent does. */
  valuesPerReplyV6?: number;
  /** Share (0..1) of the non-bootstrap nodes that misbehave; 0 when absent. */
  hostileShare?: number;
  /** What hostile nodes do, assigned to them in turn; all behaviours when absent. */
  hostileBehaviours?: HostileBehaviour[];
  /**
   * Opt-in: shares (0..1, summing to at most 1) of every torrent's IPv4 peers placed in real address
   * blocks of these countries (ISO alpha-2), e.g. { DE: 0.3, US: 0.5 }; the rest stay random
   * (sim/country-blocks.ts). Absent, every swarm is what it always was for its seed.
   */
  countries?: Record<string, number>;
  /** BEP 51 `interval` of sample_infohashes replies, seconds (libtorrent `dht_sample_infohashes_interval`): 21600 when absent. */
  sampleIntervalSec?: number;
  /** BEP 51: at most this many `samples` per reply (libtorrent `dht_max_infohashes_sample_count`): 20 when absent. */
  maxSamplesPerReply?: number;
  /** Opt-in: named torrents with real metadata, served by sim peers. */
  catalogue?: CatalogueOptions;
  /** Opt-in: swarms partly hidden from the DHT, with peers that answer PEX (issue 13). */
  pexSwarms?: PexSwarmOptions;
  /** `internet` turns on every knob of sim/internet-profile.ts at its default; `friendly` (the default) none. */
  profile?: SimProfile;
  /** Knobs set one by one; they override the profile's. `lossRate`/`rttMs` above override these. */
  internet?: Partial<InternetKnobs>;
  /** Told of every block a node imposes (dos-blocker.ts), e.g. to log it. */
  onBlock?: (event: { node: string; ip: string; atMs: number }) => void;
}

export interface ResolvedCatalogueOptions {
  torrents: number;
  metadataShare: number;
  metadataPeers: number;
  metadataHostBase: string;
}

export interface ResolvedTorrentSpec {
  infohash?: string;
  peers: number;
  seeds?: number;
  peersV6: number;
  seedsV6?: number;
}

export interface ResolvedSimOptions {
  nodes: number;
  torrents: number;
  seed: number | string;
  minPeers: number;
  maxPeers: number;
  sizeDistribution: SwarmSizeDistribution;
  sizeAlpha: number;
  lossRate: number;
  rttMs: number;
  jitterMs: number;
  valuesPerReply: number;
  bindHostBase: string;
  port: number;
  torrentSpecs?: ResolvedTorrentSpec[];
  bootstrapCount: number;
  ipv6: boolean;
  valuesPerReplyV6: number;
  hostileShare: number;
  hostileBehaviours: HostileBehaviour[];
  countries?: Record<string, number>;
  sampleIntervalSec: number;
  maxSamplesPerReply: number;
  catalogue?: ResolvedCatalogueOptions;
  pexSwarms?: ResolvedPexSwarmOptions;
  profile: SimProfile;
  knobs: InternetKnobs;
}

function fail(message: string): never {
  throw new SwarmscopeError('invalid_config', `sim: ${message}`);
}

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) fail(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}

function numberIn(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(`${name} must be a number in [${min}, ${max}], got ${value}`);
  return value;
}

function bindHostBase(value: string, name = 'bindHostBase', example = '127.1'): string {
  const match = /^127\.(\d{1,3})$/.exec(value);
  if (!match || Number(match[1]) > 255) fail(`${name} must be two octets inside 127.0.0.0/8 such as "${example}", got "${value}"`);
  return value;
}

function catalogueOptions(value: CatalogueOptions, nodeHostBase: string): ResolvedCatalogueOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('catalogue must be an object such as {"torrents": 3000}');
  const metadataHostBase = bindHostBase(value.metadataHostBase ?? DEFAULT_METADATA_HOST_BASE, 'catalogue.metadataHostBase', DEFAULT_METADATA_HOST_BASE);
  // Peers on node addresses would blur the line between DHT nodes and peers that the tests draw.
  if (metadataHostBase === nodeHostBase) fail(`catalogue.metadataHostBase (${metadataHostBase}) must differ from bindHostBase (${nodeHostBase})`);
  return {
    torrents: integerIn('catalogue.torrents', value.torrents, 0, MAX_CATALOGUE_TORRENTS),
    metadataShare: numberIn('catalogue.metadataShare', value.metadataShare ?? 0.5, 0, 1),
    metadataPeers: integerIn('catalogue.metadataPeers', value.metadataPeers ?? 3, 1, MAX_METADATA_PEERS),
    metadataHostBase,
  };
}

function pexSwarmOptions(value: PexSwarmOptions, nodeHostBase: string, catalogueHostBase: string | undefined): ResolvedPexSwarmOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('pexSwarms must be an object such as {"torrents": 60}');
  const hostBase = bindHostBase(value.hostBase ?? DEFAULT_PEX_HOST_BASE, 'pexSwarms.hostBase', DEFAULT_PEX_HOST_BASE);
  if (hostBase === nodeHostBase || hostBase === catalogueHostBase) fail(`pexSwarms.hostBase (${hostBase}) must differ from the nodes' and the metadata peers' addresses`);
  const listeners = integerIn('pexSwarms.listeners', value.listeners ?? 10, 1, MAX_METADATA_PEERS);
  const minPopulation = integerIn('pexSwarms.minPopulation', value.minPopulation ?? 200, listeners + 1, 100_000);
  const maxPopulation = integerIn('pexSwarms.maxPopulation', value.maxPopulation ?? 600, minPopulation, 100_000);
  const minDhtShare = numberIn('pexSwarms.minDhtShare', value.minDhtShare ?? 0.3, 0, 1);
  const maxDhtShare = numberIn('pexSwarms.maxDhtShare', value.maxDhtShare ?? 0.7, minDhtShare, 1);
  return { torrents: integerIn('pexSwarms.torrents', value.torrents, 0, 10_000), minPopulation, maxPopulation, minDhtShare, maxDhtShare, listeners, hostBase };
}

function torrentSpec(spec: TorrentSpec, index: number, ipv6: boolean): ResolvedTorrentSpec {
  const where = `torrentSpecs[${index}]`;
  const peers = integerIn(`${where}.peers`, spec.peers, 0, MAX_PEERS_PER_TORRENT);
  const peersV6 = integerIn(`${where}.peersV6`, spec.peersV6 ?? 0, 0, MAX_PEERS_PER_TORRENT);
  // IPv6 peers nobody can reach over IPv6 would be ground truth no lookup could ever find.
  if (peersV6 > 0 && !ipv6) fail(`${where}.peersV6 needs ipv6: true (the IPv6 peers are only served over udp6)`);
  const resolved: ResolvedTorrentSpec = { peers, peersV6 };
  if (spec.infohash !== undefined) resolved.infohash = parseInfohash(spec.infohash);
  if (spec.seeds !== undefined) resolved.seeds = integerIn(`${where}.seeds`, spec.seeds, 0, peers);
  if (spec.seedsV6 !== undefined) resolved.seedsV6 = integerIn(`${where}.seedsV6`, spec.seedsV6, 0, peersV6);
  return resolved;
}

function countryShares(value: Record<string, number>): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('countries must be an object such as {"DE": 0.3, "US": 0.5}');
  let total = 0;
  const shares: Record<string, number> = {};
  for (const [code, share] of Object.entries(value)) {
    if (!/^[A-Z]{2}$/.test(code)) fail(`countries: "${code}" is not an ISO 3166-1 alpha-2 code such as DE`);
    shares[code] = numberIn(`countries.${code}`, share, 0, 1);
    total += share;
  }
  if (total > 1 + 1e-9) fail(`countries: the shares add up to ${Math.round(total * 1000) / 1000}, more than 1`);
  return shares;
}

function hostileBehaviours(value: HostileBehaviour[] | undefined): HostileBehaviour[] {
  if (value === undefined) return [...HOSTILE_BEHAVIOURS];
  if (!Array.isArray(value) || value.length === 0) fail(`hostileBehaviours must be a non-empty list of ${HOSTILE_BEHAVIOURS.join(', ')}`);
  const unknown = value.find((name) => !HOSTILE_BEHAVIOURS.includes(name));
  if (unknown !== undefined) fail(`unknown hostile behaviour "${String(unknown)}"; known: ${HOSTILE_BEHAVIOURS.join(', ')}`);
  return [...new Set(value)];
}

function sizeDistribution(value: SwarmSizeDistribution | undefined): SwarmSizeDistribution {
  if (value !== undefined && !SWARM_SIZE_DISTRIBUTIONS.includes(value)) fail(`sizeDistribution must be one of ${SWARM_SIZE_DISTRIBUTIONS.join(', ')}, got ${String(value)}`);
  return value ?? 'uniform';
}

function internetKnobs(profile: SimProfile, value: Partial<InternetKnobs> | undefined): InternetKnobs {
  if (profile !== 'friendly' && profile !== 'internet') fail(`profile must be friendly or internet, got ${String(profile)}`);
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) fail('internet must be an object of knobs such as {"deadShare": 0.4}');
  const merged: InternetKnobs = { ...(profile === 'internet' ? INTERNET_KNOBS : FRIENDLY_KNOBS), ...value };
  const unknown = Object.keys(value ?? {}).find((key) => !(key in INTERNET_KNOBS));
  if (unknown !== undefined) fail(`unknown internet knob "${unknown}"; known: ${Object.keys(INTERNET_KNOBS).join(', ')}`);
  if (!STORAGE_FULL_POLICIES.includes(merged.storageFull)) fail(`storageFull must be one of ${STORAGE_FULL_POLICIES.join(', ')}, got ${String(merged.storageFull)}`);
  const shares = ['deadShare', 'storeNothingShare', 'nodesOnlyShare', 'slice50Share'] as const;
  for (const name of shares) numberIn(name, merged[name], 0, name === 'deadShare' ? 0.95 : 1);
  const implementationShare = merged.storeNothingShare + merged.nodesOnlyShare + merged.slice50Share;
  if (implementationShare > 1 + 1e-9) fail(`storeNothingShare + nodesOnlyShare + slice50Share add up to ${implementationShare}, more than 1`);
  numberIn('churnPerMinute', merged.churnPerMinute, 0, 10);
  numberIn('rttMedianMs', merged.rttMedianMs, 0, 60_000);
  numberIn('rttP95Ms', merged.rttP95Ms, merged.rttMedianMs, 60_000);
  numberIn('lossRate', merged.lossRate, 0, 0.99);
  integerIn('maxPeersPerNode', merged.maxPeersPerNode, 0, MAX_PEERS_PER_TORRENT);
  numberIn('uploadBytesPerSec', merged.uploadBytesPerSec, 0, 1e9);
  numberIn('blockRatePerSec', merged.blockRatePerSec, 0, 1e6);
  numberIn('blockTimeoutSec', merged.blockTimeoutSec, 0, 86_400);
  return merged;
}

export function resolveSimOptions(options: SimSwarmOptions = {}): ResolvedSimOptions {
  const profile = options.profile ?? 'friendly';
  const knobs = internetKnobs(profile, options.internet);
  const nodes = integerIn('nodes', options.nodes ?? 200, 1, MAX_SIM_NODES);
  const rttMs = numberIn('rttMs', options.rttMs ?? 0, 0, 60_000);
  const minPeers = integerIn('minPeers', options.minPeers ?? 10, 0, MAX_PEERS_PER_TORRENT);
  const maxPeers = integerIn('maxPeers', options.maxPeers ?? 5000, 0, MAX_PEERS_PER_TORRENT);
  if (minPeers > maxPeers) fail(`minPeers (${minPeers}) must not exceed maxPeers (${maxPeers})`);
  const valuesPerReply = integerIn('valuesPerReply', options.valuesPerReply ?? LIBTORRENT_MAX_PEERS_REPLY, 1, MAX_VALUES_PER_REPLY);
  const ipv6 = options.ipv6 ?? false;
  if (typeof ipv6 !== 'boolean') fail(`ipv6 must be true or false, got ${String(ipv6)}`);
  const seed = options.seed ?? 1;
  if (typeof seed !== 'string' && !Number.isFinite(seed)) fail(`seed must be a number or a string, got ${String(seed)}`);
  const resolved: ResolvedSimOptions = {
    nodes,
    torrents: integerIn('torrents', options.torrents ?? 5, 0, 100_000),
    seed,
    minPeers,
    maxPeers,
    sizeDistribution: sizeDistribution(options.sizeDistribution),
    sizeAlpha: numberIn('sizeAlpha', options.sizeAlpha ?? DEFAULT_PARETO_ALPHA, 0.1, 10),
    // A loss rate of 1 would make every lookup hang until its own timeout: refuse it.
    lossRate: numberIn('lossRate', options.lossRate ?? knobs.lossRate, 0, 0.99),
    rttMs,
    jitterMs: numberIn('jitterMs', options.jitterMs ?? rttMs / 5, 0, 60_000),
    valuesPerReply,
    bindHostBase: bindHostBase(options.bindHostBase ?? DEFAULT_BIND_HOST_BASE),
    port: integerIn('port', options.port ?? 0, 0, 65535),
    bootstrapCount: Math.min(nodes, integerIn('bootstrapCount', options.bootstrapCount ?? 4, 1, 64)),
    ipv6,
    valuesPerReplyV6: integerIn(
      'valuesPerReplyV6',
      options.valuesPerReplyV6 ?? Math.max(1, Math.floor(valuesPerReply / LIBTORRENT_V6_VALUES_DIVISOR)),
      1,
      MAX_VALUES_PER_REPLY_V6,
    ),
    hostileShare: numberIn('hostileShare', options.hostileShare ?? 0, 0, 1),
    hostileBehaviours: hostileBehaviours(options.hostileBehaviours),
    // libtorrent clamps the interval to [0, 21600] (BEP 51's six hours) and refuses nothing; the sim refuses.
    sampleIntervalSec: integerIn('sampleIntervalSec', options.sampleIntervalSec ?? LIBTORRENT_SAMPLE_INTERVAL_SEC, 0, LIBTORRENT_SAMPLE_INTERVAL_SEC),
    maxSamplesPerReply: integerIn('maxSamplesPerReply', options.maxSamplesPerReply ?? LIBTORRENT_MAX_INFOHASH_SAMPLES, 0, MAX_SAMPLES_PER_REPLY),
    profile,
    // An explicit rttMs keeps the uniform rttMs ± jitterMs delay; otherwise the profile's log-normal one.
    knobs: options.rttMs !== undefined ? { ...knobs, rttMedianMs: 0, rttP95Ms: 0 } : knobs,
  };
  if (options.catalogue !== undefined) resolved.catalogue = catalogueOptions(options.catalogue, resolved.bindHostBase);
  if (options.pexSwarms !== undefined) resolved.pexSwarms = pexSwarmOptions(options.pexSwarms, resolved.bindHostBase, resolved.catalogue?.metadataHostBase);
  if (options.countries !== undefined) resolved.countries = countryShares(options.countries);
  if (options.torrentSpecs !== undefined) {
    if (!Array.isArray(options.torrentSpecs)) fail('torrentSpecs must be an array');
    resolved.torrentSpecs = options.torrentSpecs.map((spec, index) => torrentSpec(spec, index, ipv6));
    const infohashes = resolved.torrentSpecs.flatMap((spec) => (spec.infohash ? [spec.infohash] : []));
    const duplicate = infohashes.find((infohash, index) => infohashes.indexOf(infohash) !== index);
    if (duplicate) fail(`torrentSpecs lists infohash ${duplicate} twice`);
  }
  return resolved;
}
