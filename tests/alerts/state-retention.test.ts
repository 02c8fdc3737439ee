/**
 * Retention of the alerting tables (issue 14): old events with finished deliveries and old facts
 * already read are deleted; a pending delivery, its event and an unread fact are kept whatever their age.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { pruneAlertingState } from '../../store/state/state-retention.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

test('prunes old finished events and read facts; keeps the outbox and what was not read', () => {
  const { db } = openSqliteStore(':memory:');
  db.prepare("INSERT INTO webhook_endpoints (id, url, secret, created_at_ms) VALUES ('wh_1', 'https://hooks.example.org/x', 'whsec_x', 0)").run();
  const event = db.prepare('INSERT INTO alert_events (id, type, rule_id, subject, occurred_at_ms, created_at_ms, body) VALUES (?, ?, NULL, NULL, ?, ?, ?)');
  const delivery = db.prepare("INSERT INTO webhook_deliveries (event_id, endpoint_id, state, next_attempt_at_ms) VALUES (?, 'wh_1', ?, 0)");
  event.run('evt_old_done', 'swarm.threshold_crossed', NOW - 200 * DAY, NOW - 200 * DAY, '{}');
  delivery.run('evt_old_done', 'delivered');
  event.run('evt_old_pending', 'swarm.threshold_crossed', NOW - 200 * DAY, NOW - 200 * DAY, '{}');
  delivery.run('evt_old_pending', 'pending');
  event.run('evt_recent', 'swarm.threshold_crossed', NOW - DAY, NOW - DAY, '{}');
  delivery.run('evt_recent', 'failed');
  const fact = db.prepare("INSERT INTO domain_events (type, subject, data, occurred_at_ms) VALUES ('mirror.down', 'mir_1', '{}', ?)");
  fact.run(NOW - 200 * DAY);
  fact.run(NOW - 199 * DAY);
  db.prepare("INSERT INTO alert_watermarks (name, value) VALUES ('domain_events', 1)").run();

  assert.deepEqual(pruneAlertingState(db, 90 * DAY, NOW), { deliveries: 1, events: 1, domainEvents: 1 });
  const ids = (db.prepare('SELECT id FROM alert_events ORDER BY id').all() as { id: string }[]).map((row) => row.id);
  assert.deepEqual(ids, ['evt_old_pending', 'evt_recent'], 'a pending delivery keeps its event');
  assert.equal((db.prepare('SELECT count(*) AS n FROM domain_events').get() as { n: number }).n, 1, 'the unread fact stays');
  assert.deepEqual(pruneAlertingState(db, 90 * DAY, NOW), { deliveries: 0, events: 0, domainEvents: 0 });
});
