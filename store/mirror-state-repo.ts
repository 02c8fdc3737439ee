/**
 * Where each mirror stands (`mirror_state`): its state and since when, consecutive failures, whether
 * it was ever up (a 404 is a takedown only then), the validators seen last (content-change
 * detection), when its pieces were last verified, the next check (backoff), and the newest check.
 * A check's new state and the domain events of its transition commit in one transaction, so an
 * alert is never lost nor sent for a state that was not stored.
 */
import type Database from 'better-sqlite3';
import { emitDomainEvent, type NewDomainEvent } from './state/domain-events.ts';
import type { MirrorCheck, MirrorStateName } from './mirror-check.ts';

export interface MirrorState {
  mirrorId: string;
  state: MirrorStateName;
  stateSinceMs: number | null;
  consecutiveFailures: number;
  /** Has it ever answered with content (matching or not)? A 404, 410 or 451 is a takedown only then. */
  everUp: boolean;
  etag: string | null;
  lastModified: string | null;
  contentBytes: number | null;
  verifiedAtMs: number | null;
  nextCheckAtMs: number | null;
  lastCheck: MirrorCheck | null;
}

interface StateRow extends Omit<MirrorState, 'everUp' | 'lastCheck'> {
  everUp: number;
  lastCheck: string | null;
}

const COLUMNS = `mirror_id AS mirrorId, state, state_since_ms AS stateSinceMs, consecutive_failures AS consecutiveFailures,
  ever_up AS everUp, etag, last_modified AS lastModified, content_bytes AS contentBytes, verified_at_ms AS verifiedAtMs,
  next_check_at_ms AS nextCheckAtMs, last_check AS lastCheck`;

export function initialMirrorState(mirrorId: string): MirrorState {
  return {
    mirrorId,
    state: 'unknown',
    stateSinceMs: null,
    consecutiveFailures: 0,
    everUp: false,
    etag: null,
    lastModified: null,
    contentBytes: null,
    verifiedAtMs: null,
    nextCheckAtMs: null,
    lastCheck: null,
  };
}

function decode(row: StateRow): MirrorState {
  return { ...row, everUp: row.everUp === 1, lastCheck: row.lastCheck === null ? null : (JSON.parse(row.lastCheck) as MirrorCheck) };
}

export interface MirrorStateRepo {
  get(mirrorId: string): MirrorState;
  /** The states of several mirrors (a page of the list); mirrors never checked get the initial state. */
  getMany(mirrorIds: readonly string[]): Map<string, MirrorState>;
  /** Stores the state after a check and appends the events of its transition, atomically. */
  commit(state: MirrorState, events: readonly NewDomainEvent[]): void;
}

export function createMirrorStateRepo(db: Database.Database): MirrorStateRepo {
  const selectMany = db.prepare(`SELECT ${COLUMNS} FROM mirror_state WHERE mirror_id IN (SELECT value FROM json_each(?))`);
  const upsert = db.prepare(`
    INSERT INTO mirror_state (mirror_id, state, state_since_ms, consecutive_failures, ever_up, etag, last_modified, content_bytes,
      verified_at_ms, next_check_at_ms, last_check)
    VALUES (@mirrorId, @state, @stateSinceMs, @consecutiveFailures, @everUp, @etag, @lastModified, @contentBytes, @verifiedAtMs,
      @nextCheckAtMs, @lastCheck)
    ON CONFLICT (mirror_id) DO UPDATE SET state = excluded.state, state_since_ms = excluded.state_since_ms,
      consecutive_failures = excluded.consecutive_failures, ever_up = excluded.ever_up, etag = excluded.etag,
      last_modified = excluded.last_modified, content_bytes = excluded.content_bytes, verified_at_ms = excluded.verified_at_ms,
      next_check_at_ms = excluded.next_check_at_ms, last_check = excluded.last_check
  `);
  const commitTx = db.transaction((state: MirrorState, events: readonly NewDomainEvent[]) => {
    upsert.run({ ...state, everUp: state.everUp ? 1 : 0, lastCheck: state.lastCheck === null ? null : JSON.stringify(state.lastCheck) });
    for (const event of events) emitDomainEvent(db, event);
  });

  const getMany = (mirrorIds: readonly string[]): Map<string, MirrorState> => {
    const rows = selectMany.all(JSON.stringify(mirrorIds)) as StateRow[];
    const states = new Map(rows.map((row) => [row.mirrorId, decode(row)]));
    for (const id of mirrorIds) if (!states.has(id)) states.set(id, initialMirrorState(id));
    return states;
  };
  return {
    get: (mirrorId) => getMany([mirrorId]).get(mirrorId)!,
    getMany,
    commit: (state, events) => commitTx.immediate(state, events),
  };
}
