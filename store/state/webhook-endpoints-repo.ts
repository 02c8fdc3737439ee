/**
 * Webhook subscriptions in `webhook_endpoints`. Deleting or disabling an endpoint (a 410 Gone from
 * the receiver) cancels its pending deliveries in the same transaction, so no worker sends to it again.
 */
import type Database from 'better-sqlite3';
import { readOne, readPage } from './sql-rows.ts';
import { newId } from './state-ids.ts';

export interface WebhookEndpoint {
  id: string;
  url: string;
  /** Event types it receives; empty = all. */
  eventTypes: string[];
  /** `whsec_<base64>`; shown to the user once, at creation. */
  secret: string;
  description: string | null;
  createdAtMs: number;
  disabledAtMs: number | null;
  disabledReason: string | null;
}

export interface NewWebhookEndpoint {
  url: string;
  eventTypes: string[];
  secret: string;
  description: string | null;
}

/** As stored: the event types are a JSON column. */
type EndpointRow = Omit<WebhookEndpoint, 'eventTypes'> & { eventTypes: string };

const COLUMNS = `id, url, event_types AS eventTypes, secret, description, created_at_ms AS createdAtMs,
  disabled_at_ms AS disabledAtMs, disabled_reason AS disabledReason`;

function decode(row: EndpointRow): WebhookEndpoint {
  return { ...row, eventTypes: JSON.parse(row.eventTypes) as string[] };
}

export interface WebhookEndpointsRepo {
  create(endpoint: NewWebhookEndpoint, nowMs: number): WebhookEndpoint;
  /** A live (not deleted) endpoint, disabled or not. */
  get(id: string): WebhookEndpoint | undefined;
  list(page: { offset: number; limit: number }): { endpoints: WebhookEndpoint[]; total: number };
  /** Enabled endpoints subscribed to `type`. */
  subscribersOf(type: string): WebhookEndpoint[];
  remove(id: string, nowMs: number): boolean;
  disable(id: string, reason: string, nowMs: number): void;
}

export function createWebhookEndpointsRepo(db: Database.Database): WebhookEndpointsRepo {
  const insert = db.prepare(`
    INSERT INTO webhook_endpoints (id, url, event_types, secret, description, created_at_ms)
    VALUES (@id, @url, @eventTypes, @secret, @description, @createdAtMs)
  `);
  const selectOne = db.prepare(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE id = ? AND deleted_at_ms IS NULL`);
  const count = db.prepare('SELECT count(*) AS total FROM webhook_endpoints WHERE deleted_at_ms IS NULL');
  const page = db.prepare(`SELECT ${COLUMNS} FROM webhook_endpoints WHERE deleted_at_ms IS NULL ORDER BY created_at_ms, rowid LIMIT ? OFFSET ?`);
  const subscribers = db.prepare(`
    SELECT ${COLUMNS} FROM webhook_endpoints
    WHERE deleted_at_ms IS NULL AND disabled_at_ms IS NULL
      AND (event_types = '[]' OR EXISTS (SELECT 1 FROM json_each(event_types) WHERE value = ?))
    ORDER BY created_at_ms, rowid
  `);
  const tombstone = db.prepare('UPDATE webhook_endpoints SET deleted_at_ms = ? WHERE id = ? AND deleted_at_ms IS NULL');
  const markDisabled = db.prepare(`
    UPDATE webhook_endpoints SET disabled_at_ms = ?, disabled_reason = ? WHERE id = ? AND disabled_at_ms IS NULL
  `);
  const cancelPending = db.prepare(`
    UPDATE webhook_deliveries SET state = 'cancelled', last_error = coalesce(?, last_error), lease_owner = NULL, lease_until_ms = NULL
    WHERE endpoint_id = ? AND state = 'pending'
  `);
  const removeTx = db.transaction((id: string, nowMs: number) => {
    if (tombstone.run(nowMs, id).changes === 0) return false;
    cancelPending.run('endpoint deleted', id);
    return true;
  });
  const disableTx = db.transaction((id: string, reason: string, nowMs: number) => {
    markDisabled.run(nowMs, reason, id);
    cancelPending.run(`endpoint disabled: ${reason}`, id);
  });

  return {
    create(endpoint, nowMs) {
      const created: WebhookEndpoint = { ...endpoint, id: newId('whk'), createdAtMs: nowMs, disabledAtMs: null, disabledReason: null };
      insert.run({ ...created, eventTypes: JSON.stringify(created.eventTypes) });
      return created;
    },
    get: (id) => readOne(selectOne, decode, id),
    list(pageRequest) {
      const { items, total } = readPage(count, page, decode, pageRequest);
      return { endpoints: items, total };
    },
    subscribersOf: (type) => (subscribers.all(type) as EndpointRow[]).map(decode),
    remove: (id, nowMs) => removeTx.immediate(id, nowMs),
    disable: (id, reason, nowMs) => disableTx.immediate(id, reason, nowMs),
  };
}
