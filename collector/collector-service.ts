/**
 * The collector as a long-running service: joins the DHT (retrying with backoff while no bootstrap
 * node answers, so `start` keeps serving the API meanwhile), then sweeps the watchlist on a schedule.
 * Its status feeds /readyz and the log.
 */
import { join } from 'node:path';
import type { Logger } from '../core/logger.ts';
import { monotonicMs } from '../core/clock.ts';
import { describeError, isSwarmscopeError } from '../core/errors.ts';
import type { SwarmscopeConfig } from '../core/config.ts';
import type { NewDomainEvent } from '../store/state/domain-events.ts';
import { GAP_CAUSES, type SweepLog } from '../store/state/sweep-log.ts';
import type { SeriesStore, TorrentRegistry } from '../store/types.ts';
import { DhtClient } from './dht/dht-client.ts';
import { measurementSettings, sweepLookupOptions } from './measurement-settings.ts';
import type { MirrorChecker } from './mirrors/mirror-checker.ts';
import { PeerMemory } from './peer-memory.ts';
import { probeSettingsFromConfig } from './peer-wire/probe-settings.ts';
import { SampleClock, type ClockStep } from './sample-clock.ts';
import { SweepScheduler } from './scheduler.ts';
import { SWEEP_BUDGET_SHARE } from './sweep-pace.ts';
import { STOPPED_BEFORE_MEASURED, runSweep, type SweepReport } from './sweep.ts';
import { defaultStages } from './stages/default-stages.ts';
import { createDetailStages } from './stages/detail-stages.ts';
import type { SweepStage } from './stages/stage.ts';
import { inShard } from '../core/shard.ts';

const BOOTSTRAP_RETRY_MAX_MS = 5 * 60 * 1000;
const BOOTSTRAP_RETRY_FIRST_MS = 5000;
/** Lists are paged; a sweep reads the whole watchlist in pages of this size. */
const WATCHLIST_PAGE = 1000;

export interface CollectorStatus {
  dht: { ok: boolean; detail: string };
  lastSweep: { finishedAt: string; torrents: number; failed: number } | null;
}

export interface CollectorOptions {
  /** Reports facts for alert rules (store/state/domain-events.ts), e.g. `torrent.metadata` when a probe fetched metadata. */
  emitDomainEvent?: (event: NewDomainEvent) => void;
  /** HTTP mirrors (collector/mirrors): checked once after `sweepOnce` (collect --once), on their own loop after `start`. */
  mirrors?: MirrorChecker;
  /** Records every sweep attempt, done or failed with its cause, so gaps are explicit (issue 13). */
  sweepLog?: SweepLog;
}

/** The gap cause of a sweep that failed as a whole (store/state/sweep-log.ts). */
export function sweepFailureCause(error: unknown): string {
  const code = isSwarmscopeError(error) ? error.code : undefined;
  const cause = code === 'bootstrap_unreachable' ? GAP_CAUSES.dhtUnreachable : code === 'store_unavailable' ? GAP_CAUSES.storeUnavailable : GAP_CAUSES.sweepFailed;
  return `${cause}: ${describeError(error)}`;
}

export class CollectorService {
  private readonly peerMemory = new PeerMemory();
  private readonly stages: SweepStage[];
  private scheduler?: SweepScheduler;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;
  private dhtDetail = 'bootstrapping';
  private lastSweep: CollectorStatus['lastSweep'] = null;
  /** The last sweep's mean lookup time: the next sweep starts as wide as it implies (collector/sweep-pace.ts). */
  private lastMeanLookupMs?: number;
  private readonly mirrors?: MirrorChecker;
  private readonly sweepLog?: SweepLog;
  private inBackground = false;
  /** Sample stamps: UTC that never runs backwards, steps noticed (collector/sample-clock.ts). */
  private readonly clock: SampleClock;
  private readonly stopping = new AbortController();

  private constructor(
    readonly dht: DhtClient,
    private readonly config: SwarmscopeConfig,
    private readonly registry: TorrentRegistry,
    private readonly series: SeriesStore,
    private readonly log: Logger,
    options: CollectorOptions,
  ) {
    this.mirrors = options.mirrors;
    this.sweepLog = options.sweepLog;
    this.clock = new SampleClock({ floorMs: this.latestStampMs(), onStep: (step) => this.recordClockStep(step) });
    const probe = { settings: probeSettingsFromConfig(config), registry, emitDomainEvent: options.emitDomainEvent };
    this.stages = defaultStages({ dht, peerMemory: this.peerMemory, probe, detail: createDetailStages(config, series) });
  }

