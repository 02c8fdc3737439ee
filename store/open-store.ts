/**
 * `--store URL` (DESIGN.md §3) to an open store. `sqlite:./data/swarmscope.db` is the default;
 * `influx://[user:pass@]host:8086/db` is planned and refused with a message saying so.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SwarmscopeError, describeError } from '../core/errors.ts';
import { openSqliteStore } from './sqlite/open-sqlite-store.ts';
import type { SeriesStore, TorrentRegistry } from './types.ts';

export const DEFAULT_STORE_URL = 'sqlite:./data/swarmscope.db';

export interface OpenedStore {
  kind: SeriesStore['kind'];
  series: SeriesStore;
  registry: TorrentRegistry;
  close(): Promise<void>;
}

export type StoreLocation = { kind: 'sqlite'; path: string };

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
  if (scheme === 'influx' || scheme === 'influxdb') {
    throw new SwarmscopeError('invalid_store_url', `store URL "${redact(url)}": influx is not supported yet; use sqlite:./data/swarmscope.db`);
  }
  throw new SwarmscopeError('invalid_store_url', `store URL "${redact(url)}" is not understood: ${EXAMPLES}`);
}

/** Opens the store a URL names, creating the folder of a SQLite file if needed. */
export async function openStore(url: string): Promise<OpenedStore> {
  const location = parseStoreUrl(url);
  if (location.path !== ':memory:') {
    const folder = dirname(resolve(location.path));
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      throw new SwarmscopeError('store_unavailable', `cannot create the folder ${folder} for the store: ${describeError(error)}`, { cause: error });
    }
  }
  const store = openSqliteStore(location.path);
  return { kind: 'sqlite', series: store.series, registry: store.registry, close: store.close };
}

/** Store URLs may carry a password (influx://user:pass@host); never echo it back in an error. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
