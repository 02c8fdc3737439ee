/**
 * Runs the evaluation passes in the background: after every sweep (start.ts nudges it when the
 * collector writes samples) and on a poll interval (samples written by another process, facts in
 * the domain-event inbox). Stored events nudge the delivery worker.
 */
import { describeError } from '../../core/errors.ts';
import type { AlertingState } from '../../store/state/alerting-state.ts';
import type { SeriesStore, TorrentRegistry } from '../../store/types.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';
import { PolledWork } from '../poll-loop.ts';
import type { WorkLog } from '../webhooks/delivery-worker.ts';
import { evaluateDomainRules } from './domain-rules.ts';
import { evaluateSeriesRules } from './series-rules.ts';

export interface AlertEvaluatorOptions {
  state: AlertingState;
  series: SeriesStore;
  registry: TorrentRegistry;
  pollIntervalMs: number;
  metrics?: ApiMetrics;
  log?: WorkLog;
  /** Called when a pass stored events (the CLI nudges the delivery worker). */
  onEvents?: (count: number) => void;
  now?: () => number;
}

export class AlertEvaluator extends PolledWork {
  constructor(private readonly options: AlertEvaluatorOptions) {
    super({
      intervalMs: options.pollIntervalMs,
      onError: (error) => options.log?.warn({ err: describeError(error) }, 'alert evaluation failed'),
    });
  }

  async pass(): Promise<undefined> {
    await this.evaluateOnce();
    return undefined;
  }

  /** One pass over samples and domain events; returns how many events it stored. */
  async evaluateOnce(): Promise<number> {
    const { state, metrics } = this.options;
    const nowMs = (this.options.now ?? Date.now)();
    const fromSeries = await evaluateSeriesRules({ state, series: this.options.series, registry: this.options.registry, nowMs });
    metrics?.alertEvaluations.inc({ source: 'samples' });
    const fromDomain = evaluateDomainRules(state, nowMs);
    metrics?.alertEvaluations.inc({ source: 'domain_events' });
    const stored = [...fromSeries, ...fromDomain];
    for (const event of stored) metrics?.alertEvents.inc({ type: event.type });
    if (stored.length > 0) {
      this.options.log?.info({ events: stored.length }, 'alert events stored');
      this.options.onEvents?.(stored.length);
    }
    return stored.length;
  }
}
