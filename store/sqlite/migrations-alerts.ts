/**
 * Schema steps of the alerting state (versions 10–19 belong to alerts and webhooks): rules, their
 * per-torrent evaluation state, webhook endpoints, the events that fired and the outbox of their
 * deliveries, and `domain_events`, the inbox other parts (mirrors, discovery, metadata) write to.
 * Frozen once released, like every step in migrations.ts.
 */
import type { Migration } from './migrations.ts';

export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    version: 10,
    name: 'alert rules, webhook endpoints, events, outbox, domain events',
    up(db) {
      db.exec(`
        CREATE TABLE alert_rules (
          id            TEXT PRIMARY KEY NOT NULL,
          kind          TEXT NOT NULL CHECK (kind IN ('threshold', 'growth', 'mirror', 'discovery', 'metadata')),
          infohash      TEXT,
          metric        TEXT,
          op            TEXT,
          value         REAL,
          window_ms     INTEGER,
          percent       REAL,
          hysteresis    REAL,
          mirror_id     TEXT,
          mirror_events TEXT NOT NULL DEFAULT '[]',
          label         TEXT,
          created_at_ms INTEGER NOT NULL
        );
        -- Index entries end with the rowid, so this also orders rules made in the same millisecond.
        CREATE INDEX alert_rules_by_created ON alert_rules (created_at_ms);

        -- Per rule and subject (an infohash): armed or fired, and the newest sample time evaluated,
        -- the watermark that makes evaluation resume where it stopped, in this process or another.
        CREATE TABLE alert_state (
          rule_id         TEXT NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
          subject         TEXT NOT NULL,
          armed           INTEGER NOT NULL,
          evaluated_to_ms INTEGER NOT NULL,
          PRIMARY KEY (rule_id, subject)
        ) WITHOUT ROWID;

        -- The secret is kept in clear: signing needs it. Deleting is a tombstone so past deliveries keep their endpoint.
        CREATE TABLE webhook_endpoints (
          id              TEXT PRIMARY KEY NOT NULL,
          url             TEXT NOT NULL,
          event_types     TEXT NOT NULL DEFAULT '[]',
          secret          TEXT NOT NULL,
          description     TEXT,
          created_at_ms   INTEGER NOT NULL,
          disabled_at_ms  INTEGER,
          disabled_reason TEXT,
          deleted_at_ms   INTEGER
        );
        CREATE INDEX webhook_endpoints_active ON webhook_endpoints (created_at_ms) WHERE deleted_at_ms IS NULL;

        -- body is the exact JSON sent on every attempt, fixed when the event fires.
        CREATE TABLE alert_events (
          id             TEXT PRIMARY KEY NOT NULL,
          type           TEXT NOT NULL,
          rule_id        TEXT,
          subject        TEXT,
          occurred_at_ms INTEGER NOT NULL,
          created_at_ms  INTEGER NOT NULL,
          body           TEXT NOT NULL
        );
        CREATE INDEX alert_events_by_created ON alert_events (created_at_ms);

        -- The outbox: one row per event and endpoint, written in the event's transaction.
        CREATE TABLE webhook_deliveries (
          event_id           TEXT NOT NULL REFERENCES alert_events (id),
          endpoint_id        TEXT NOT NULL REFERENCES webhook_endpoints (id),
          state              TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed', 'cancelled')),
          attempts           INTEGER NOT NULL DEFAULT 0,
          next_attempt_at_ms INTEGER NOT NULL,
          lease_owner        TEXT,
          lease_until_ms     INTEGER,
          last_attempt_at_ms INTEGER,
          last_status        INTEGER,
          last_error         TEXT,
          delivered_at_ms    INTEGER,
          PRIMARY KEY (event_id, endpoint_id)
        );
        CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at_ms) WHERE state = 'pending';
        CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id) WHERE state = 'pending';

        -- Facts other processes report (a mirror went down, a discovery, new metadata); the
        -- evaluator reads them in seq order past its watermark in alert_watermarks.
        CREATE TABLE domain_events (
          seq            INTEGER PRIMARY KEY AUTOINCREMENT,
          type           TEXT NOT NULL,
          subject        TEXT,
          data           TEXT NOT NULL DEFAULT '{}',
          occurred_at_ms INTEGER NOT NULL
        );

        CREATE TABLE alert_watermarks (
          name  TEXT PRIMARY KEY NOT NULL,
          value INTEGER NOT NULL
        ) WITHOUT ROWID;
      `);
    },
  },
];
