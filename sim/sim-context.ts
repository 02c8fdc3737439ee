/**
 * What every simulated node shares: the global contact list and routing tables, the token secrets,
 * the network conditions, the runtime PRNG and the counters. One object, referenced by all nodes,
 * so a node itself stays a handful of fields.
 */
import type { Contact } from './contact.ts';
import type { NetworkConditions } from './network-conditions.ts';
import type { SeededRandom } from './prng.ts';
import type { RoutingTables } from './routing-tables.ts';
import type { TokenSecrets } from './token-secrets.ts';

/** Counters for tests and benchmarks: what the swarm was asked and what it did. */
export interface SimStats {
  /** Datagrams received by any node. */
  datagrams: number;
  /** Datagrams that were not KRPC, or not queries (the sim never sends queries). */
  ignored: number;
  /** Queries lost to `lossRate`. */
  dropped: number;
  /** Queries answered, by method name (unknown methods count under their own name). */
  queries: Record<string, number>;
  /** Error replies sent (bad arguments, bad token, unknown method). */
  errorReplies: number;
  /** announce_peer queries that stored a peer. */
  announcesStored: number;
}

export function newSimStats(): SimStats {
  return { datagrams: 0, ignored: 0, dropped: 0, queries: Object.create(null) as Record<string, number>, errorReplies: 0, announcesStored: 0 };
}

export interface SimContext {
  /** Contact of node i (id + compact node info), filled once every node is bound. */
  contacts: Contact[];
  tables: RoutingTables;
  tokens: TokenSecrets;
  conditions: NetworkConditions;
  /** Runtime stream for `values` subsets, separate from setup and loss so each stays reproducible. */
  valuesRandom: SeededRandom;
  valuesPerReply: number;
  stats: SimStats;
  /** infohash (hex) → indices of nodes holding announced peers for it, for `peersOf`. */
  announcedHolders: Map<string, Set<number>>;
  nowMs: () => number;
}
