/** Alert rules (DESIGN.md §6) in the `alert_rules` table. Deleting a rule also drops its evaluation state. */
import type Database from 'better-sqlite3';
import type { SwarmMetric } from '../types.ts';
import { readOne, readPage } from './sql-rows.ts';
import { newId } from './state-ids.ts';

export const ALERT_KINDS = ['threshold', 'growth', 'mirror', 'discovery', 'metadata'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const THRESHOLD_OPS = ['>', '>=', '<', '<='] as const;
export type ThresholdOp = (typeof THRESHOLD_OPS)[number];

export const MIRROR_CHANGES = ['down', 'back', 'content_changed', 'taken_down'] as const;
export type MirrorChange = (typeof MIRROR_CHANGES)[number];

export interface AlertRule {
  id: string;
  kind: AlertKind;
  /** Limits threshold, growth and metadata rules to one torrent; null = every watched torrent. */
  infohash: string | null;
  /** Threshold and growth rules: every torrent of this leak family (its members when evaluated); null = not limited to a family. */
  familyId: string | null;
  metric: SwarmMetric | null;
  op: ThresholdOp | null;
  /** The threshold (threshold rules). */
  value: number | null;
  /** Growth rules: the change is measured against the sample this long before. */
  windowMs: number | null;
  /** Growth rules: fire at this relative change, in percent (negative for a shrinking swarm). */
  percent: number | null;
  /** The re-arm band: metric units for threshold rules, percentage points for growth; null = 5% of the limit. */
  hysteresis: number | null;
  /** Mirror rules: one mirror, or null for all. */
  mirrorId: string | null;
  /** Mirror rules: which changes fire; empty = all. */
  mirrorEvents: MirrorChange[];
  label: string | null;
  createdAtMs: number;
}

export type NewAlertRule = Omit<AlertRule, 'id' | 'createdAtMs'>;

/** As stored: the list of mirror changes is a JSON column. */
type RuleRow = Omit<AlertRule, 'mirrorEvents'> & { mirrorEvents: string };

const COLUMNS = `id, kind, infohash, family_id AS familyId, metric, op, value, window_ms AS windowMs, percent, hysteresis, mirror_id AS mirrorId,
  mirror_events AS mirrorEvents, label, created_at_ms AS createdAtMs`;

function decode(row: RuleRow): AlertRule {
  return { ...row, mirrorEvents: JSON.parse(row.mirrorEvents) as MirrorChange[] };
}

export interface AlertRulesRepo {
  create(rule: NewAlertRule, nowMs: number): AlertRule;
  get(id: string): AlertRule | undefined;
  list(page: { offset: number; limit: number }): { rules: AlertRule[]; total: number };
  /** Every rule of these kinds, oldest first: what the evaluator walks. */
  listByKinds(kinds: readonly AlertKind[]): AlertRule[];
  remove(id: string): boolean;
}

export function createAlertRulesRepo(db: Database.Database): AlertRulesRepo {
  const insert = db.prepare(`
    INSERT INTO alert_rules (id, kind, infohash, family_id, metric, op, value, window_ms, percent, hysteresis, mirror_id, mirror_events, label, created_at_ms)
    VALUES (@id, @kind, @infohash, @familyId, @metric, @op, @value, @windowMs, @percent, @hysteresis, @mirrorId, @mirrorEvents, @label, @createdAtMs)
  `);
  const selectOne = db.prepare(`SELECT ${COLUMNS} FROM alert_rules WHERE id = ?`);
  const count = db.prepare('SELECT count(*) AS total FROM alert_rules');
  const page = db.prepare(`SELECT ${COLUMNS} FROM alert_rules ORDER BY created_at_ms, rowid LIMIT ? OFFSET ?`);
  const byKinds = db.prepare(`SELECT ${COLUMNS} FROM alert_rules WHERE kind IN (SELECT value FROM json_each(?)) ORDER BY created_at_ms, rowid`);
  const remove = db.prepare('DELETE FROM alert_rules WHERE id = ?');

  return {
    create(rule, nowMs) {
      const created: AlertRule = { ...rule, id: newId('alr'), createdAtMs: nowMs };
      insert.run({ ...created, mirrorEvents: JSON.stringify(created.mirrorEvents) });
      return created;
    },
    get: (id) => readOne(selectOne, decode, id),
    list(pageRequest) {
      const { items, total } = readPage(count, page, decode, pageRequest);
      return { rules: items, total };
    },
    listByKinds: (kinds) => (byKinds.all(JSON.stringify(kinds)) as RuleRow[]).map(decode),
    remove: (id) => remove.run(id).changes > 0,
  };
}
