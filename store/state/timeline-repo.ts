/**
 * The event timeline (store/sqlite/migrations-timeline.ts): events entered by people (CLI, API),
 * created by swarmscope itself (a mirror going down, a discovery) and shipped with it (the LLaMA
 * leak's key dates). Every input is validated before anything is written, and a batch is all or
 * nothing. The same event (time, kind, title, subject) is stored once, so imports are idempotent.
 */
import type Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { SwarmscopeError } from '../../core/errors.ts';
import { newId } from './state-ids.ts';

export const TIMELINE_KINDS = ['magnet_posted', 'release', 'news', 'takedown', 'mirror_down', 'mirror_back', 'discovery', 'note'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];
export const MAX_TITLE_CHARS = 300;
export const MAX_URL_CHARS = 2_000;
export const MAX_SOURCE_CHARS = 100;
/** One list answer, at most. */
export const MAX_TIMELINE_PAGE = 1_000;

export interface NewTimelineEvent {
  atMs: number;
  kind: string;
  title: string;
  url?: string | null;
  /** Who or what recorded it: "user", "cli", "api", "mirror-checker", "discovery", "shipped", or a publication. */
  source: string;
  infohash?: string | null;
  familyId?: string | null;
}

export interface TimelineEvent {
  id: string;
  atMs: number;
  kind: TimelineKind;
  title: string;
  url: string | null;
  source: string;
  infohash: string | null;
  familyId: string | null;
  createdAtMs: number;
}

export interface TimelineQuery {
  fromMs?: number;
  toMs?: number;
  /** Events about this torrent, and those about any of `familyIds` (the torrent's families). */
  infohash?: string;
  familyIds?: readonly string[];
  kind?: TimelineKind;
  offset?: number;
  limit?: number;
}

interface TimelineRow {
  id: string;
  at_ms: number;
  kind: TimelineKind;
  title: string;
  url: string | null;
  source: string;
  infohash: string | null;
  family_id: string | null;
  created_at_ms: number;
}

function rowToEvent(row: TimelineRow): TimelineEvent {
  return { id: row.id, atMs: row.at_ms, kind: row.kind, title: row.title, url: row.url, source: row.source, infohash: row.infohash, familyId: row.family_id, createdAtMs: row.created_at_ms };
}

export function isTimelineKind(value: string): value is TimelineKind {
  return (TIMELINE_KINDS as readonly string[]).includes(value);
}

/** Checks one event; `where` names it in the message ("event 3", "body"). Returns it normalised. */
export function validateTimelineEvent(input: NewTimelineEvent, where: string, familyExists: (id: string) => boolean): NewTimelineEvent & { kind: TimelineKind } {
  const fail = (message: string): never => {
    throw new SwarmscopeError('invalid_request', `${where}: ${message}`);
  };
  if (!Number.isSafeInteger(input.atMs) || input.atMs < Date.UTC(1990, 0, 1) || input.atMs > Date.UTC(2200, 0, 1)) fail('the time is missing or not a date between 1990 and 2200');
  if (typeof input.kind !== 'string' || !isTimelineKind(input.kind)) fail(`kind "${String(input.kind)}" is not one of ${TIMELINE_KINDS.join(', ')}`);
  // Control characters become spaces: a newline would end the line of an InfluxDB export (line protocol has no escape for it).
  const oneLine = (text: unknown): string => (typeof text === 'string' ? text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim() : '');
  const title = oneLine(input.title);
  if (title.length === 0 || title.length > MAX_TITLE_CHARS) fail(`the title must be 1 to ${MAX_TITLE_CHARS} characters`);
  const source = oneLine(input.source);
  if (source.length === 0 || source.length > MAX_SOURCE_CHARS) fail(`the source must be 1 to ${MAX_SOURCE_CHARS} characters`);
  let url: string | null = null;
  if (input.url !== undefined && input.url !== null && input.url !== '') {
    let parsed: URL | undefined;
    try {
      parsed = new URL(input.url);
    } catch {
      fail(`the URL "${String(input.url).slice(0, 80)}" is not a URL`);
    }
    if (parsed!.protocol !== 'http:' && parsed!.protocol !== 'https:') fail('the URL must be http or https');
    if (input.url.length > MAX_URL_CHARS) fail(`the URL is longer than ${MAX_URL_CHARS} characters`);
    url = parsed!.toString();
  }
  const infohash = input.infohash ?? null;
  if (infohash !== null && !/^[0-9a-f]{40}$/.test(infohash)) fail(`the infohash "${String(infohash).slice(0, 60)}" is not 40 lowercase hex characters`);
  const familyId = input.familyId ?? null;
  if (familyId !== null && !familyExists(familyId)) fail(`no family "${String(familyId).slice(0, 60)}"`);
  if (infohash !== null && familyId !== null) fail('an event is about a torrent or a family, not both');
  return { atMs: input.atMs, kind: input.kind as TimelineKind, title, url, source, infohash, familyId };
}

function dedupeKey(event: NewTimelineEvent): string {
  return createHash('sha256').update(JSON.stringify([event.atMs, event.kind, event.title, event.infohash ?? null, event.familyId ?? null])).digest('hex');
}