  static async open(config: SwarmscopeConfig, registry: TorrentRegistry, series: SeriesStore, log: Logger, options: CollectorOptions = {}): Promise<CollectorService> {
    const dht = await DhtClient.open({
      bindHost: config.dhtBindHost,
      bindHost6: config.dhtBindHost6 === '' ? null : config.dhtBindHost6,
      port: config.dhtPort,
      bootstrap: config.bootstrap,
      bootstrapTimeoutMs: config.bootstrapTimeoutMs,
      allowPrivateAddresses: config.allowPrivateAddresses,
      queryTimeoutMs: config.dhtQueryTimeoutMs,
      maxQueriesPerIpPer10s: config.dhtMaxQueriesPerIpPer10s,
      loopbackOnly: config.dhtLoopbackOnly,
      nodesFile: join(config.dataDir, 'dht-nodes.json'),
      lookup: sweepLookupOptions(config),
    });
    return new CollectorService(dht, config, registry, series, log, options);
  }

  status(): CollectorStatus {
    return { dht: { ok: this.dht.isBootstrapped, detail: this.dhtDetail }, lastSweep: this.lastSweep };
  }

  watchedTorrents() {
    const first = this.registry.list({ offset: 0, limit: WATCHLIST_PAGE });
    const torrents = [...first.torrents];
    while (torrents.length < first.total) {
      const page = this.registry.list({ offset: torrents.length, limit: WATCHLIST_PAGE });
      if (page.torrents.length === 0) break;
      torrents.push(...page.torrents);
    }
    return torrents.filter((torrent) => inShard(torrent.infohash, this.config.shard));
  }

  async bootstrap(): Promise<void> {
    const report = await this.dht.bootstrap();
    const problems = this.dht.familyProblems();
    this.dhtDetail = `joined via ${report.answered.join(', ')}; ${report.knownNodes} nodes known${problems.length ? `; not measuring ${problems.join('; ')}` : ''}`;
    this.log.info({ knownNodes: report.knownNodes, durationMs: report.durationMs }, 'DHT bootstrap complete');
  }

  /** One full sweep of the watchlist; throws if the DHT cannot be joined. Done or failed, it goes in the sweep log. */
  async sweepOnce(): Promise<SweepReport> {
    // The clock is read by runSweep; a sweep that fails before it gets its start from the monotonic clock.
    const startedMonotonicMs = monotonicMs();
    let report: SweepReport;
    let torrents: ReturnType<CollectorService['watchedTorrents']> = [];
    try {
      if (!this.dht.isBootstrapped) await this.bootstrap();
      torrents = this.watchedTorrents();
      const pace = { maxConcurrency: this.config.maxConcurrency, budgetMs: this.config.intervalMs * SWEEP_BUDGET_SHARE, expectedLookupMs: this.lastMeanLookupMs };
      report = await runSweep(torrents, { stages: this.stages, series: this.series, concurrency: this.config.concurrency, pace, nowMs: () => this.clock.nowMs(), signal: this.stopping.signal });
      if (report.meanLookupMs > 0) this.lastMeanLookupMs = report.meanLookupMs;
    } catch (error) {
      const finishedAtMs = this.clock.nowMs();
      const startedAtMs = finishedAtMs - Math.round(monotonicMs() - startedMonotonicMs);
      this.recordAttempt({ startedAtMs, finishedAtMs, planned: torrents.length, measured: 0, outcome: 'failed', cause: sweepFailureCause(error) });
      throw error;
    }
    const failed = report.results.filter((result) => result.error).length;
    const misses = report.results.flatMap((result) => (result.error ? [{ infohash: result.torrent.infohash, cause: result.error }] : []));
    // Not one lookup reached a node (a partition, the network gone): the DHT was unreachable, not the swarms empty.
    // Torrents a stopping collector never reached say nothing about the DHT.
    const stoppedBefore = misses.filter((miss) => miss.cause === STOPPED_BEFORE_MEASURED).length;
    const allFailed = torrents.length > 0 && failed === torrents.length && stoppedBefore === 0;
    this.recordAttempt({
      startedAtMs: report.startedAtMs,
      finishedAtMs: report.finishedAtMs,
      planned: torrents.length,
      measured: report.results.length - failed,
      outcome: allFailed ? 'failed' : 'done',
      cause: allFailed ? `${GAP_CAUSES.dhtUnreachable}: no torrent could be measured (${misses[0]!.cause})` : null,
      misses: allFailed ? [] : misses,
    });
    this.lastSweep = { finishedAt: new Date(report.finishedAtMs).toISOString(), torrents: report.results.length, failed };
    this.log.info({ torrents: torrents.length, failed, durationMs: report.finishedAtMs - report.startedAtMs, peakConcurrency: report.peakConcurrency, dht: this.dht.counters.snapshot() }, 'sweep complete');
    // DESIGN.md §3: a one-off sweep also checks every mirror once; in background mode the checker has its own loop.
    if (this.mirrors && !this.inBackground) await this.mirrors.checkAll({ force: true }).catch((error: unknown) => this.log.error({ err: describeError(error) }, 'mirror checks failed'));
    return report;
  }

