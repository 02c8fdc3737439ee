/**
 * The shipped timeline (collector/watchlist/default-timeline.json: the LLaMA leak's key dates, each
 * with its source) imported at start, idempotently, about the shipped families when they exist and
 * about nothing in particular when they do not. A user's delete is never undone by a later import.
 */
import type Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createFamiliesRepo } from './families-repo.ts';
import { parseTimelineFile } from './timeline-files.ts';
import { createTimelineRepo } from './timeline-repo.ts';

export const DEFAULT_TIMELINE_PATH = fileURLToPath(new URL('../../collector/watchlist/default-timeline.json', import.meta.url));

export function importShippedTimeline(db: Database.Database, path: string = DEFAULT_TIMELINE_PATH): { added: number; skipped: number } {
  const families = createFamiliesRepo(db);
  const events = parseTimelineFile(readFileSync(path, 'utf8'), path, 'shipped', (name) => (families.get(name) ?? families.findByName(name))?.id ?? null);
  return createTimelineRepo(db).importMany(events.map((event) => ({ ...event, familyId: event.familyId ?? null })));
}
