/**
 * The `type` of every webhook payload (api/WEBHOOKS.md): swarm events come from evaluating series,
 * the others from domain events other parts report (store/state/domain-events.ts).
 */
import { DOMAIN_EVENT_TYPES, type DomainEventType } from '../../store/state/domain-events.ts';
import type { AlertRule } from '../../store/state/alert-rules-repo.ts';

export const SERIES_EVENT_TYPES = ['swarm.threshold_crossed', 'swarm.growth'] as const;
export const WEBHOOK_EVENT_TYPES = [...SERIES_EVENT_TYPES, ...DOMAIN_EVENT_TYPES] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Whether a mirror, discovery or metadata rule wants this domain event. */
export function ruleWantsDomainEvent(rule: AlertRule, type: DomainEventType, subject: string | null): boolean {
  switch (rule.kind) {
    case 'mirror': {
      if (!type.startsWith('mirror.')) return false;
      const change = type.slice('mirror.'.length);
      const changeWanted = rule.mirrorEvents.length === 0 || (rule.mirrorEvents as string[]).includes(change);
      return changeWanted && (rule.mirrorId === null || rule.mirrorId === subject);
    }
    case 'discovery':
      return type === 'discovery.new';
    case 'metadata':
      return type === 'torrent.metadata' && (rule.infohash === null || rule.infohash === subject);
    default:
      return false;
  }
}

/** The JSON body sent on every attempt: `{ type, timestamp, data }` (Standard Webhooks' recommended shape). */
export function eventBody(type: WebhookEventType, occurredAtMs: number, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: new Date(occurredAtMs).toISOString(), data });
}
