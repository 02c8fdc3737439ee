/**
 * Opens (creating if needed) the SQLite store: one file holds the watchlist and the series. The
 * collector and the API may open the same file from two processes; WAL lets readers run while a
 * sweep writes, and busy_timeout makes a writer wait for the other instead of failing at once.
 */
import Database from 'better-sqlite3';
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import type { SeriesStore, TorrentRegistry } from '../types.ts';
import { migrate } from './migrate.ts';
import { createSqliteSeriesStore } from './sqlite-series-store.ts';
import { createSqliteTorrentRegistry } from './sqlite-torrent-registry.ts';

export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export interface SqliteStore {
  series: SeriesStore;
  registry: TorrentRegistry;
  db: Database.Database;
  /** Closes the database; idempotent, and the same as `series.close()`. */
  close(): Promise<void>;
}

export interface SqliteStoreOptions {
  /** The registry's clock (added / removed times); tests pin it. */
  now?: () => number;
}

/** `path` is a file path or `:memory:` (a private database that lives until close; WAL does not apply). */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SqliteStore {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (error) {
    throw new SwarmscopeError('store_unavailable', `cannot open SQLite database ${path}: ${describeError(error)}`, { cause: error });
  }
  try {
    db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL is durable across application crashes; only an OS crash or power loss can
    // drop the last commits, which costs at most one sweep, and saves an fsync per transaction.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (error) {
    db.close();
    if (error instanceof SwarmscopeError) throw error;
    throw new SwarmscopeError('store_unavailable', `cannot prepare SQLite database ${path}: ${describeError(error)}`, { cause: error });
  }

  const closeDatabase = (): void => {
    if (db.open) db.close();
  };
  const series = createSqliteSeriesStore(db, closeDatabase);
  const registry = createSqliteTorrentRegistry(db, options.now);
  return { series, registry, db, close: () => series.close() };
}
