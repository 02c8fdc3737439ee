/**
 * Retention of the alerting tables (issue 14): fired events and their finished deliveries, and the
 * facts the evaluator has already read, are kept `retentionMs` (90 days by default) and then
 * deleted, so a server that runs for years does not grow without bound. Never deleted: a delivery
 * still pending (the outbox), the event it belongs to, and a fact the evaluator has not read yet.
 */
import type Database from 'better-sqlite3';

export const DEFAULT_EVENT_RETENTION_MS = 90 * 86_400_000;
/** The evaluator's position in domain_events (api/alerts/domain-rules.ts DOMAIN_WATERMARK). */
const DOMAIN_WATERMARK = 'domain_events';

export interface PruneCounts {
  deliveries: number;
  events: number;
  domainEvents: number;
}

export function pruneAlertingState(db: Database.Database, retentionMs: number, nowMs = Date.now()): PruneCounts {
  const cutoffMs = nowMs - retentionMs;
  return db.transaction(() => {
    const deliveries = db
      .prepare(`DELETE FROM webhook_deliveries WHERE state <> 'pending' AND event_id IN (SELECT id FROM alert_events WHERE created_at_ms < ?)`)
      .run(cutoffMs).changes;
    const events = db
      .prepare(`DELETE FROM alert_events WHERE created_at_ms < ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = alert_events.id)`)
      .run(cutoffMs).changes;
    const read = (db.prepare('SELECT value FROM alert_watermarks WHERE name = ?').get(DOMAIN_WATERMARK) as { value: number } | undefined)?.value ?? 0;
    const domainEvents = db.prepare('DELETE FROM domain_events WHERE occurred_at_ms < ? AND seq <= ?').run(cutoffMs, read).changes;
    return { deliveries, events, domainEvents };
  })();
}
