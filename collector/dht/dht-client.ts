/**
 * The collector's presence on the DHT: one socket per address family (BEP 32: the IPv6 DHT is a
 * separate network with its own nodes and 18-byte values), the nodes each knows, bootstrap,
 * lookups and BEP 33 scrapes. A family whose bootstrap fails is left out with a warning; only when
 * no family can join does bootstrap fail.
 */
import net from 'node:net';
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import type { NodeContact } from '../../protocol/compact.ts';
import { bootstrapDht, type BootstrapReport } from './bootstrap.ts';
import { DhtCounters } from './dht-counters.ts';
import { getPeers, type GetPeersOptions, type LookupResult } from './get-peers.ts';
import { KnownNodes } from './known-nodes.ts';
import { KrpcSocket } from './krpc-socket.ts';
import { loadNodes, saveNodes } from './node-cache-file.ts';
import { scrapeSwarm, type ScrapeResult } from './scrape.ts';
import { SuspectNodes } from './suspect-nodes.ts';

export interface DhtClientOptions {
  bindHost: string;
  /** Address of the IPv6 socket; null for IPv4 only. */
  bindHost6?: string | null;
  port: number;
  bootstrap: readonly string[];
  bootstrapTimeoutMs: number;
  allowPrivateAddresses: boolean;
  /** The longest one query may wait; timeouts adapt to measured RTTs below it. */
  queryTimeoutMs?: number;
  maxQueriesPerIpPer10s?: number;
  /** false: fixed timeouts instead of RTT-based ones (for comparison in benchmarks). */
  adaptiveTimeouts?: boolean;
  /** Query only loopback addresses (tests, sim, demo): see KrpcSocketOptions.loopbackOnly. */
  loopbackOnly?: boolean;
  /** Where the known nodes are saved between runs; none when omitted. */
  nodesFile?: string;
  lookup?: Partial<GetPeersOptions>;
}

interface Family {
  family: 4 | 6;
  socket: KrpcSocket;
  knownNodes: KnownNodes;
  joined?: BootstrapReport;
  problem?: string;
  /** A rejoin in progress, shared by every lookup that finds the family without known nodes. */
  rejoining?: Promise<void>;
}

export interface DualLookupResult extends Omit<LookupResult, 'closest'> {
  closest: { socket: KrpcSocket; contact: NodeContact; token?: Buffer }[];
  /** The families whose lookup reached at least one node: only their counts are measurements. */
  measuredFamilies: (4 | 6)[];
}

export class DhtClient {
  readonly counters: DhtCounters;
  readonly suspects = new SuspectNodes();

  private constructor(
    private readonly families: Family[],
    private readonly options: DhtClientOptions,
    counters: DhtCounters,
  ) {
    this.counters = counters;
  }

  static async open(options: DhtClientOptions): Promise<DhtClient> {
    const counters = new DhtCounters();
    const socketOptions = { port: options.port, counters, maxQueryTimeoutMs: options.queryTimeoutMs, maxQueriesPerIpPer10s: options.maxQueriesPerIpPer10s, loopbackOnly: options.loopbackOnly, adaptiveTimeouts: options.adaptiveTimeouts };
    const families: Family[] = [{ family: 4, socket: await KrpcSocket.open({ ...socketOptions, bindHost: options.bindHost }), knownNodes: new KnownNodes() }];
    if (options.bindHost6) {
      try {
        families.push({ family: 6, socket: await KrpcSocket.open({ ...socketOptions, bindHost: options.bindHost6 }), knownNodes: new KnownNodes() });
      } catch (error) {
        // A host without IPv6 still measures IPv4; `dht_peers_v6` is then null, not 0.
        families[0]!.problem = `IPv6 socket: ${describeError(error)}`;
      }
    }
    return new DhtClient(families, options, counters);
  }

  get isBootstrapped(): boolean {
    return this.families.some((family) => family.joined);
  }

  /** The families that joined: a lookup measures only these. */
  get joinedFamilies(): (4 | 6)[] {
    return this.families.filter((family) => family.joined).map((family) => family.family);
  }

  get knownNodeCount(): number {
    return this.families.reduce((sum, family) => sum + family.knownNodes.size, 0);
  }

  /** The IPv4 socket's address (tests and diagnostics). */
  get address(): { host: string; port: number } {
    return this.families[0]!.socket.address;
  }

  async bootstrap(): Promise<BootstrapReport> {
    const savedNodes = this.options.nodesFile ? loadNodes(this.options.nodesFile, this.options.bootstrap) : [];
    const wanted = (family: 4 | 6) => this.options.bootstrap.some((entry) => !net.isIP(parseHost(entry)) || net.isIP(parseHost(entry)) === family);
    await Promise.all(
      this.families.map(async (family) => {
        if (!wanted(family.family) && !savedNodes.some((node) => node.family === family.family)) {
          family.problem = `no IPv${family.family} bootstrap node given`;
          return;
        }
        await this.join(family, savedNodes);
      }),
    );
    const joined = this.families.filter((family) => family.joined);
    if (joined.length === 0) {
      const reasons = this.families.map((family) => family.problem).filter(Boolean);
      throw new SwarmscopeError('bootstrap_unreachable', reasons.length === 1 ? reasons[0]! : reasons.join(' | '));
    }
    this.saveKnownNodes();
    return {
      answered: joined.flatMap((family) => family.joined!.answered.map((label) => `${label} (IPv${family.family})`)),
      knownNodes: this.knownNodeCount,
      durationMs: Math.max(...joined.map((family) => family.joined!.durationMs)),
    };
  }

