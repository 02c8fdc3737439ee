/**
 * "Has anything in this SQLite database changed?" in a few microseconds, for the API's answer
 * caches (issue 12): a cached answer is kept with the version it was computed at and used only while
 * the version is the same, so a cache never serves an answer older than the last write.
 *
 * Two counters make the version, because two kinds of writer share a database file:
 * - `PRAGMA data_version` changes when another connection commits (the collector in another
 *   process, `swarmscope collect` next to `serve`); it does not see this connection's own writes.
 * - `total_changes()` counts every row this connection inserted, updated or deleted (`start` runs the
 *   collector and the API on one connection: samples, the sweep log, registry writes, upkeep).
 * Any write bumps one of them, related to the cached answer or not: a cache is invalidated more
 * often than needed, never less. Read the version before the data it guards: a write landing in
 * between then leaves a newer answer under the older version, which the next read discards.
 */
import type Database from 'better-sqlite3';

/** Changes whenever data in the database may have changed; equal versions mean equal data. */
export type DataVersion = string;

const versionStatements = new WeakMap<Database.Database, () => DataVersion>();

/** The version reader of one connection (prepared once per connection). */
export function dataVersionOf(db: Database.Database): () => DataVersion {
  let read = versionStatements.get(db);
  if (!read) {
    const dataVersion = db.prepare('PRAGMA data_version').pluck();
    const totalChanges = db.prepare('SELECT total_changes()').pluck();
    // A closed connection has no version: a fresh token every time keeps every cache cold.
    let closedReads = 0;
    read = () => (db.open ? `${dataVersion.get() as number}:${totalChanges.get() as number}` : `closed:${++closedReads}`);
    versionStatements.set(db, read);
  }
  return read;
}

/**
 * Objects backed by a SQLite connection expose its version reader (the registry and series store of
 * store/sqlite): the same function for the same connection, so a caller reading two stores on one
 * file reads the version once.
 */
export interface DataVersioned {
  readonly dataVersion: () => DataVersion;
}

/** The version reader of a store object, or undefined when it has none (InfluxDB, wrappers, fakes): then nothing may be cached. */
export function dataVersionReader(store: unknown): (() => DataVersion) | undefined {
  const candidate = store as Partial<DataVersioned> | null | undefined;
  return typeof candidate?.dataVersion === 'function' ? candidate.dataVersion : undefined;
}

/**
 * One version over several stores, or undefined when any of them has none. Stores on one
 * connection share a reader, which is read once.
 */
export function combinedDataVersion(...stores: unknown[]): (() => DataVersion) | undefined {
  const readers = stores.map(dataVersionReader);
  if (readers.some((reader) => reader === undefined)) return undefined;
  const distinct = [...new Set(readers as (() => DataVersion)[])];
  return distinct.length === 1 ? distinct[0] : () => distinct.map((read) => read()).join('|');
}
