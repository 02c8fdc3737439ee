/**
 * The delivery worker's side of the outbox. A worker claims due rows with a lease (owner + expiry)
 * in one IMMEDIATE transaction, so two processes sharing the file never send the same row at once;
 * a crashed worker's lease simply expires. Every outcome is written only if the lease is still
 * ours, and "delivered" is a single atomic update, so an acknowledged row can never be claimed again.
 */
import type Database from 'better-sqlite3';

export interface DueDelivery {
  eventId: string;
  endpointId: string;
  url: string;
  secret: string;
  body: string;
  /** Attempts made before this one. */
  attempts: number;
  eventCreatedAtMs: number;
}

export interface AttemptRecord {
  status: number | null;
  error: string | null;
  nowMs: number;
}

export interface DeliveryOutboxRepo {
  claimDue(owner: string, nowMs: number, leaseMs: number, limit: number): DueDelivery[];
  markDelivered(delivery: DueDelivery, owner: string, attempt: AttemptRecord): boolean;
  markRetry(delivery: DueDelivery, owner: string, attempt: AttemptRecord, nextAttemptAtMs: number): boolean;
  markFailed(delivery: DueDelivery, owner: string, attempt: AttemptRecord): boolean;
  /** When the earliest pending row becomes due (leases included), or undefined if none is pending. */
  nextDueAtMs(): number | undefined;
  pendingCount(): number;
}

interface DueRow {
  event_id: string;
  endpoint_id: string;
  url: string;
  secret: string;
  body: string;
  attempts: number;
  created_at_ms: number;
}

export function createDeliveryOutboxRepo(db: Database.Database): DeliveryOutboxRepo {
  const selectDue = db.prepare(`
    SELECT d.event_id, d.endpoint_id, e.url, e.secret, ev.body, d.attempts, ev.created_at_ms
    FROM webhook_deliveries AS d
    JOIN webhook_endpoints AS e ON e.id = d.endpoint_id
    JOIN alert_events AS ev ON ev.id = d.event_id
    WHERE d.state = 'pending' AND d.next_attempt_at_ms <= @now AND (d.lease_until_ms IS NULL OR d.lease_until_ms <= @now)
      AND e.deleted_at_ms IS NULL AND e.disabled_at_ms IS NULL
    ORDER BY d.next_attempt_at_ms, ev.created_at_ms LIMIT @limit
  `);
  const lease = db.prepare(`
    UPDATE webhook_deliveries SET lease_owner = ?, lease_until_ms = ? WHERE event_id = ? AND endpoint_id = ? AND state = 'pending'
  `);
  const finish = (state: 'pending' | 'delivered' | 'failed') =>
    db.prepare(`
      UPDATE webhook_deliveries
      SET state = '${state}', attempts = attempts + 1, last_attempt_at_ms = @nowMs, last_status = @status, last_error = @error,
          next_attempt_at_ms = @next, delivered_at_ms = ${state === 'delivered' ? '@nowMs' : 'delivered_at_ms'},
          lease_owner = NULL, lease_until_ms = NULL
      WHERE event_id = @eventId AND endpoint_id = @endpointId AND state = 'pending' AND lease_owner = @owner
    `);
  const delivered = finish('delivered');
  const retry = finish('pending');
  const failed = finish('failed');
  const nextDue = db.prepare(`
    SELECT min(max(next_attempt_at_ms, coalesce(lease_until_ms, 0))) AS due FROM webhook_deliveries WHERE state = 'pending'
  `);
  const pending = db.prepare(`SELECT count(*) AS total FROM webhook_deliveries WHERE state = 'pending'`);

  const claim = db.transaction((owner: string, nowMs: number, leaseMs: number, limit: number) => {
    const rows = selectDue.all({ now: nowMs, limit }) as DueRow[];
    for (const row of rows) lease.run(owner, nowMs + leaseMs, row.event_id, row.endpoint_id);
    return rows.map((row) => ({
      eventId: row.event_id,
      endpointId: row.endpoint_id,
      url: row.url,
      secret: row.secret,
      body: row.body,
      attempts: row.attempts,
      eventCreatedAtMs: row.created_at_ms,
    }));
  });

  const run = (statement: Database.Statement, delivery: DueDelivery, owner: string, attempt: AttemptRecord, nextMs: number): boolean =>
    statement.run({ eventId: delivery.eventId, endpointId: delivery.endpointId, owner, next: nextMs, ...attempt }).changes > 0;

  return {
    claimDue: (owner, nowMs, leaseMs, limit) => claim.immediate(owner, nowMs, leaseMs, limit),
    markDelivered: (delivery, owner, attempt) => run(delivered, delivery, owner, attempt, attempt.nowMs),
    markRetry: (delivery, owner, attempt, nextAttemptAtMs) => run(retry, delivery, owner, attempt, nextAttemptAtMs),
    markFailed: (delivery, owner, attempt) => run(failed, delivery, owner, attempt, attempt.nowMs),
    nextDueAtMs() {
      const { due } = nextDue.get() as { due: number | null };
      return due ?? undefined;
    },
    pendingCount() {
      return (pending.get() as { total: number }).total;
    },
  };
}