  private async join(family: Family, savedNodes: readonly NodeContact[] = []): Promise<void> {
    try {
      family.joined = await bootstrapDht(family.socket, family.knownNodes, this.options.bootstrap, {
        timeoutMs: this.options.bootstrapTimeoutMs,
        queryTimeoutMs: this.options.queryTimeoutMs ?? 2000,
        allowPrivateAddresses: this.options.allowPrivateAddresses,
        explorationLookups: 4,
        savedNodes,
      });
      family.problem = undefined;
    } catch (error) {
      family.problem = describeError(error);
    }
  }

  /** Why a family is not measuring, for /readyz and the log. */
  familyProblems(): string[] {
    return this.families.filter((family) => !family.joined && family.problem).map((family) => `IPv${family.family}: ${family.problem}`);
  }

  /**
   * Every known node of a family failed since it joined (churn, or a hostile router): join again,
   * once for all the lookups that notice it; a family whose rejoin fails stops measuring (its
   * counts become null) until the next bootstrap, instead of re-bootstrapping on every lookup.
   */
  private rejoin(family: Family): Promise<void> {
    family.rejoining ??= this.join(family).finally(() => {
      if (family.problem) family.joined = undefined;
      family.rejoining = undefined;
    });
    return family.rejoining;
  }

  /**
   * One lookup per joined family, merged: IPv4 values come from the IPv4 DHT, IPv6 values from the
   * IPv6 DHT. A family that fails or reaches no node is left out (its counts are not measured),
   * and if no family reached a node the lookup fails: "no node answered" is not "no peers".
   */
  async lookup(infohash: string): Promise<DualLookupResult> {
    const options = { ...this.options.lookup, allowPrivateAddresses: this.options.allowPrivateAddresses };
    await Promise.all(this.families.filter((family) => family.joined && family.knownNodes.size === 0).map((family) => this.rejoin(family)));
    const joined = this.families.filter((family) => family.joined);
    const settled = await Promise.allSettled(joined.map((family) => getPeers(family.socket, family.knownNodes, infohash, options, this.suspects)));
    const merged: DualLookupResult = {
      infohash,
      peers: new Map(),
      uncorroborated: 0,
      farOrSuspectOnly: 0,
      respondedNodes: 0,
      queriedNodes: 0,
      closest: [],
      queries: 0,
      harvestQueries: 0,
      durationMs: 0,
      measuredFamilies: [],
    };
    const problems: string[] = [];
    settled.forEach((outcome, index) => {
      const family = joined[index]!;
      if (outcome.status === 'rejected') {
        problems.push(`IPv${family.family}: ${describeError(outcome.reason)}`);
        return;
      }
      const result = outcome.value;
      merged.queries += result.queries;
      if (result.respondedNodes === 0) {
        problems.push(`IPv${family.family}: no node answered`);
        return;
      }
      merged.measuredFamilies.push(family.family);
      for (const [key, peer] of result.peers) merged.peers.set(key, peer);
      merged.uncorroborated += result.uncorroborated;
      merged.farOrSuspectOnly += result.farOrSuspectOnly;
      merged.respondedNodes += result.respondedNodes;
      merged.queriedNodes += result.queriedNodes;
      merged.harvestQueries += result.harvestQueries;
      merged.durationMs = Math.max(merged.durationMs, result.durationMs);
      merged.closest.push(...result.closest.map((entry) => ({ ...entry, socket: family.socket })));
    });
    if (merged.measuredFamilies.length === 0) {
      throw new SwarmscopeError('bootstrap_unreachable', `the lookup reached no DHT node (${problems.join('; ') || 'no family joined'})`);
    }
    return merged;
  }

  scrape(infohash: string, closest: DualLookupResult['closest']): Promise<ScrapeResult> {
    return scrapeSwarm(infohash, closest);
  }

  private saveKnownNodes(): void {
    if (!this.options.nodesFile) return;
    try {
      saveNodes(this.options.nodesFile, this.options.bootstrap, this.families.flatMap((family) => family.knownNodes.learned()));
    } catch {
      // Saving is a courtesy to the routers; a read-only data folder must not stop measuring.
    }
  }

  async close(): Promise<void> {
    this.saveKnownNodes();
    await Promise.all(this.families.map((family) => family.socket.close()));
  }
}

function parseHost(entry: string): string {
  return /^\[([^\]]+)\]:\d+$/.exec(entry)?.[1] ?? entry.replace(/:\d+$/, '');
}
