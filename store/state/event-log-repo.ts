/**
 * Fired alert events and their outbox rows. `record` stores an event and one pending delivery per
 * subscribed endpoint; callers run it inside the transaction that also advances their evaluation
 * state, so an event is either stored with all its deliveries and the state that produced it, or
 * not at all, and it is always stored before anything is sent (the transactional outbox).
 */
import type Database from 'better-sqlite3';
import type { WebhookEndpointsRepo } from './webhook-endpoints-repo.ts';

export const DELIVERY_STATES = ['pending', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

export interface NewAlertEvent {
  id: string;
  type: string;
  ruleId: string | null;
  subject: string | null;
  occurredAtMs: number;
  /** The exact JSON body every attempt sends. */
  body: string;
}

export interface DeliveryView {
  endpointId: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAtMs: number | null;
  lastAttemptAtMs: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAtMs: number | null;
}

export interface AlertEventView extends Omit<NewAlertEvent, 'body'> {
  createdAtMs: number;
  payload: unknown;
  deliveries: DeliveryView[];
}

export interface EventFilter {
  type?: string;
  ruleId?: string;
}

interface EventRow {
  id: string;
  type: string;
  rule_id: string | null;
  subject: string | null;
  occurred_at_ms: number;
  created_at_ms: number;
  body: string;
}

interface DeliveryRow {
  event_id: string;
  endpoint_id: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at_ms: number;
  last_attempt_at_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at_ms: number | null;
}

export interface EventLogRepo {
  /** Stores the event and its outbox rows; false if an event with this id exists (nothing is written). */
  record(event: NewAlertEvent, nowMs: number): boolean;
  list(filter: EventFilter, page: { offset: number; limit: number }): { events: AlertEventView[]; total: number };
}

export function createEventLogRepo(db: Database.Database, endpoints: WebhookEndpointsRepo): EventLogRepo {
  const insertEvent = db.prepare(`
    INSERT OR IGNORE INTO alert_events (id, type, rule_id, subject, occurred_at_ms, created_at_ms, body)
    VALUES (@id, @type, @ruleId, @subject, @occurredAtMs, @createdAtMs, @body)
  `);
  const insertDelivery = db.prepare(`
    INSERT INTO webhook_deliveries (event_id, endpoint_id, state, next_attempt_at_ms) VALUES (?, ?, 'pending', ?)
  `);
  const where = `WHERE (@type IS NULL OR type = @type) AND (@ruleId IS NULL OR rule_id = @ruleId)`;
  const count = db.prepare(`SELECT count(*) AS total FROM alert_events ${where}`);
  // Newest first: what a person checking "did my alert fire?" looks for.
  const page = db.prepare(`SELECT * FROM alert_events ${where} ORDER BY created_at_ms DESC, rowid DESC LIMIT @limit OFFSET @offset`);
  const deliveriesOf = db.prepare(`
    SELECT * FROM webhook_deliveries WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY endpoint_id
  `);

  return {
    record(event, nowMs) {
      if (insertEvent.run({ ...event, createdAtMs: nowMs }).changes === 0) return false;
      for (const endpoint of endpoints.subscribersOf(event.type)) insertDelivery.run(event.id, endpoint.id, nowMs);
      return true;
    },
    list(filter, { offset, limit }) {
      const parameters = { type: filter.type ?? null, ruleId: filter.ruleId ?? null };
      const { total } = count.get(parameters) as { total: number };
      const rows = page.all({ ...parameters, offset, limit }) as EventRow[];
      const deliveries = new Map<string, DeliveryView[]>();
      if (rows.length > 0) {
        for (const row of deliveriesOf.all(JSON.stringify(rows.map((event) => event.id))) as DeliveryRow[]) {
          const list = deliveries.get(row.event_id) ?? [];
          list.push({
            endpointId: row.endpoint_id,
            state: row.state,
            attempts: row.attempts,
            nextAttemptAtMs: row.state === 'pending' ? row.next_attempt_at_ms : null,
            lastAttemptAtMs: row.last_attempt_at_ms,
            lastStatus: row.last_status,
            lastError: row.last_error,
            deliveredAtMs: row.delivered_at_ms,
          });
          deliveries.set(row.event_id, list);
        }
      }
      const events = rows.map((row) => ({
        id: row.id,
        type: row.type,
        ruleId: row.rule_id,
        subject: row.subject,
        occurredAtMs: row.occurred_at_ms,
        createdAtMs: row.created_at_ms,
        payload: JSON.parse(row.body) as unknown,
        deliveries: deliveries.get(row.id) ?? [],
      }));
      return { events, total };
    },
  };
}
