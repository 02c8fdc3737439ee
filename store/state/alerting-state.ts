/**
 * Every repository of the alerting state over one SQLite handle (the store's own file for SQLite,
 * a separate state file for InfluxDB deployments). Prepared once; the API routes, the evaluator
 * and the delivery worker all take this bundle.
 */
import type Database from 'better-sqlite3';
import { createAlertRulesRepo, type AlertRulesRepo } from './alert-rules-repo.ts';
import { createAlertStateRepo, type AlertStateRepo } from './alert-state-repo.ts';
import { createDeliveryOutboxRepo, type DeliveryOutboxRepo } from './delivery-outbox-repo.ts';
import { createEventLogRepo, type EventLogRepo } from './event-log-repo.ts';
import { createWebhookEndpointsRepo, type WebhookEndpointsRepo } from './webhook-endpoints-repo.ts';

export interface AlertingState {
  db: Database.Database;
  rules: AlertRulesRepo;
  endpoints: WebhookEndpointsRepo;
  events: EventLogRepo;
  outbox: DeliveryOutboxRepo;
  evaluation: AlertStateRepo;
}

export function openAlertingState(db: Database.Database): AlertingState {
  const endpoints = createWebhookEndpointsRepo(db);
  return {
    db,
    rules: createAlertRulesRepo(db),
    endpoints,
    events: createEventLogRepo(db, endpoints),
    outbox: createDeliveryOutboxRepo(db),
    evaluation: createAlertStateRepo(db),
  };
}
