/**
 * What the commands share: the config, a logger, the opened store, and the watchlist imported from
 * `--watch` (or the shipped list) into the persisted registry.
 */
import type { SwarmscopeConfig } from '../core/config.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { DEFAULT_WATCHLIST_PATH, loadWatchlists } from '../collector/watchlist/load-watchlist.ts';
import { openStore } from '../store/open-store.ts';
import type { SeriesStore, TorrentRegistry } from '../store/types.ts';

export interface Runtime {
  config: SwarmscopeConfig;
  log: Logger;
  series: SeriesStore;
  registry: TorrentRegistry;
  close(): Promise<void>;
}

export async function openRuntime(config: SwarmscopeConfig): Promise<Runtime> {
  const log = createLogger(config.logLevel);
  const store = await openStore(config.store);
  return { config, log, series: store.series, registry: store.registry, close: () => store.close() };
}

/** Imports the watchlist entries into the registry; entries a user removed stay removed. */
export function importWatchlist(runtime: Runtime): number {
  const sources = runtime.config.watch.length > 0 ? runtime.config.watch : [DEFAULT_WATCHLIST_PATH];
  return runtime.registry.importEntries(loadWatchlists(sources));
}
