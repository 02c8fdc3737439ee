/**
 * TorrentRegistry over the `torrents` table. Removing sets `removed_at_ms` (a tombstone) instead of
 * deleting: the series keep their owner, and a torrent the user removed is not brought back by the
 * next start that imports the shipped watchlist.
 */
import type Database from 'better-sqlite3';
import { parseInfohash } from '../../core/infohash.ts';
import { saveInfoDictionary } from '../torrent-info.ts';
import { dataVersionOf, type DataVersioned } from './data-version.ts';
import type { NewWatchedTorrent, TorrentRegistry, WatchedTorrent } from '../types.ts';

interface TorrentRow {
  infohash: string;
  label: string | null;
  source: string | null;
  name: string | null;
  size: number | null;
  trackers: string;
  web_seeds: string;
  files: string;
  piece_length_bytes: number | null;
  tags: string;
  added_at_ms: number;
  removed_at_ms: number | null;
}

type FileEntry = { path: string; length: number };

export function createSqliteTorrentRegistry(db: Database.Database, now: () => number = Date.now): TorrentRegistry & DataVersioned {
  const selectOne = db.prepare('SELECT * FROM torrents WHERE infohash = ?');
  const insert = db.prepare(`
    INSERT INTO torrents (infohash, label, source, name, size, trackers, web_seeds, files, piece_length_bytes, tags, added_at_ms, removed_at_ms)
    VALUES (@infohash, @label, @source, @name, @size, @trackers, @web_seeds, @files, @piece_length_bytes, @tags, @added_at_ms, NULL)
  `);
  const update = db.prepare(`
    UPDATE torrents SET label = @label, source = @source, name = @name, size = @size, trackers = @trackers,
      web_seeds = @web_seeds, files = @files, piece_length_bytes = @piece_length_bytes, tags = @tags, removed_at_ms = @removed_at_ms
    WHERE infohash = @infohash
  `);
  const tombstone = db.prepare('UPDATE torrents SET removed_at_ms = ? WHERE infohash = ? AND removed_at_ms IS NULL');
  const countActive = db.prepare('SELECT count(*) AS total FROM torrents WHERE removed_at_ms IS NULL');
  const pageActive = db.prepare(`
    SELECT * FROM torrents WHERE removed_at_ms IS NULL ORDER BY added_at_ms, infohash LIMIT ? OFFSET ?
  `);

  function readRow(infohash: string): TorrentRow | undefined {
    return selectOne.get(infohash) as TorrentRow | undefined;
  }

  function insertNew(entry: NewWatchedTorrent, infohash: string): void {
    insert.run({
      infohash,
      label: entry.label ?? null,
      source: entry.source ?? null,
      name: entry.name ?? null,
      size: entry.size ?? null,
      trackers: JSON.stringify(unique(entry.trackers ?? [])),
      web_seeds: JSON.stringify(unique(entry.webSeeds ?? [])),
      files: JSON.stringify(entry.files ?? []),
      piece_length_bytes: entry.pieceLengthBytes ?? null,
      tags: JSON.stringify(unique(entry.tags ?? [])),
      added_at_ms: now(),
    });
  }

  /** `prefer` decides who wins where both sides know a value: the new entry (a user's add) or the stored one (an import). */
  function merge(row: TorrentRow, entry: NewWatchedTorrent, prefer: 'entry' | 'stored', reactivate: boolean): void {
    const pick = <T>(incoming: T | null | undefined, stored: T | null): T | null =>
      prefer === 'entry' ? (incoming ?? stored) : (stored ?? incoming ?? null);
    const storedFiles = parseJson<FileEntry[]>(row.files);
    const incomingFiles = entry.files && entry.files.length > 0 ? entry.files : null;
    update.run({
      infohash: row.infohash,
      label: pick(entry.label, row.label),
      source: pick(entry.source, row.source),
      name: pick(entry.name, row.name),
      size: pick(entry.size, row.size),
      trackers: JSON.stringify(unique([...parseJson<string[]>(row.trackers), ...(entry.trackers ?? [])])),
      web_seeds: JSON.stringify(unique([...parseJson<string[]>(row.web_seeds), ...(entry.webSeeds ?? [])])),
      files: JSON.stringify(pick(incomingFiles, storedFiles.length > 0 ? storedFiles : null) ?? []),
      piece_length_bytes: pick(entry.pieceLengthBytes, row.piece_length_bytes),
      tags: JSON.stringify(unique([...parseJson<string[]>(row.tags), ...(entry.tags ?? [])])),
      removed_at_ms: reactivate ? null : row.removed_at_ms,
    });
  }

  const addOne = db.transaction((entry: NewWatchedTorrent) => {
    const infohash = parseInfohash(entry.infohash);
    const existing = readRow(infohash);
    if (entry.infoDictionary) saveInfoDictionary(db, infohash, entry.infoDictionary, now());
    if (!existing) insertNew(entry, infohash);
    // Re-adding a removed torrent starts watching it again; it keeps its first added time and history.
    else merge(existing, entry, 'entry', true);
    return { infohash, created: !existing || existing.removed_at_ms !== null };
  });

  const importMany = db.transaction((entries: readonly NewWatchedTorrent[]) => {
    let added = 0;
    for (const entry of entries) {
      const infohash = parseInfohash(entry.infohash);
      const existing = readRow(infohash);
      if (entry.infoDictionary) saveInfoDictionary(db, infohash, entry.infoDictionary, now());
      if (!existing) {
        insertNew(entry, infohash);
        added += 1;
      } else if (existing.removed_at_ms === null) {
        // Fill in what is missing, but a label or name the user set wins over the shipped list.
        merge(existing, entry, 'stored', false);
      }
      // Tombstoned: the user removed it; a watchlist file must not bring it back.
    }
    return added;
  });

  return {
    // Changes with every write to the database (store/sqlite/data-version.ts): the API's caches key on it.
    dataVersion: dataVersionOf(db),

    add(entry) {
      // IMMEDIATE: the transaction reads before it writes; a deferred one would fail at once with
      // SQLITE_BUSY (no busy_timeout wait) if the collector committed in between (the fault matrix found it).
      const { infohash, created } = addOne.immediate(entry);
      return { torrent: rowToTorrent(readRow(infohash)!), created };
    },

    importEntries(entries) {
      return importMany.immediate(entries);
    },

    remove(infohash) {
      return tombstone.run(now(), parseInfohash(infohash)).changes > 0;
    },

    get(infohash, options) {
      const row = readRow(parseInfohash(infohash));
      if (!row || (row.removed_at_ms !== null && !options?.includeRemoved)) return undefined;
      return rowToTorrent(row);
    },

    list(page) {
      const { total } = countActive.get() as { total: number };
      // LIMIT -1 is SQLite for "no limit": the collector asks for the whole watchlist.
      const rows = pageActive.all(page ? Math.max(0, page.limit) : -1, page ? Math.max(0, page.offset) : 0) as TorrentRow[];
      return { torrents: rows.map(rowToTorrent), total };
    },
  };
}

function rowToTorrent(row: TorrentRow): WatchedTorrent {
  return {
    infohash: row.infohash,
    label: row.label,
    source: row.source,
    name: row.name,
    size: row.size,
    trackers: parseJson<string[]>(row.trackers),
    webSeeds: parseJson<string[]>(row.web_seeds),
    files: parseJson<FileEntry[]>(row.files),
    // Only when known, so entries without it read as they did before the column existed.
    ...(row.piece_length_bytes !== null ? { pieceLengthBytes: row.piece_length_bytes } : {}),
    tags: parseJson<string[]>(row.tags),
    addedAtMs: row.added_at_ms,
    removedAtMs: row.removed_at_ms,
  };
}

/** The JSON columns are only written by this module; an unreadable one (a hand edit) reads as empty. */
function parseJson<T extends unknown[]>(text: string): T {
  try {
    const value: unknown = JSON.parse(text);
    return (Array.isArray(value) ? value : []) as T;
  } catch {
    return [] as unknown as T;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
