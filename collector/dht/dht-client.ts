/**
 * The collector's presence on the DHT: one socket, the nodes it knows, bootstrap and lookups.
 * IPv6 (BEP 32) and the BEP 33 scrape plug in here as separate stages.
 */
import type { DhtCounters } from './dht-counters.ts';
import { bootstrapDht, type BootstrapReport } from './bootstrap.ts';
import { getPeers, type GetPeersOptions, type LookupResult } from './get-peers.ts';
import { KnownNodes } from './known-nodes.ts';
import { KrpcSocket } from './krpc-socket.ts';

export interface DhtClientOptions {
  bindHost: string;
  port: number;
  bootstrap: readonly string[];
  bootstrapTimeoutMs: number;
  allowPrivateAddresses: boolean;
  lookup: Partial<GetPeersOptions>;
}

export class DhtClient {
  readonly knownNodes = new KnownNodes();
  private bootstrapped?: BootstrapReport;

  private constructor(
    readonly socket: KrpcSocket,
    private readonly options: DhtClientOptions,
  ) {}

  static async open(options: DhtClientOptions): Promise<DhtClient> {
    const socket = await KrpcSocket.open({ bindHost: options.bindHost, port: options.port });
    return new DhtClient(socket, options);
  }

  get counters(): DhtCounters {
    return this.socket.counters;
  }

  get isBootstrapped(): boolean {
    return this.bootstrapped !== undefined;
  }

  async bootstrap(): Promise<BootstrapReport> {
    this.bootstrapped = await bootstrapDht(this.socket, this.knownNodes, this.options.bootstrap, {
      timeoutMs: this.options.bootstrapTimeoutMs,
      queryTimeoutMs: this.options.lookup.queryTimeoutMs ?? 2000,
      allowPrivateAddresses: this.options.allowPrivateAddresses,
      explorationLookups: 4,
    });
    return this.bootstrapped;
  }

  lookup(infohash: string): Promise<LookupResult> {
    return getPeers(this.socket, this.knownNodes, infohash, { ...this.options.lookup, allowPrivateAddresses: this.options.allowPrivateAddresses });
  }

  close(): Promise<void> {
    return this.socket.close();
  }
}
