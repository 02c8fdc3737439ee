/**
 * The registry of HTTP mirrors in `mirrors` (issue 8). A mirror is a URL serving a torrent's files:
 * the whole torrent (a directory URL, composed as BEP 19 does for web seeds) or one file of it
 * (`file`), or an unrelated download when no infohash is given (checked, never verified). Removing
 * sets a tombstone: the series keep their owner, and a web seed the user removed is not re-added.
 */
import type Database from 'better-sqlite3';
import { readOne } from './state/sql-rows.ts';
import { newId } from './state/state-ids.ts';

export const MIRROR_SOURCES = ['api', 'cli', 'web_seed'] as const;
export type MirrorSource = (typeof MIRROR_SOURCES)[number];

export interface Mirror {
  /** `mir_…` */
  id: string;
  url: string;
  infohash: string | null;
  /** The file's path as in the torrent's file list (`name/dir/file`) when the URL serves one file; null = the whole torrent. */
  file: string | null;
  label: string | null;
  /** Who registered it: the API, the CLI, or a web seed (BEP 19 `url-list`, magnet `ws`) of a watched torrent. */
  source: MirrorSource;
  createdAtMs: number;
  removedAtMs: number | null;
}

export interface NewMirror {
  url: string;
  infohash?: string | null;
  file?: string | null;
  label?: string | null;
  source: MirrorSource;
}

export interface MirrorRegistry {
  /** Adds a mirror, or returns the active one with the same URL, torrent and file (`created: false`). */
  add(mirror: NewMirror, nowMs: number): { mirror: Mirror; created: boolean };
  get(id: string, options?: { includeRemoved?: boolean }): Mirror | undefined;
  /** Active mirrors, oldest first. */
  list(page?: { offset: number; limit: number }): { mirrors: Mirror[]; total: number };
  remove(id: string, nowMs: number): boolean;
  /** Whether this URL was ever registered for this torrent, removed or not: web seeds are added once. */
  everRegistered(url: string, infohash: string | null): boolean;
}

const COLUMNS = 'id, url, infohash, file, label, source, created_at_ms AS createdAtMs, removed_at_ms AS removedAtMs';
const SAME_TARGET = `url = @url AND coalesce(infohash, '') = coalesce(@infohash, '') AND coalesce(file, '') = coalesce(@file, '')`;

export function createMirrorRegistry(db: Database.Database): MirrorRegistry {
  const insert = db.prepare(`
    INSERT INTO mirrors (id, url, infohash, file, label, source, created_at_ms) VALUES (@id, @url, @infohash, @file, @label, @source, @createdAtMs)
  `);
  const insertState = db.prepare(`INSERT INTO mirror_state (mirror_id, state) VALUES (?, 'unknown')`);
  const selectActiveSame = db.prepare(`SELECT ${COLUMNS} FROM mirrors WHERE ${SAME_TARGET} AND removed_at_ms IS NULL`);
  const selectOne = db.prepare(`SELECT ${COLUMNS} FROM mirrors WHERE id = ?`);
  const count = db.prepare('SELECT count(*) AS total FROM mirrors WHERE removed_at_ms IS NULL');
  const page = db.prepare(`SELECT ${COLUMNS} FROM mirrors WHERE removed_at_ms IS NULL ORDER BY created_at_ms, rowid LIMIT ? OFFSET ?`);
  const tombstone = db.prepare('UPDATE mirrors SET removed_at_ms = ? WHERE id = ? AND removed_at_ms IS NULL');
  const anyForTorrent = db.prepare(`SELECT 1 FROM mirrors WHERE url = ? AND coalesce(infohash, '') = coalesce(?, '') LIMIT 1`);

  const addTx = db.transaction((mirror: NewMirror, nowMs: number) => {
    const target = { url: mirror.url, infohash: mirror.infohash ?? null, file: mirror.file ?? null };
    const existing = selectActiveSame.get(target) as Mirror | undefined;
    if (existing) return { mirror: existing, created: false };
    const created: Mirror = { id: newId('mir'), ...target, label: mirror.label ?? null, source: mirror.source, createdAtMs: nowMs, removedAtMs: null };
    insert.run(created);
    insertState.run(created.id);
    return { mirror: created, created: true };
  });

  const identity = (row: Mirror): Mirror => row;
  return {
    add: (mirror, nowMs) => addTx.immediate(mirror, nowMs),
    get(id, options) {
      const mirror = readOne(selectOne, identity, id);
      return mirror && (mirror.removedAtMs === null || options?.includeRemoved) ? mirror : undefined;
    },
    list(pageRequest) {
      const { total } = count.get() as { total: number };
      // LIMIT -1 is SQLite for "no limit": the checker walks every mirror.
      const rows = page.all(pageRequest?.limit ?? -1, pageRequest?.offset ?? 0) as Mirror[];
      return { mirrors: rows, total };
    },
    remove: (id, nowMs) => tombstone.run(nowMs, id).changes > 0,
    everRegistered: (url, infohash) => anyForTorrent.get(url, infohash) !== undefined,
  };
}
