/**
 * Sends the outbox. Each pass claims due rows under a lease, makes one signed attempt per row and
 * records the outcome: a 2xx marks the row delivered (and it is never claimed again); 410 Gone
 * disables the endpoint; anything else — another status, a timeout, a refused or unresolvable
 * target — schedules a retry per the retry policy, or gives up at the horizon. Nothing lives only
 * in memory: a worker started after a crash or in another process picks up where this one was.
 */
import { describeError } from '../../core/errors.ts';
import { mapWithConcurrency } from '../../core/map-with-concurrency.ts';
import type { OutboundGuard } from '../../core/outbound-guard.ts';
import type { AlertingState } from '../../store/state/alerting-state.ts';
import type { DueDelivery } from '../../store/state/delivery-outbox-repo.ts';
import { newId } from '../../store/state/state-ids.ts';
import type { ApiMetrics, DeliveryOutcome } from '../metrics/api-metrics.ts';
import { PolledWork } from '../poll-loop.ts';
import { postWebhook, type AttemptResult } from './post-webhook.ts';
import { nextRetry, parseRetryAfterMs } from './retry-policy.ts';
import { webhookHeaders } from './signature.ts';

export interface WorkLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface DeliveryWorkerOptions {
  state: AlertingState;
  guard: OutboundGuard;
  metrics?: ApiMetrics;
  log?: WorkLog;
  timeoutMs: number;
  retryBaseMs: number;
  giveUpAfterMs: number;
  pollIntervalMs: number;
  /** Rows claimed per pass and sent at once. */
  batchSize?: number;
  concurrency?: number;
  now?: () => number;
  random?: () => number;
}

/** The lease outlives an attempt's two deadlines (lookup, request) by this much, so no other worker can claim a row mid-attempt. */
const LEASE_MARGIN_MS = 5_000;

export class DeliveryWorker extends PolledWork {
  /** Identifies this worker's leases in the shared table. */
  readonly owner = newId('wrk');
  private readonly now: () => number;

  /** `stop()` waits for attempts in flight (bounded by the attempt timeout), so their outcomes are recorded. */
  constructor(private readonly options: DeliveryWorkerOptions) {
    super({
      intervalMs: options.pollIntervalMs,
      onError: (error) => options.log?.warn({ err: describeError(error) }, 'webhook delivery pass failed'),
    });
    this.now = options.now ?? Date.now;
  }

  /** One pass: claims due rows and attempts each; returns the wait until the next row is due. */
  async pass(): Promise<number | undefined> {
    // Claim no more rows than are attempted at once: a row claimed now but attempted after others
    // could outlive its lease, be claimed by another worker, and be delivered twice.
    const concurrency = this.options.concurrency ?? 8;
    const batchSize = Math.min(this.options.batchSize ?? concurrency, concurrency);
    const claimed = this.options.state.outbox.claimDue(this.owner, this.now(), 2 * this.options.timeoutMs + LEASE_MARGIN_MS, batchSize);
    await mapWithConcurrency(claimed, concurrency, (delivery) => this.attempt(delivery));
    if (claimed.length === batchSize) return 0;
    const dueAtMs = this.options.state.outbox.nextDueAtMs();
    return dueAtMs === undefined ? undefined : dueAtMs - this.now();
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const startedMs = this.now();
    let result: AttemptResult;
    let refused = false;
    try {
      // Checked again at every attempt: the name may resolve elsewhere than at registration. The
      // lookup has its own deadline, so an attempt always ends within its lease.
      const target = await withinMs(this.options.guard.check(delivery.url), this.options.timeoutMs, 'resolving the host');
      const headers = webhookHeaders(delivery.secret, delivery.eventId, delivery.body, startedMs);
      result = await postWebhook(target, headers, delivery.body, this.options.timeoutMs);
    } catch (error) {
      refused = true;
      result = { status: null, error: `not sent: ${describeError(error)}` };
    }
    this.options.metrics?.webhookAttemptDuration.observe((this.now() - startedMs) / 1000);
    const outcome = this.record(delivery, result);
    this.options.metrics?.webhookAttempts.inc({ outcome: refused && outcome === 'retry' ? 'refused' : outcome });
  }

  private record(delivery: DueDelivery, result: AttemptResult): DeliveryOutcome {
    const { outbox, endpoints } = this.options.state;
    const nowMs = this.now();
    const attempt = { status: result.status, error: result.error ?? null, nowMs };
    const where = { eventId: delivery.eventId, endpointId: delivery.endpointId };
    if (result.status !== null && result.status >= 200 && result.status < 300) {
      if (!outbox.markDelivered(delivery, this.owner, attempt)) this.options.log?.warn(where, 'webhook delivered after its lease was lost');
      return 'delivered';
    }
    if (result.status === 410) {
      outbox.markFailed(delivery, this.owner, { ...attempt, error: 'the receiver answered 410 Gone; endpoint disabled' });
      endpoints.disable(delivery.endpointId, 'the receiver answered 410 Gone', nowMs);
      this.options.log?.warn(where, 'webhook endpoint answered 410 Gone: disabled');
      return 'gone';
    }
    const decision = nextRetry(
      delivery.attempts + 1,
      { nowMs, eventCreatedAtMs: delivery.eventCreatedAtMs, retryAfterMs: parseRetryAfterMs(result.retryAfter, nowMs) },
      { baseMs: this.options.retryBaseMs, giveUpAfterMs: this.options.giveUpAfterMs, random: this.options.random },
    );
    if (decision.nextAttemptAtMs === undefined) {
      outbox.markFailed(delivery, this.owner, { ...attempt, error: `gave up after ${delivery.attempts + 1} attempts; last: ${result.error ?? 'no answer'}` });
      this.options.log?.warn({ ...where, attempts: delivery.attempts + 1 }, 'webhook delivery failed for good');
      return 'failed';
    }
    outbox.markRetry(delivery, this.owner, attempt, decision.nextAttemptAtMs);
    return 'retry';
  }
}

function withinMs<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