export interface TimelineRepo {
  /** Stores one event; the same event again returns the stored one with `created: false`. */
  add(input: NewTimelineEvent, where?: string): { event: TimelineEvent; created: boolean };
  /** Validates every event first, then stores them in one transaction. */
  importMany(inputs: readonly NewTimelineEvent[]): { added: number; skipped: number };
  list(query: TimelineQuery): { events: TimelineEvent[]; total: number };
  get(id: string): TimelineEvent | undefined;
  remove(id: string, nowMs?: number): boolean;
  /** For the InfluxDB copy (Grafana annotations): events not copied yet, and tombstones not removed yet. */
  pendingExport(limit: number): { added: TimelineEvent[]; removed: string[] };
  markExported(ids: readonly string[], nowMs?: number): void;
}

export function createTimelineRepo(db: Database.Database, now: () => number = Date.now): TimelineRepo {
  const familyExists = (id: string) => db.prepare('SELECT 1 FROM families WHERE id = ?').get(id) !== undefined;
  const insert = db.prepare(`
    INSERT INTO timeline_events (id, at_ms, kind, title, url, source, infohash, family_id, created_at_ms, dedupe_key)
    VALUES (@id, @atMs, @kind, @title, @url, @source, @infohash, @familyId, @createdAtMs, @dedupeKey)
    ON CONFLICT (dedupe_key) DO NOTHING`);
  const byKey = db.prepare('SELECT * FROM timeline_events WHERE dedupe_key = ?');
  const store = (event: NewTimelineEvent): { event: TimelineEvent; created: boolean } => {
    const key = dedupeKey(event);
    const result = insert.run({ id: newId('tl'), ...event, url: event.url ?? null, infohash: event.infohash ?? null, familyId: event.familyId ?? null, createdAtMs: now(), dedupeKey: key });
    // A deleted duplicate stays deleted (its tombstone holds the key): a user's delete is not undone by the next import.
    return { event: rowToEvent(byKey.get(key) as TimelineRow), created: result.changes > 0 };
  };
  return {
    add(input, where = 'event') {
      return store(validateTimelineEvent(input, where, familyExists));
    },
    importMany(inputs) {
      const valid = inputs.map((input, index) => validateTimelineEvent(input, `event ${index + 1}`, familyExists));
      return db.transaction(() => {
        let added = 0;
        for (const event of valid) if (store(event).created) added++;
        return { added, skipped: valid.length - added };
      })();
    },
    list(query) {
      const where: string[] = ['deleted_at_ms IS NULL'];
      const params: Record<string, unknown> = {};
      if (query.fromMs !== undefined) {
        where.push('at_ms >= @fromMs');
        params.fromMs = query.fromMs;
      }
      if (query.toMs !== undefined) {
        where.push('at_ms <= @toMs');
        params.toMs = query.toMs;
      }
      if (query.kind !== undefined) {
        where.push('kind = @kind');
        params.kind = query.kind;
      }
      const about: string[] = [];
      if (query.infohash !== undefined) {
        about.push('infohash = @infohash');
        params.infohash = query.infohash;
      }
      (query.familyIds ?? []).forEach((id, index) => {
        about.push(`family_id = @family${index}`);
        params[`family${index}`] = id;
      });
      if (about.length > 0) where.push(`(${about.join(' OR ')})`);
      const clause = where.join(' AND ');
      const total = (db.prepare(`SELECT count(*) AS n FROM timeline_events WHERE ${clause}`).get(params) as { n: number }).n;
      const rows = db
        .prepare(`SELECT * FROM timeline_events WHERE ${clause} ORDER BY at_ms, id LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit: Math.min(query.limit ?? MAX_TIMELINE_PAGE, MAX_TIMELINE_PAGE), offset: query.offset ?? 0 }) as TimelineRow[];
      return { events: rows.map(rowToEvent), total };
    },
    get(id) {
      const row = db.prepare('SELECT * FROM timeline_events WHERE id = ? AND deleted_at_ms IS NULL').get(id) as TimelineRow | undefined;
      return row ? rowToEvent(row) : undefined;
    },
    remove(id, nowMs = now()) {
      return db.prepare('UPDATE timeline_events SET deleted_at_ms = ?, exported_at_ms = NULL WHERE id = ? AND deleted_at_ms IS NULL').run(nowMs, id).changes > 0;
    },
    pendingExport(limit) {
      const rows = db.prepare('SELECT * FROM timeline_events WHERE exported_at_ms IS NULL ORDER BY created_at_ms LIMIT ?').all(limit) as (TimelineRow & { deleted_at_ms: number | null })[];
      return {
        added: rows.filter((row) => row.deleted_at_ms === null).map(rowToEvent),
        removed: rows.filter((row) => row.deleted_at_ms !== null).map((row) => row.id),
      };
    },
    markExported(ids, nowMs = now()) {
      const mark = db.prepare('UPDATE timeline_events SET exported_at_ms = ? WHERE id = ?');
      db.transaction(() => ids.forEach((id) => mark.run(nowMs, id)))();
    },
  };
}
