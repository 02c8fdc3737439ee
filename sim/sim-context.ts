/**
 * What every simulated node shares: the global contact lists and routing tables (one per address
 * family), the token secrets, the network conditions, the runtime PRNGs and the counters. One
 * object, referenced by all nodes, so a node itself stays a handful of fields.
 */
import type { Contact } from './contact.ts';
import type { FloodBudget } from './flood.ts';
import type { HostileBehaviour } from './hostile-behaviours.ts';
import type { InternetKnobs } from './internet-profile.ts';
import type { NodeKinds } from './node-kinds.ts';
import type { NetworkConditions } from './network-conditions.ts';
import type { SeededRandom } from './prng.ts';
import type { RoutingTables } from './routing-tables.ts';
import type { SeededTorrent } from './seeded-torrents.ts';
import type { IpFamily } from './synthetic-addresses.ts';
import type { TokenSecrets } from './token-secrets.ts';

/** Counters for tests and benchmarks: what the swarm was asked and what it did. */
export interface SimStats {
  /** Datagrams received by any node, over either family. */
  datagrams: number;
  /** Of those, datagrams received over udp6. */
  datagramsV6: number;
  /** Datagrams that were not KRPC, or not queries (the sim never sends queries). */
  ignored: number;
  /** Queries lost to `lossRate`. */
  dropped: number;
  /**
   * Queries answered the honest way, by method name (unknown methods count under their own name);
   * what hostile nodes answer in their own way counts under `hostile.replies` instead.
   */
  queries: Record<string, number>;
  /** Error replies sent the honest way (bad arguments, bad token, unknown method). */
  errorReplies: number;
  /** announce_peer queries that stored a peer. */
  announcesStored: number;
  hostile: HostileStats;
  /** The catalogue's metadata peers (metadata-peers.ts); all 0 without a catalogue. */
  metadataPeers: MetadataPeerStats;
  /** What the Internet profile's knobs did (internet-profile.ts); all 0 in the friendly profile. */
  profile: ProfileStats;
}

export interface ProfileStats {
  /** Packets sent to dead nodes (never answered). */
  deadDropped: number;
  /** Packets dropped because their source IP was blocked (dos-blocker.ts). */
  blockedDropped: number;
  /** Queries dropped because the node's upload budget was spent (upload-quota.ts). */
  quotaDropped: number;
  /** Blocks imposed, one per (node, IP) block: what a polite collector must never trigger. */
  blocks: number;
  /** The first blocks, for a test or a log to name: which node blocked which IP, when. */
  blockLog: { node: string; ip: string; atMs: number }[];
  churn: { left: number; joined: number };
}

export interface MetadataPeerStats {
  /** TCP connections accepted. */
  connections: number;
  /** BEP 3 handshakes for an infohash the listener serves, answered. */
  handshakes: number;
  /** Handshakes for an infohash the listener does not serve: the connection was closed. */
  refused: number;
  /** ut_metadata (BEP 9) messages received: requests for metadata pieces. */
  metadataRequests: number;
  /** BEP 3 `request` messages received (never answered: a sim peer holds no payload). */
  payloadRequests: number;
  /** ut_pex (BEP 11) messages sent by the PEX swarms' listeners (sim/pex-swarms.ts). */
  pexMessages: number;
}

export interface HostileStats {
  /** How many hostile nodes there are, by behaviour. */
  nodes: Record<string, number>;
  /** Queries hostile nodes answered, by behaviour (including those a behaviour leaves honest, e.g. a ping to `fabricate`). */
  replies: Record<string, number>;
  /** Unsolicited datagrams sent by `flood` nodes. */
  floodDatagrams: number;
  /** Flood datagrams not sent because the swarm-wide flood budget was spent. */
  floodSuppressed: number;
  /** Replies larger than the 8 KiB KRPC cap sent by `oversized` nodes. */
  oversizedReplies: number;
}

export function newSimStats(): SimStats {
  const record = (): Record<string, number> => Object.create(null) as Record<string, number>;
  return {
    datagrams: 0,
    datagramsV6: 0,
    ignored: 0,
    dropped: 0,
    queries: record(),
    errorReplies: 0,
    announcesStored: 0,
    hostile: { nodes: record(), replies: record(), floodDatagrams: 0, floodSuppressed: 0, oversizedReplies: 0 },
    metadataPeers: { connections: 0, handshakes: 0, refused: 0, metadataRequests: 0, payloadRequests: 0, pexMessages: 0 },
    profile: { deadDropped: 0, blockedDropped: 0, quotaDropped: 0, blocks: 0, blockLog: [], churn: { left: 0, joined: 0 } },
  };
}

/** What one address family needs: node i's contact (id + compact node info) and the tables. */
export interface FamilyNetwork {
  /** Filled once every node is bound (the ports are not known before). */
  contacts: Contact[];
  tables: RoutingTables;
}

export interface SimContext {
  /** IPv4 always; IPv6 only with `ipv6: true`. */
  networks: { 4: FamilyNetwork; 6?: FamilyNetwork };
  tokens: TokenSecrets;
  conditions: NetworkConditions;
  /** Runtime stream for `values` subsets, separate from setup and loss so each stays reproducible. */
  valuesRandom: SeededRandom;
  /** Runtime stream for everything hostile nodes make up. */
  hostileRandom: SeededRandom;
  /** Runtime stream for BEP 51 `samples` subsets. */
  samplesRandom: SeededRandom;
  valuesPerReply: Record<IpFamily, number>;
  /** BEP 51 as libtorrent answers it (sample-infohashes.ts). */
  sampling: { intervalSec: number; maxSamples: number };
  stats: SimStats;
  /** infohash (hex) → indices of nodes holding announced peers for it, for `peersOf`. */
  announcedHolders: Map<string, Set<number>>;
  /** infohash (hex) → ground truth, for `duplicate` nodes that repeat honest values. */
  torrentsByInfohash: Map<string, SeededTorrent>;
  hostileBehaviourOf: Map<number, HostileBehaviour>;
  floodBudget: FloodBudget;
  nowMs: () => number;
  /** The Internet profile's knobs (all off in the friendly profile) and each node's implementation and liveness. */
  knobs: InternetKnobs;
  nodeKinds: NodeKinds;
  /** Runtime stream for storage decisions (replace-random, jech/dht slices). */
  storageRandom: SeededRandom;
  /** The swarm's seed: per-node stored subsets draw from streams named after it (stored-peers.ts). */
  seed: number | string;
  /** Told of each block as it happens (the sim command logs it). */
  onBlock?: (event: { node: string; ip: string; atMs: number }) => void;
}
