/**
 * Versions 70–79: leak families (issue 11). A family is a named group of watched torrents and
 * mirrors — one leaked model across all its infohashes. Members are references: removing a family
 * or a member never touches a torrent's history. `how` records whether a person attached the
 * member, the shipped watchlist did, or a suggestion was accepted; `detached_at_ms` keeps a member
 * the user detached from being re-attached by the next import of the shipped list.
 */
import type { Migration } from './migrations.ts';

export const FAMILY_MIGRATIONS: readonly Migration[] = [
  {
    version: 70,
    name: 'leak families and their members',
    up(db) {
      db.exec(`
        CREATE TABLE families (
          id            TEXT PRIMARY KEY NOT NULL,
          name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
          description   TEXT,
          created_at_ms INTEGER NOT NULL,
          updated_at_ms INTEGER NOT NULL
        );
        CREATE TABLE family_members (
          family_id      TEXT NOT NULL REFERENCES families (id) ON DELETE CASCADE,
          kind           TEXT NOT NULL CHECK (kind IN ('torrent', 'mirror')),
          member         TEXT NOT NULL,
          how            TEXT NOT NULL CHECK (how IN ('user', 'shipped', 'suggestion-accepted')),
          attached_at_ms INTEGER NOT NULL,
          detached_at_ms INTEGER,
          PRIMARY KEY (family_id, kind, member)
        ) WITHOUT ROWID;
        CREATE INDEX family_members_by_member ON family_members (kind, member);
      `);
    },
  },
  {
    version: 71,
    name: 'alert rules may target a leak family',
    up(db) {
      // A threshold or growth rule on a family watches every member torrent (members change; the rule follows).
      db.exec('ALTER TABLE alert_rules ADD COLUMN family_id TEXT');
    },
  },
];
