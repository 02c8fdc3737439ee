/**
 * Leak families: named groups of watched torrents and mirrors (store/sqlite/migrations-families.ts).
 * A member must exist when attached (a watched torrent, a registered mirror); the caller checks that,
 * since the registries live beside this repository. Names are unique, case-insensitively.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { newId } from './state-ids.ts';

export type MemberKind = 'torrent' | 'mirror';
export type AttachedHow = 'user' | 'shipped' | 'suggestion-accepted';
export const MAX_FAMILY_NAME_CHARS = 200;

export interface Family {
  id: string;
  name: string;
  description: string | null;
  /** Infohashes of the attached torrents, in attachment order. */
  torrents: string[];
  /** Ids of the attached mirrors. */
  mirrors: string[];
  createdAtMs: number;
  updatedAtMs: number;
}

export interface FamiliesRepo {
  create(input: { name: string; description?: string | null }): Family;
  get(id: string): Family | undefined;
  /** By name, case-insensitively (the shipped watchlist names its families). */
  findByName(name: string): Family | undefined;
  list(): Family[];
  update(id: string, patch: { name?: string; description?: string | null }): Family;
  remove(id: string): boolean;
  attach(id: string, kind: MemberKind, member: string, how?: AttachedHow): void;
  detach(id: string, kind: MemberKind, member: string): boolean;
  /** Whether this member was ever attached (and perhaps detached since): imports must not undo a detach. */
  everAttached(id: string, kind: MemberKind, member: string): boolean;
  /** The families a torrent belongs to. */
  familiesOf(infohash: string): Family[];
}

interface FamilyRow {
  id: string;
  name: string;
  description: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_FAMILY_NAME_CHARS) {
    throw new SwarmscopeError('invalid_request', `a family name must have 1 to ${MAX_FAMILY_NAME_CHARS} characters`);
  }
  return trimmed;
}

function normalizeMember(kind: MemberKind, member: string): string {
  return kind === 'torrent' ? parseInfohash(member) : member;
}

export function createFamiliesRepo(db: Database.Database, now: () => number = Date.now): FamiliesRepo {
  const columns = 'id, name, description, created_at_ms AS createdAtMs, updated_at_ms AS updatedAtMs';
  const statements = {
    insert: db.prepare('INSERT INTO families (id, name, description, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?)'),
    byId: db.prepare(`SELECT ${columns} FROM families WHERE id = ?`),
    byName: db.prepare(`SELECT ${columns} FROM families WHERE name = ? COLLATE NOCASE`),
    all: db.prepare(`SELECT ${columns} FROM families ORDER BY created_at_ms, id`),
    members: db.prepare(`SELECT kind, member FROM family_members WHERE family_id = ? AND detached_at_ms IS NULL ORDER BY attached_at_ms, member`),
    update: db.prepare('UPDATE families SET name = ?, description = ?, updated_at_ms = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM families WHERE id = ?'),
    attach: db.prepare(
      `INSERT INTO family_members (family_id, kind, member, how, attached_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (family_id, kind, member) DO UPDATE SET detached_at_ms = NULL, how = excluded.how, attached_at_ms = excluded.attached_at_ms
       WHERE family_members.detached_at_ms IS NOT NULL`,
    ),
    detach: db.prepare('UPDATE family_members SET detached_at_ms = ? WHERE family_id = ? AND kind = ? AND member = ? AND detached_at_ms IS NULL'),
    ever: db.prepare('SELECT 1 FROM family_members WHERE family_id = ? AND kind = ? AND member = ?').pluck(),
    of: db.prepare(`SELECT DISTINCT family_id FROM family_members WHERE kind = 'torrent' AND member = ? AND detached_at_ms IS NULL`).pluck(),
    touch: db.prepare('UPDATE families SET updated_at_ms = ? WHERE id = ?'),
  };
  const hydrate = (row: FamilyRow | undefined): Family | undefined => {
    if (!row) return undefined;
    const members = statements.members.all(row.id) as { kind: MemberKind; member: string }[];
    return {
      ...row,
      torrents: members.filter((entry) => entry.kind === 'torrent').map((entry) => entry.member),
      mirrors: members.filter((entry) => entry.kind === 'mirror').map((entry) => entry.member),
    };
  };
  const mustGet = (id: string): Family => {
    const family = hydrate(statements.byId.get(id) as FamilyRow | undefined);
    if (!family) throw new SwarmscopeError('not_found', `no family ${id}`);
    return family;
  };
  const nameTaken = (name: string, exceptId?: string): void => {
    const existing = statements.byName.get(name) as FamilyRow | undefined;
    if (existing && existing.id !== exceptId) throw new SwarmscopeError('conflict', `a family named "${existing.name}" exists already (${existing.id})`);
  };
  return {
    create({ name, description = null }) {
      const checked = checkName(name);
      nameTaken(checked);
      const id = newId('fam');
      const atMs = now();
      statements.insert.run(id, checked, description, atMs, atMs);
      return mustGet(id);
    },
    get: (id) => hydrate(statements.byId.get(id) as FamilyRow | undefined),
    findByName: (name) => hydrate(statements.byName.get(name.trim()) as FamilyRow | undefined),
    list: () => (statements.all.all() as FamilyRow[]).map((row) => hydrate(row)!),
    update(id, patch) {
      const family = mustGet(id);
      const name = patch.name === undefined ? family.name : checkName(patch.name);
      nameTaken(name, id);
      statements.update.run(name, patch.description === undefined ? family.description : patch.description, now(), id);
      return mustGet(id);
    },
    remove: (id) => statements.remove.run(id).changes > 0,
    attach(id, kind, member, how = 'user') {
      mustGet(id);
      statements.attach.run(id, kind, normalizeMember(kind, member), how, now());
      statements.touch.run(now(), id);
    },
    detach(id, kind, member) {
      mustGet(id);
      const changed = statements.detach.run(now(), id, kind, normalizeMember(kind, member)).changes > 0;
      if (changed) statements.touch.run(now(), id);
      return changed;
    },
    everAttached: (id, kind, member) => statements.ever.get(id, kind, normalizeMember(kind, member)) !== undefined,
    familiesOf: (infohash) => (statements.of.all(parseInfohash(infohash)) as string[]).map((id) => mustGet(id)),
  };
}
