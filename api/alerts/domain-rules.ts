/**
 * Mirror, discovery and metadata rules over the `domain_events` inbox. Reads the rows past the
 * persisted watermark in seq order and, in one transaction that re-checks the watermark, stores one
 * event per matching rule with its outbox rows and moves the watermark past the batch. A fact that
 * happened before a rule existed does not fire it.
 */
import type { AlertingState } from '../../store/state/alerting-state.ts';
import { readDomainEventsAfter } from '../../store/state/domain-events.ts';
import type { NewAlertEvent } from '../../store/state/event-log-repo.ts';
import { stableId } from '../../store/state/state-ids.ts';
import { eventBody, ruleWantsDomainEvent } from './event-types.ts';

export const DOMAIN_WATERMARK = 'domain_events';
const BATCH = 500;

export function evaluateDomainRules(state: AlertingState, nowMs: number): NewAlertEvent[] {
  const watermark = state.evaluation.watermark(DOMAIN_WATERMARK);
  const batch = readDomainEventsAfter(state.db, watermark, BATCH);
  if (batch.length === 0) return [];
  const rules = state.rules.listByKinds(['mirror', 'discovery', 'metadata']);
  const events: NewAlertEvent[] = [];
  for (const fact of batch) {
    for (const rule of rules) {
      if (fact.occurredAtMs < rule.createdAtMs || !ruleWantsDomainEvent(rule, fact.type, fact.subject)) continue;
      const data = { ...fact.data, ruleId: rule.id, ruleLabel: rule.label, subject: fact.subject };
      events.push({
        id: stableId('evt', rule.id, 'domain', fact.seq),
        type: fact.type,
        ruleId: rule.id,
        subject: fact.subject,
        occurredAtMs: fact.occurredAtMs,
        body: eventBody(fact.type, fact.occurredAtMs, data),
      });
    }
  }
  const stored = state.db
    .transaction(() => {
      if (state.evaluation.watermark(DOMAIN_WATERMARK) !== watermark) return false;
      for (const event of events) state.events.record(event, nowMs);
      state.evaluation.setWatermark(DOMAIN_WATERMARK, batch[batch.length - 1]!.seq);
      return true;
    })
    .immediate();
  return stored ? events : [];
}
