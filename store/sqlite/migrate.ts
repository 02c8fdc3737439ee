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

/**
 * The steps this database has had. Parts of swarmscope number their steps in separate ranges
 * (10–19 alerts, 20–29 DHT, 30–39 detail, 50–59 metadata, 60–69 mirrors…), so a file can be at
 * version 60 while a later build adds step 31: applied steps are recorded one by one, not inferred
 * from the highest version. A file from before this table existed had every step up to its
 * `user_version` (they were applied in order), which seeds the table.
 */
function appliedVersions(db: Database.Database, migrations: readonly Migration[]): Set<number> {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms INTEGER NOT NULL)');
  const rows = db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
  if (rows.length === 0 && schemaVersion(db) > 0) {
    const insert = db.prepare('INSERT OR IGNORE INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (const migration of migrations) if (migration.version <= schemaVersion(db)) insert.run(migration.version, migration.name, Date.now());
    }).immediate();
    return appliedVersions(db, migrations);
  }
  return new Set(rows.map((row) => row.version));
}

/** Applies every step not yet applied, up to `targetVersion` (the latest unless told; tests stop early to build old files). */
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
  const alreadyApplied = appliedVersions(db, migrations);
  const pending = [...migrations]
    .filter((migration) => !alreadyApplied.has(migration.version) && migration.version <= targetVersion)
    .sort((a, b) => a.version - b.version);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)');
  const applied: string[] = [];
  for (const migration of pending) {
    const ran = db.transaction(() => {
      // Another process (collector and API share the file) may have applied it while we waited for the lock.
      if (isApplied.get(migration.version)) return false;
      migration.up(db);
      record.run(migration.version, migration.name, Date.now());
      // PRAGMA takes no bound parameters; the version is an integer from our own list.
      if (migration.version > schemaVersion(db)) db.pragma(`user_version = ${Math.trunc(migration.version)}`);
      return true;
    }).immediate();
    if (ran) applied.push(`${migration.version} ${migration.name}`);
  }
  return { fromVersion, toVersion: schemaVersion(db), applied };
}
