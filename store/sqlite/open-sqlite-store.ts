/**
 * Opens (creating if needed) the SQLite store: one file holds the watchlist and the series. The
 * collector and the API may open the same file from two processes; WAL lets readers run while a
 * sweep writes, and busy_timeout makes a writer wait for the other instead of failing at once.
 */
import Database from 'better-sqlite3';
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import type { DetailStore, SeriesStore, TorrentRegistry } from '../types.ts';
import { migrate } from './migrate.ts';
import { createSqliteDetailStore } from './sqlite-detail-store.ts';
import { createSqliteSeriesStore } from './sqlite-series-store.ts';
import { createSqliteTorrentRegistry } from './sqlite-torrent-registry.ts';
import { SqliteUpkeep, type UpkeepOptions } from './sqlite-upkeep.ts';

export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

export interface SqliteStore {
  series: SeriesStore & DetailStore;
  registry: TorrentRegistry;
  db: Database.Database;
  /** Rollups and retention, when asked for in the options. */
  upkeep?: SqliteUpkeep;
  /** Closes the database; idempotent, and the same as `series.close()`. */
  close(): Promise<void>;
}

export interface SqliteStoreOptions {
  /** The registry's clock (added / removed times); tests pin it. */
  now?: () => number;
  /** Roll up and apply retention at open and after writes. Off unless given: tests write fixtures dated in the past. */
  upkeep?: UpkeepOptions;
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
  const upkeep = options.upkeep ? new SqliteUpkeep(db, options.upkeep) : undefined;
  const onWritten = (earliestMs: number): void => upkeep?.noteWritten(earliestMs);
  // Tagged series and sketches (issue 4) live in the same file, beside the swarm samples.
  const series = Object.assign(
    createSqliteSeriesStore(db, closeDatabase, { onWritten }),
    createSqliteDetailStore(db, { onWritten, sweepsKeptFromMs: () => upkeep?.sketchSweepsKeptFromMs() ?? 0 }),
  );
  const registry = createSqliteTorrentRegistry(db, options.now);
  upkeep?.schedule();
  const close = async (): Promise<void> => {
    await upkeep?.idle();
    await series.close();
  };
  return { series, registry, db, ...(upkeep ? { upkeep } : {}), close };
}
