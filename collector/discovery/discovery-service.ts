/**
 * Discovery as one service: a DHT socket of its own under the operator's query budget
 * (`--discovery-rate`) and the per-IP politeness of every socket; the BEP 51 sampling crawler and
 * the passive node on that socket feed the persisted queue; metadata workers (their own concurrency
 * budget) fetch and verify each candidate's info dictionary and hand it to the judge. Candidates
 * whose metadata cannot be had within the set number of attempts are dropped with a reason.
 */
import type Database from 'better-sqlite3';
import { describeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { bootstrapDht } from '../dht/bootstrap.ts';
import { KnownNodes } from '../dht/known-nodes.ts';
import { KrpcSocket } from '../dht/krpc-socket.ts';
import type { DiscoveriesRepo, Discovery } from '../../store/state/discoveries-repo.ts';
import type { DiscoveryQueue } from '../../store/state/discovery-queue.ts';
import type { TorrentRegistry } from '../../store/types.ts';
import type { ConnectOptions } from '../peer-wire/connect.ts';
import { fetchCandidateMetadata } from './candidate-metadata.ts';
import { judgeCandidate, type JudgeDeps } from './judge-candidate.ts';
import { NodeFrontier } from './node-frontier.ts';
import { PassiveNode } from './passive-node.ts';
import { SamplingCrawler } from './sampling-crawler.ts';
import { sleepMs } from '../../core/clock.ts';

export interface DiscoverySettings {
  bindHost: string;
  port: number;
  bootstrap: readonly string[];
  bootstrapTimeoutMs: number;
  queryTimeoutMs: number;
  allowPrivateAddresses: boolean;
  loopbackOnly: boolean;
  maxQueriesPerIpPer10s: number;
  /** The whole budget of this socket, queries per second. */
  ratePerSecond: number;
  passive: boolean;
  metadataConcurrency: number;
  metadataAttempts: number;
  /** First retry delay of a candidate whose metadata was not found; doubles per attempt. */
  metadataRetryMs: number;
  connect: ConnectOptions;
  handshakeTimeoutMs: number;
  metadataTimeoutMs: number;
  metadataMaxBytes: number;
}

export interface DiscoveryServiceDeps extends Omit<JudgeDeps, 'stateDb' | 'queue' | 'discoveries' | 'registry'> {
  stateDb: Database.Database;
  queue: DiscoveryQueue;
  discoveries: DiscoveriesRepo;
  registry: TorrentRegistry;
  log: Logger;
}

export interface DiscoveryRunReport {
  startedAtMs: number;
  finishedAtMs: number;
  discoveries: Discovery[];
  crawl: SamplingCrawler['counters'];
  frontier: ReturnType<NodeFrontier['stats']>;
  passive: PassiveNode['counters'] | null;
  queue: ReturnType<DiscoveryQueue['counts']>;
}

const IDLE_POLL_MS = 500;

export class DiscoveryService {
  readonly frontier = new NodeFrontier();
  readonly knownNodes = new KnownNodes();
  readonly crawler: SamplingCrawler;
  readonly passive: PassiveNode | null;
  private readonly found: Discovery[] = [];
  private stopped = false;
  private crawlDone = false;
  private metadataInFlight = 0;

  private constructor(
    readonly socket: KrpcSocket,
    passive: PassiveNode | null,
    private readonly settings: DiscoverySettings,
    private readonly deps: DiscoveryServiceDeps,
  ) {
    this.passive = passive;
    this.crawler = new SamplingCrawler({
      socket,
      frontier: this.frontier,
      knownNodes: this.knownNodes,
      allowPrivateAddresses: settings.allowPrivateAddresses,
      // Enough queries in flight to spend the budget when replies take ~1 s.
      workers: Math.max(1, Math.min(64, Math.ceil(settings.ratePerSecond))),
      onSample: (infohash) => this.offer(infohash, 'sample'),
    });
  }

  static async open(settings: DiscoverySettings, deps: DiscoveryServiceDeps): Promise<DiscoveryService> {
    let passive: PassiveNode | null = null;
    let service: DiscoveryService | undefined;
    const socket = await KrpcSocket.open({
      bindHost: settings.bindHost,
      port: settings.port,
      maxQueryTimeoutMs: settings.queryTimeoutMs,
      maxQueriesPerIpPer10s: settings.maxQueriesPerIpPer10s,
      maxQueriesPerSecond: settings.ratePerSecond,
      loopbackOnly: settings.loopbackOnly,
      ...(settings.passive ? { answerQuery: (query, remote) => passive?.answer(query, remote) } : {}),
    });
    if (settings.passive) {
      passive = new PassiveNode({
        nodeId: socket.nodeId,
        closestContacts: (target, family, count) => (family === 4 ? service?.knownNodes.closest(target, count) ?? [] : []),
        onInfohash: (infohash) => service?.offer(infohash, 'passive'),
      });
    }
    service = new DiscoveryService(socket, passive, settings, deps);
    return service;
  }

  /** Joins the DHT through the bootstrap nodes; the nodes learned seed the crawl. */
  async bootstrap(): Promise<void> {
    const { settings } = this;
    await bootstrapDht(this.socket, this.knownNodes, settings.bootstrap, {
      timeoutMs: settings.bootstrapTimeoutMs,
      queryTimeoutMs: settings.queryTimeoutMs,
      allowPrivateAddresses: settings.allowPrivateAddresses,
      explorationLookups: 4,
    });
    for (const node of this.knownNodes.closest(this.socket.nodeId, this.knownNodes.size)) this.frontier.add(node);
  }

  /** One pass: every reachable node sampled once (or the deadline), then every queued candidate judged or given up. */
  async runOnce(options: { deadlineMs: number }): Promise<DiscoveryRunReport> {
    const startedAtMs = Date.now();
    const metadata = this.metadataLoop({ untilIdle: true, deadlineMs: options.deadlineMs });
    await this.crawler.run({ once: true, deadlineMs: options.deadlineMs });
    this.crawlDone = true;
    await metadata;
    return this.report(startedAtMs);
  }

  /** Runs until stop(): crawling, listening and fetching. */
  async run(): Promise<void> {
    await Promise.all([this.crawler.run(), this.metadataLoop({ untilIdle: false })]);
  }

  report(startedAtMs: number): DiscoveryRunReport {
    return {
      startedAtMs,
      finishedAtMs: Date.now(),
      discoveries: [...this.found],
      crawl: { ...this.crawler.counters },
      frontier: this.frontier.stats(),
      passive: this.passive ? { ...this.passive.counters } : null,
      queue: this.deps.queue.counts(),
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.crawler.stop();
    await this.socket.close();
  }

  private offer(infohash: string, foundBy: 'sample' | 'passive'): void {
    try {
      this.deps.queue.offer([infohash], foundBy, Date.now(), (known) => this.deps.registry.get(known, { includeRemoved: true }) !== undefined);
    } catch (error) {
      this.deps.log.warn({ err: describeError(error) }, 'discovery: could not queue a candidate');
    }
  }

  private async metadataLoop(options: { untilIdle: boolean; deadlineMs?: number }): Promise<void> {
    const workers = Array.from({ length: this.settings.metadataConcurrency }, async () => {
      while (!this.stopped) {
        if (options.deadlineMs !== undefined && performance.now() >= options.deadlineMs) return;
        const [candidate] = this.deps.queue.take(Date.now(), 1);
        if (!candidate) {
          // In a one-pass run, stop once the crawl is over and nothing is queued or being fetched.
          // Queued-but-not-due candidates wait for their retry (a one-pass run uses short retries).
          if (options.untilIdle && this.crawlDone && this.metadataInFlight === 0 && this.deps.queue.queuedCount() === 0) return;
          await sleepMs(IDLE_POLL_MS);
          continue;
        }
        this.metadataInFlight++;
        try {
          await this.resolve(candidate);
        } finally {
          this.metadataInFlight--;
        }
      }
    });
    await Promise.all(workers);
  }

  private async resolve(candidate: Parameters<typeof judgeCandidate>[0]): Promise<void> {
    const { settings } = this;
    const outcome = await fetchCandidateMetadata(candidate.infohash, {
      socket: this.socket,
      knownNodes: this.knownNodes,
      allowPrivateAddresses: settings.allowPrivateAddresses,
      connect: settings.connect,
      handshakeTimeoutMs: settings.handshakeTimeoutMs,
      metadataTimeoutMs: settings.metadataTimeoutMs,
      metadataMaxBytes: settings.metadataMaxBytes,
    });
    const nowMs = Date.now();
    if (!outcome.ok) {
      const giveUp = candidate.attempts >= settings.metadataAttempts;
      this.deps.queue.failed(candidate.infohash, outcome.problem, { giveUp, nowMs, retryAtMs: nowMs + settings.metadataRetryMs * 2 ** (candidate.attempts - 1) });
      return;
    }
    try {
      const verdict = judgeCandidate(candidate, outcome.metadata, this.deps);
      if (verdict.kept) {
        this.found.push(verdict.discovery);
        this.deps.log.info({ infohash: candidate.infohash, score: verdict.discovery.score, name: verdict.discovery.name }, 'discovery');
      }
    } catch (error) {
      this.deps.log.error({ err: describeError(error), infohash: candidate.infohash }, 'discovery: judging a candidate failed');
      this.deps.queue.failed(candidate.infohash, 'judge-error', { giveUp: true, nowMs, retryAtMs: nowMs });
    }
  }
}
