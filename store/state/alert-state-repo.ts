/**
 * Where evaluation stands: per rule and subject (an infohash) whether the rule is armed and up to
 * which sample time it has been evaluated, plus named watermarks (the last domain event read).
 * Both live in the database, not in memory, so a restart or a second process resumes exactly.
 */
import type Database from 'better-sqlite3';

export interface RuleSubjectState {
  armed: boolean;
  /** Samples at or before this time have been evaluated. */
  evaluatedToMs: number;
}

export interface AlertStateRepo {
  get(ruleId: string, subject: string): RuleSubjectState | undefined;
  put(ruleId: string, subject: string, state: RuleSubjectState): void;
  watermark(name: string): number;
  setWatermark(name: string, value: number): void;
}

export function createAlertStateRepo(db: Database.Database): AlertStateRepo {
  const select = db.prepare('SELECT armed, evaluated_to_ms FROM alert_state WHERE rule_id = ? AND subject = ?');
  const upsert = db.prepare(`
    INSERT INTO alert_state (rule_id, subject, armed, evaluated_to_ms) VALUES (?, ?, ?, ?)
    ON CONFLICT (rule_id, subject) DO UPDATE SET armed = excluded.armed, evaluated_to_ms = excluded.evaluated_to_ms
  `);
  const selectWatermark = db.prepare('SELECT value FROM alert_watermarks WHERE name = ?');
  const upsertWatermark = db.prepare(`
    INSERT INTO alert_watermarks (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value
  `);
  return {
    get(ruleId, subject) {
      const row = select.get(ruleId, subject) as { armed: number; evaluated_to_ms: number } | undefined;
      return row ? { armed: row.armed === 1, evaluatedToMs: row.evaluated_to_ms } : undefined;
    },
    put(ruleId, subject, state) {
      upsert.run(ruleId, subject, state.armed ? 1 : 0, state.evaluatedToMs);
    },
    watermark(name) {
      return (selectWatermark.get(name) as { value: number } | undefined)?.value ?? 0;
    },
    setWatermark(name, value) {
      upsertWatermark.run(name, value);
    },
  };
}
