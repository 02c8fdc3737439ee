/**
 * The inbox of facts other parts of swarmscope report for alerting: a mirror went down, came back
 * or changed its content (issue 8), a discovery (DHT sampling), new torrent metadata. Any process
 * that shares the state database calls `emitDomainEvent`; the alert evaluator in the API process
 * reads the rows in `seq` order past its persisted watermark, so nothing is lost across restarts
 * and the writer needs no connection to the reader.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../../core/errors.ts';
import { timelineEventFor } from './timeline-auto-events.ts';
import { createTimelineRepo } from './timeline-repo.ts';

export const DOMAIN_EVENT_TYPES = [
  'mirror.down',
  'mirror.back',
  'mirror.content_changed',
  // A 404, 410 or 451 from a mirror that had been up (451: a legal takedown, `data.legal`); issue 8.
  'mirror.taken_down',
  'discovery.new',
  'torrent.metadata',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface NewDomainEvent {
  type: DomainEventType;
  /** What it is about: a mirror id for mirror.*, an infohash for discovery.new and torrent.metadata. */
  subject?: string | null;
  /** Details passed on in the webhook's `data` (e.g. url, status, name, size); JSON-serializable. */
  data?: Record<string, unknown>;
  occurredAtMs?: number;
}

export interface DomainEvent {
  seq: number;
  type: DomainEventType;
  subject: string | null;
  data: Record<string, unknown>;
  occurredAtMs: number;
}

interface DomainEventRow {
  seq: number;
  type: DomainEventType;
  subject: string | null;
  data: string;
  occurred_at_ms: number;
}

export function isDomainEventType(value: string): value is DomainEventType {
  return (DOMAIN_EVENT_TYPES as readonly string[]).includes(value);
}

/** Appends one fact; returns its sequence number. */
export function emitDomainEvent(db: Database.Database, event: NewDomainEvent): number {
  if (!isDomainEventType(event.type)) {
    throw new SwarmscopeError('invalid_request', `unknown domain event type "${String(event.type)}" (known: ${DOMAIN_EVENT_TYPES.join(', ')})`);
  }
  const occurredAtMs = event.occurredAtMs ?? Date.now();
  return db.transaction(() => {
    const result = db
      .prepare('INSERT INTO domain_events (type, subject, data, occurred_at_ms) VALUES (?, ?, ?, ?)')
      .run(event.type, event.subject ?? null, JSON.stringify(event.data ?? {}), occurredAtMs);
    // The timeline shows the fact too (mirror down, discovery); one that does not validate is left out, never fatal.
    const entry = timelineEventFor(event, occurredAtMs);
    if (entry) {
      try {
        createTimelineRepo(db).add(entry, `${event.type} event`);
      } catch {
        // e.g. a mirror's title with nothing printable: the fact stands without a timeline entry.
      }
    }
    return Number(result.lastInsertRowid);
  })();
}

export function readDomainEventsAfter(db: Database.Database, afterSeq: number, limit: number): DomainEvent[] {
  const rows = db.prepare('SELECT * FROM domain_events WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as DomainEventRow[];
  return rows.map((row) => ({ seq: row.seq, type: row.type, subject: row.subject, data: JSON.parse(row.data) as Record<string, unknown>, occurredAtMs: row.occurred_at_ms }));
}