  private latestStampMs(): number | undefined {
    try {
      return this.sweepLog?.latestFinishedAtMs();
    } catch (error) {
      this.log.error({ err: describeError(error) }, 'could not read the sweep log; sample stamps follow the wall clock');
      return undefined;
    }
  }

  private recordClockStep(step: ClockStep): void {
    this.log.warn({ stepMs: step.stepMs, smeared: step.smeared }, step.stepMs > 0 ? 'the system clock stepped forward' : 'the system clock stepped backward');
    try {
      this.sweepLog?.recordClockStep(step);
    } catch (error) {
      this.log.error({ err: describeError(error) }, 'could not record the clock step in the sweep log');
    }
  }

  /** A sweep log failure must not stop the measuring: it is logged, and the series stay right. */
  private recordAttempt(attempt: Omit<Parameters<SweepLog['record']>[0], 'intervalMs' | 'shard' | 'settingsId'>): void {
    if (!this.sweepLog) return;
    try {
      const settingsId = this.sweepLog.recordSettings(measurementSettings(this.config, this.dht.joinedFamilies), attempt.startedAtMs);
      this.sweepLog.record({ ...attempt, intervalMs: this.config.intervalMs, shard: this.config.shard, settingsId });
    } catch (error) {
      this.log.error({ err: describeError(error) }, 'could not record the sweep in the sweep log');
    }
  }

  /** Background mode: bootstrap with backoff, then sweep every interval. */
  start(): void {
    this.stopped = false;
    this.inBackground = true;
    this.mirrors?.start();
    void this.joinWithRetry(BOOTSTRAP_RETRY_FIRST_MS);
  }

  private async joinWithRetry(delayMs: number): Promise<void> {
    if (this.stopped) return;
    try {
      await this.bootstrap();
    } catch (error) {
      if (this.stopped) return;
      // No sweep can run meanwhile: each failed join is a failed attempt, so the gap says why.
      const atMs = this.clock.nowMs();
      this.recordAttempt({ startedAtMs: atMs, finishedAtMs: atMs, planned: 0, measured: 0, outcome: 'failed', cause: sweepFailureCause(error) });
      this.dhtDetail = `DHT unreachable: ${describeError(error)}; retrying in ${Math.round(delayMs / 1000)} s`;
      this.log.warn({ retryInMs: delayMs }, this.dhtDetail);
      this.retryTimer = setTimeout(() => void this.joinWithRetry(Math.min(delayMs * 2, BOOTSTRAP_RETRY_MAX_MS)), delayMs);
      return;
    }
    if (this.stopped) return;
    this.scheduler = new SweepScheduler({
      intervalMs: this.config.intervalMs,
      sweep: async () => {
        await this.sweepOnce();
      },
      onError: (error) => this.log.error({ err: describeError(error) }, 'sweep failed'),
    });
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    // A sweep under way starts no more lookups; the scheduler then waits only for those in flight.
    this.stopping.abort();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.scheduler?.stop();
    await this.mirrors?.stop();
    await Promise.all(this.stages.map((stage) => stage.close?.()));
    await this.dht.close();
  }
}
