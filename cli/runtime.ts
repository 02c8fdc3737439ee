/**
 * What the commands share: the config, a logger, the opened store, and the watchlist imported from
 * `--watch` (or the shipped list) into the persisted registry.
 */
import type Database from 'better-sqlite3';
import type { SwarmscopeConfig } from '../core/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { DEFAULT_WATCHLIST_PATH, loadWatchlists } from '../collector/watchlist/load-watchlist.ts';
import { openStore, storeOptionsFromConfig } from '../store/open-store.ts';
import { importFamilies } from '../store/state/import-families.ts';
import { importShippedTimeline } from '../store/state/import-timeline.ts';
import type { SeriesStore, TorrentRegistry } from '../store/types.ts';

export interface Runtime {
  config: SwarmscopeConfig;
  log: Logger;
  series: SeriesStore;
  registry: TorrentRegistry;
  /** The alerting state's SQLite handle (store/open-store.ts). */
  stateDb: Database.Database;
  close(): Promise<void>;
}

/** A `collector` runtime spools samples on disk while an InfluxDB store is unreachable; readers (serve, export, watch) need no spool. */
export async function openRuntime(config: SwarmscopeConfig, role: 'collector' | 'reader' = 'reader'): Promise<Runtime> {
  const log = createLogger(config.logLevel);
  const store = await openStore(config.store, storeOptionsFromConfig(config, log, role));
  return { config, log, series: store.series, registry: store.registry, stateDb: store.stateDb, close: () => store.close() };
}

/** Imports the watchlist entries into the registry; entries a user removed stay removed. */
export function importWatchlist(runtime: Runtime): number {
  const sources = runtime.config.watch.length > 0 ? runtime.config.watch : [DEFAULT_WATCHLIST_PATH];
  const entries = loadWatchlists(sources);
  const imported = runtime.registry.importEntries(entries);
  importFamilies(runtime.stateDb, runtime.registry, entries);
  // After the families: the shipped dates are about them.
  importShippedTimeline(runtime.stateDb);
  return imported;
}
