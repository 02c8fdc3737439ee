/**
 * Brings a database up to the schema this build knows. The version lives in `PRAGMA user_version`
 * (in the file header, so it commits or rolls back with the step that set it). Each step runs in
 * its own transaction: a crash between steps leaves a consistent, older, still-upgradable file.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../../core/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.ts';

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export interface MigrationResult {
  fromVersion: number;
  toVersion: number;
  applied: string[];
}

/** Applies every pending step up to `targetVersion` (the latest unless told; tests stop early to build old files). */
export function migrate(
  db: Database.Database,
  targetVersion: number = LATEST_SCHEMA_VERSION,
  migrations: readonly Migration[] = MIGRATIONS,
): MigrationResult {
  const fromVersion = schemaVersion(db);
  if (fromVersion > LATEST_SCHEMA_VERSION) {
    // Opening would risk writing rows an older build does not understand; refuse instead.
    throw new SwarmscopeError(
      'store_unavailable',
      `the database has schema version ${fromVersion}, newer than this swarmscope supports (${LATEST_SCHEMA_VERSION}); upgrade swarmscope`,
    );
  }
  const pending = [...migrations]
    .filter((migration) => migration.version > fromVersion && migration.version <= targetVersion)
    .sort((a, b) => a.version - b.version);
  const applied: string[] = [];
  for (const migration of pending) {
    const ran = db.transaction(() => {
      // Another process (collector and API share the file) may have applied it while we waited for the lock.
      if (schemaVersion(db) >= migration.version) return false;
      migration.up(db);
      // PRAGMA takes no bound parameters; the version is an integer from our own list.
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
      return true;
    }).immediate();
    if (ran) applied.push(`${migration.version} ${migration.name}`);
  }
  return { fromVersion, toVersion: schemaVersion(db), applied };
}
