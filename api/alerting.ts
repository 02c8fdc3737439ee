/**
 * The background half of alerts and webhooks, run by `start` and `serve` next to the API: the
 * evaluator (samples and domain events → events + outbox rows) and the delivery worker (outbox →
 * signed HTTP POSTs). Both keep all their state in the database, so stopping and starting them —
 * or running them in two processes over one file — loses and duplicates nothing.
 */
import type Database from 'better-sqlite3';
import type { OutboundGuard } from '../core/outbound-guard.ts';
import { describeError } from '../core/errors.ts';
import { openAlertingState } from '../store/state/alerting-state.ts';
import { DEFAULT_EVENT_RETENTION_MS, pruneAlertingState } from '../store/state/state-retention.ts';
import type { SeriesStore, TorrentRegistry } from '../store/types.ts';
import { AlertEvaluator } from './alerts/alert-evaluator.ts';
import type { ApiMetrics } from './metrics/api-metrics.ts';
import { DeliveryWorker, type WorkLog } from './webhooks/delivery-worker.ts';

export interface AlertingOptions {
  stateDb: Database.Database;
  series: SeriesStore;
  registry: TorrentRegistry;
  guard: OutboundGuard;
  metrics?: ApiMetrics;
  log?: WorkLog;
  pollIntervalMs: number;
  webhookTimeoutMs: number;
  webhookRetryBaseMs: number;
  webhookGiveUpAfterMs: number;
  /** Fired events and finished deliveries older than this are deleted (default 90 days). */
  eventRetentionMs?: number;
}

/** Pruning is cheap (indexed deletes); hourly keeps the tables near their bound. */
const PRUNE_EVERY_MS = 3_600_000;

export interface Alerting {
  evaluator: AlertEvaluator;
  worker: DeliveryWorker;
  /** New samples were written: evaluate now instead of at the next poll. */
  nudge(): void;
  stop(): Promise<void>;
}

export function startAlerting(options: AlertingOptions): Alerting {
  const state = openAlertingState(options.stateDb);
  const worker = new DeliveryWorker({
    state,
    guard: options.guard,
    metrics: options.metrics,
    log: options.log,
    timeoutMs: options.webhookTimeoutMs,
    retryBaseMs: options.webhookRetryBaseMs,
    giveUpAfterMs: options.webhookGiveUpAfterMs,
    pollIntervalMs: options.pollIntervalMs,
  });
  const evaluator = new AlertEvaluator({
    state,
    series: options.series,
    registry: options.registry,
    pollIntervalMs: options.pollIntervalMs,
    metrics: options.metrics,
    log: options.log,
    onEvents: () => worker.nudge(),
  });
  // Pending rows left by an earlier run (or a crash) are due: the first pass sends them.
  worker.start();
  evaluator.start();
  // Old events, finished deliveries and facts already read are deleted (store/state/state-retention.ts).
  const prune = () => {
    try {
      const pruned = pruneAlertingState(options.stateDb, options.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS);
      if (pruned.events + pruned.deliveries + pruned.domainEvents > 0) options.log?.info(pruned, 'pruned alert events past their retention');
    } catch (error) {
      options.log?.warn({ err: describeError(error) }, 'could not prune old alert events');
    }
  };
  prune();
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  pruneTimer.unref();
  return {
    evaluator,
    worker,
    nudge: () => evaluator.nudge(),
    async stop() {
      clearInterval(pruneTimer);
      await evaluator.stop();
      await worker.stop();
    },
  };
}
