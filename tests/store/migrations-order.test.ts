import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { test } from 'node:test';
import { migrate, schemaVersion } from '../../store/sqlite/migrate.ts';
import type { Migration } from '../../store/sqlite/migrations.ts';

const step = (version: number): Migration => ({ version, name: `step ${version}`, up: (db) => db.exec(`CREATE TABLE t${version} (x INTEGER)`) });

test('migrations: a step numbered below the file\'s version, added by a later build, is still applied', () => {
  const db = new Database(':memory:');
  migrate(db, 60, [step(1), step(2), step(60)]);
  assert.equal(schemaVersion(db), 60);
  const result = migrate(db, 60, [step(1), step(2), step(31), step(60)]);
  assert.deepEqual(result.applied, ['31 step 31']);
  assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 't31'").get());
  assert.deepEqual(migrate(db, 60, [step(1), step(2), step(31), step(60)]).applied, [], 'idempotent');
});

test('migrations: a file from before the applied-steps table is seeded from its user_version', () => {
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t1 (x INTEGER); CREATE TABLE t2 (x INTEGER);');
  db.pragma('user_version = 2');
  const result = migrate(db, 3, [step(1), step(2), step(3)]);
  assert.deepEqual(result.applied, ['3 step 3']);
});
