/**
 * The Prometheus metrics of one swarmscope process, in a registry of its own (never prom-client's
 * global one, so two apps in one test process do not collide). Labels are bounded sets — route
 * templates, methods, status codes, outcomes, event types — and never an infohash or an address:
 * a label per torrent would multiply series by the watchlist, and addresses are personal data.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const DELIVERY_OUTCOMES = ['delivered', 'retry', 'failed', 'gone', 'refused'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface ApiMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  webhookAttempts: Counter<'outcome'>;
  webhookAttemptDuration: Histogram;
  alertEvaluations: Counter<'source'>;
  alertEvents: Counter<'type'>;
  /** Pending outbox rows are read from the database at scrape time, so every process reports the shared truth. */
  watchOutboxDepth(read: () => number): void;
  /** Runs before each scrape (e.g. to read a source once for all the metrics it feeds). */
  beforeScrape(hook: () => void): void;
  /** The Prometheus text exposition. */
  scrape(): Promise<string>;
}

export function createApiMetrics(options: { defaultMetrics?: boolean } = {}): ApiMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'swarmscope_' });
  let readOutboxDepth: (() => number) | undefined;
  const hooks: (() => void)[] = [];
  new Gauge({
    name: 'swarmscope_webhook_outbox_depth',
    help: 'webhook deliveries waiting to be sent or retried',
    registers: [registry],
    collect() {
      if (readOutboxDepth) this.set(readOutboxDepth());
    },
  });
  return {
    registry,
    httpRequests: new Counter({
      name: 'swarmscope_http_requests_total',
      help: 'HTTP requests answered, by route template and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'swarmscope_http_request_duration_seconds',
      help: 'time to answer an HTTP request',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    webhookAttempts: new Counter({
      name: 'swarmscope_webhook_attempts_total',
      help: 'webhook delivery attempts by outcome: delivered (2xx), retry, failed (gave up), gone (410), refused (unsafe target)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    webhookAttemptDuration: new Histogram({
      name: 'swarmscope_webhook_attempt_duration_seconds',
      help: 'time from sending a webhook to its answer or timeout',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    alertEvaluations: new Counter({
      name: 'swarmscope_alert_evaluations_total',
      help: 'alert evaluation passes, by what they read (samples or domain events)',
      labelNames: ['source'],
      registers: [registry],
    }),
    alertEvents: new Counter({
      name: 'swarmscope_alert_events_total',
      help: 'alert events fired, by type',
      labelNames: ['type'],
      registers: [registry],
    }),
    watchOutboxDepth(read) {
      readOutboxDepth = read;
    },
    beforeScrape(hook) {
      hooks.push(hook);
    },
    async scrape() {
      for (const hook of hooks) hook();
      return registry.metrics();
    },
  };
}
