/**
 * The timeline as files (issue 13): CSV (`at,kind,title,url,source,infohash,family`) and JSON
 * (`{"events": [{"at", "kind", "title", "url"?, "source"?, "infohash"?, "family"?}]}` or a bare
 * array) for `swarmscope event import|export` and the API's `format=csv`. Reading checks the shape
 * and names the row; the repo then validates every event before any is stored.
 */
import { csvLine, parseCsv } from '../../core/csv.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import type { NewTimelineEvent, TimelineEvent } from './timeline-repo.ts';

export const TIMELINE_CSV_COLUMNS = ['at', 'kind', 'title', 'url', 'source', 'infohash', 'family'] as const;

export interface TimelineEventJson {
  id: string;
  at: string;
  kind: string;
  title: string;
  url: string | null;
  source: string;
  infohash: string | null;
  family: string | null;
}

export function timelineEventToJson(event: TimelineEvent): TimelineEventJson {
  return { id: event.id, at: new Date(event.atMs).toISOString(), kind: event.kind, title: event.title, url: event.url, source: event.source, infohash: event.infohash, family: event.familyId };
}

export function timelineToCsv(events: readonly TimelineEvent[]): string {
  const lines = [TIMELINE_CSV_COLUMNS.join(',')];
  for (const event of events) lines.push(csvLine([new Date(event.atMs).toISOString(), event.kind, event.title, event.url, event.source, event.infohash, event.familyId]));
  return `${lines.join('\n')}\n`;
}

/** A file's entries; `family` is an id or a name, resolved by `resolveFamily`: an id, null (leave the event without a family) or undefined (an error). */
export function parseTimelineFile(text: string, name: string, defaultSource: string, resolveFamily: (idOrName: string) => string | null | undefined): NewTimelineEvent[] {
  const trimmed = text.trim();
  const records: Record<string, unknown>[] = [];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new SwarmscopeError('invalid_request', `${name}: not valid JSON (${(error as Error).message})`);
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { events?: unknown }).events;
    if (!Array.isArray(list)) throw new SwarmscopeError('invalid_request', `${name}: expected {"events": [...]} or an array of events`);
    list.forEach((entry, index) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new SwarmscopeError('invalid_request', `${name}: event ${index + 1} is not an object`);
      records.push(entry as Record<string, unknown>);
    });
  } else {
    const [header, ...rows] = parseCsv(trimmed, name);
    const columns = (header ?? []).map((column) => column.trim().toLowerCase());
    for (const required of ['at', 'kind', 'title']) {
      if (!columns.includes(required)) throw new SwarmscopeError('invalid_request', `${name}: the header has no "${required}" column (expected ${TIMELINE_CSV_COLUMNS.join(',')})`);
    }
    for (const row of rows) records.push(Object.fromEntries(columns.map((column, index) => [column, row[index] ?? ''])));
  }
  return records.map((record, index) => {
    const where = `${name}: event ${index + 1}`;
    const at = Date.parse(String(record.at ?? ''));
    if (Number.isNaN(at)) throw new SwarmscopeError('invalid_request', `${where}: "at" must be an ISO 8601 time, got "${String(record.at ?? '').slice(0, 40)}"`);
    const text = (value: unknown) => (value === undefined || value === null || value === '' ? null : String(value));
    const family = text(record.family);
    const familyId = family === null ? null : resolveFamily(family);
    if (familyId === undefined) throw new SwarmscopeError('invalid_request', `${where}: no family "${family!.slice(0, 60)}"`);
    return {
      atMs: at,
      kind: String(record.kind ?? ''),
      title: String(record.title ?? ''),
      url: text(record.url),
      source: text(record.source) ?? defaultSource,
      infohash: text(record.infohash)?.toLowerCase() ?? null,
      familyId,
    };
  });
}
