/**
 * `--store URL` (DESIGN.md §3) to an open store. `sqlite:./data/swarmscope.db` is the default: one
 * file holds the series and the state. `influx://[user:pass@]host:8086/db` keeps the series in
 * InfluxDB and the state (watchlist registry, alert and webhook tables) in
 * `<dataDir>/swarmscope-state.db`, so several collectors (`--shard i/n`) can write one InfluxDB
 * and `serve` runs stateless on top of it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { SwarmscopeConfig } from '../core/config.ts';
import { SwarmscopeError, describeError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { openInfluxStore } from './influx/influx-series-store.ts';
import { parseInfluxUrl, type InfluxLocation } from './influx/influx-url.ts';
import { SpoolingSeriesStore } from './spool/spooling-series-store.ts';
import { openSqliteStore } from './sqlite/open-sqlite-store.ts';
import type { SeriesStore, TorrentRegistry } from './types.ts';

export const DEFAULT_STORE_URL = 'sqlite:./data/swarmscope.db';
/** Beside the series in SQLite mode; in `<dataDir>` when the series are in InfluxDB. */
export const STATE_DB_FILE = 'swarmscope-state.db';

export interface OpenedStore {
  kind: SeriesStore['kind'];
  series: SeriesStore;
  registry: TorrentRegistry;
  /** SQLite for state that is not a series (alerts, webhooks): the series database itself, or `<dataDir>/swarmscope-state.db`. */
  stateDb: Database.Database;
  /** Present for a collector writing to InfluxDB: its depth goes to /metrics. */
  spool?: SpoolingSeriesStore;
  close(): Promise<void>;
}

export type StoreLocation = { kind: 'sqlite'; path: string } | InfluxLocation;

export interface OpenStoreOptions {
  /** Folder for local state: the state database beside InfluxDB, and the spool. Default ./data. */
  dataDir?: string;
  /** 0 = forever. InfluxDB retention policies, and the SQLite upkeep's when that runs. */
  retention?: { rawMs: number; hourlyMs: number; dailyMs: number };
  /** With `retention`: run SQLite rollups and retention at open and after writes, at most this often (collectors). */
  upkeepIntervalMs?: number;
  /** For collectors: keep samples in a disk spool while InfluxDB is unreachable. `name` tells shards apart. */
  spool?: { maxBytes: number; name?: string };
  log?: Logger;
}

/** The options a command's config asks for; collectors get a spool named after their shard. */
export function storeOptionsFromConfig(config: SwarmscopeConfig, log: Logger, role: 'collector' | 'reader'): OpenStoreOptions {
  const shardName = config.shard === '0/1' ? '' : `-shard-${config.shard.replace('/', '-of-')}`;
  return {
    dataDir: config.dataDir,
    retention: { rawMs: config.rawRetentionMs, hourlyMs: config.hourlyRetentionMs, dailyMs: config.dailyRetentionMs },
    // Upkeep and the spool belong to the process that writes: a `watch ls` should not start a rollup.
    ...(role === 'collector' ? { upkeepIntervalMs: config.upkeepIntervalMs, spool: { maxBytes: config.spoolMaxBytes, name: `series${shardName}` } } : {}),
    log,
  };
}

const EXAMPLES = 'use sqlite:./data/swarmscope.db (a file), sqlite::memory: (nothing kept) or influx://host:8086/db';

export function parseStoreUrl(url: string): StoreLocation {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    // `sqlite:` followed by a path; `sqlite://path` is accepted too since people write URLs that way.
    const path = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=[^/])/, '');
    if (path === '') throw new SwarmscopeError('invalid_store_url', `store URL "${url}" has no path: ${EXAMPLES}`);
    return { kind: 'sqlite', path };
  }
  if (scheme === 'influx' || scheme === 'influxdb' || scheme === 'influxs') return parseInfluxUrl(trimmed, redact(url));
  throw new SwarmscopeError('invalid_store_url', `store URL "${redact(url)}" is not understood: ${EXAMPLES}`);
}

/** Opens the store a URL names, creating the folders it needs. */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<OpenedStore> {
  const location = parseStoreUrl(url);
  const upkeep = options.retention && options.upkeepIntervalMs !== undefined
    ? { ...prefixed(options.retention), intervalMs: options.upkeepIntervalMs, onError: logError(options, 'SQLite upkeep failed') }
    : undefined;
  if (location.kind === 'sqlite') {
    if (location.path !== ':memory:') ensureFolder(dirname(resolve(location.path)));
    const store = openSqliteStore(location.path, upkeep ? { upkeep } : {});
    return { kind: 'sqlite', series: store.series, registry: store.registry, stateDb: store.db, close: store.close };
  }

  const dataDir = resolve(options.dataDir ?? './data');
  ensureFolder(dataDir);
  // The state database needs no upkeep: its series tables stay empty when the series are in InfluxDB.
  const state = openSqliteStore(join(dataDir, STATE_DB_FILE));
  const influx = openInfluxStore(location, {
    retention: options.retention ?? { rawMs: 30 * 86_400_000, hourlyMs: 365 * 86_400_000, dailyMs: 0 },
    onBackgroundError: logError(options, 'InfluxDB backfill of late samples failed (retried with the next late write)'),
  });
  // Creates the database, retention policies and CQs now if InfluxDB answers; if not, a collector
  // still starts (it spools) and the setup is retried before the next write or query.
  await influx.ready().catch((error: unknown) => {
    if (!(error instanceof SwarmscopeError && error.code === 'store_unavailable')) throw error;
    options.log?.warn({ err: describeError(error) }, 'InfluxDB is unreachable at start; retrying on each write');
  });
  let spool: SpoolingSeriesStore | undefined;
  try {
    spool = options.spool && SpoolingSeriesStore.open(influx, { path: join(dataDir, 'spool', `${options.spool.name ?? 'series'}.spool`), maxBytes: options.spool.maxBytes, log: options.log });
  } catch (error) {
    await state.close();
    throw error;
  }
  const series = spool ?? influx;
  return {
    kind: 'influx',
    series,
    registry: state.registry,
    stateDb: state.db,
    ...(spool ? { spool } : {}),
    async close() {
      await series.close();
      await state.close();
    },
  };
}

function prefixed(retention: NonNullable<OpenStoreOptions['retention']>) {
  return { rawRetentionMs: retention.rawMs, hourlyRetentionMs: retention.hourlyMs, dailyRetentionMs: retention.dailyMs };
}

function logError(options: OpenStoreOptions, message: string): (error: unknown) => void {
  return (error) => options.log?.error({ err: describeError(error) }, message);
}

function ensureFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new SwarmscopeError('store_unavailable', `cannot create the folder ${folder} for the store: ${describeError(error)}`, { cause: error });
  }
}

/** Store URLs may carry a password (influx://user:pass@host); never echo it back in an error. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
