/**
 * The BEP 51 crawl: ask the nodes of the frontier for `sample_infohashes` with a random target each
 * time, so the `nodes` of the replies (the contacts closest to that target) spread the frontier over
 * the whole keyspace. Every sample is a candidate infohash. Pacing belongs to the socket (the
 * operator's `--discovery-rate` budget, and the per-IP politeness of every DHT socket); the crawler
 * only keeps enough queries in flight to use that budget.
 */
import { randomBytes } from 'node:crypto';
import { NODE_ID_BYTES } from '../../protocol/compact.ts';
import { KrpcRemoteError, KrpcTimeoutError, type KrpcSocket } from '../dht/krpc-socket.ts';
import type { KnownNodes } from '../dht/known-nodes.ts';
import type { FrontierNode, NodeFrontier } from './node-frontier.ts';
import { SamplesUnsupportedError, sampleInfohashes } from './sample-infohashes.ts';

export interface CrawlCounters {
  queries: number;
  replies: number;
  unsupported: number;
  timeouts: number;
  errors: number;
  samples: number;
}

export interface SamplingCrawlerOptions {
  socket: KrpcSocket;
  frontier: NodeFrontier;
  /** Nodes that answered are starting points for the candidates' get_peers lookups. */
  knownNodes: KnownNodes;
  allowPrivateAddresses: boolean;
  /** Queries in flight at once. */
  workers: number;
  onSample(infohash: string): void;
  nowMs?: () => number;
}

/** When no node is due, look again after at most this long (a node may turn due, or a passive query add one). */
const IDLE_POLL_MS = 1_000;

export class SamplingCrawler {
  readonly counters: CrawlCounters = { queries: 0, replies: 0, unsupported: 0, timeouts: 0, errors: 0, samples: 0 };
  private inFlight = 0;
  private stopped = false;
  private readonly nowMs: () => number;
  /** Idle workers, woken when a query ends (it may have added nodes) or on stop. */
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly options: SamplingCrawlerOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Runs until `stop()` or, with `once`, until every node of the frontier has been asked once (a
   * pass: nothing never-sampled is left and nothing is in flight) or `deadlineMs` (performance.now()) passes.
   */
  async run(options: { once?: boolean; deadlineMs?: number } = {}): Promise<void> {
    const workers = Array.from({ length: Math.max(1, this.options.workers) }, () => this.worker(options));
    await Promise.all(workers);
  }

  stop(): void {
    this.stopped = true;
    this.wakeAll();
  }

  private passComplete(): boolean {
    return this.options.frontier.neverSampled === 0 && this.inFlight === 0;
  }

  private async worker(options: { once?: boolean; deadlineMs?: number }): Promise<void> {
    const { frontier } = this.options;
    while (!this.stopped && !this.options.socket.isClosed) {
      if (options.deadlineMs !== undefined && performance.now() >= options.deadlineMs) return;
      const node = options.once ? (frontier.neverSampled > 0 ? frontier.takeDue(this.nowMs()) : undefined) : frontier.takeDue(this.nowMs());
      if (!node) {
        if (options.once && this.passComplete()) return;
        await this.idle(options.once ? 50 : Math.min(IDLE_POLL_MS, Math.max(10, frontier.nextDueAtMs() - this.nowMs())));
        continue;
      }
      this.inFlight++;
      try {
        await this.sample(node);
      } finally {
        this.inFlight--;
        this.wakeAll();
      }
    }
  }

  private async sample(node: FrontierNode): Promise<void> {
    const { socket, frontier, knownNodes, allowPrivateAddresses } = this.options;
    this.counters.queries++;
    try {
      const reply = await sampleInfohashes(socket, node.contact, randomBytes(NODE_ID_BYTES), { allowPrivateAddresses });
      this.counters.replies++;
      knownNodes.markAlive({ ...node.contact, id: reply.nodeId });
      frontier.markSampled(node, reply.intervalSec, reply.num, this.nowMs());
      for (const contact of reply.nodes) frontier.add(contact);
      for (const infohash of reply.samples) {
        this.counters.samples++;
        this.options.onSample(infohash);
      }
    } catch (error) {
      if (error instanceof SamplesUnsupportedError || (error instanceof KrpcRemoteError && error.errorCode === 204)) {
        // It answered: alive, only without BEP 51. Its contacts are still worth having for lookups.
        this.counters.unsupported++;
        knownNodes.markAlive(node.contact);
        frontier.markUnsupported(node, this.nowMs());
      } else {
        if (error instanceof KrpcTimeoutError) this.counters.timeouts++;
        else this.counters.errors++;
        knownNodes.markFailed(node.contact);
        frontier.markFailed(node, this.nowMs());
      }
    }
  }

  private wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }
}
