/**
 * The sweep log kept in memory (SweepLog.window) and the gap walk over it (sweepGapsInWindow) give
 * exactly what the per-request SQL and sweepGaps over every attempt gave (issue 12), on random
 * histories: overruns, failures, misses, shards, clock steps, out-of-order starts, watched spans and
 * windows anywhere; and the log is read again as soon as another connection or this one changes it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { inShard } from '../../core/shard.ts';
import { migrate } from '../../store/sqlite/migrate.ts';
import { SweepLog, type SweepAttempt } from '../../store/state/sweep-log.ts';
import { sweepGapsInWindow } from '../../store/sweep-gaps-window.ts';
import { sweepGaps, type GapQuery } from '../../store/sweep-gaps.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const RUNS = Number(process.env.SWARMSCOPE_FUZZ_RUNS ?? 300);

interface SweepSpec {
  gapMin: number;
  durationMin: number;
  intervalMin: number;
  shard: string;
  failed: 0 | 1 | 2 | 3;
  missA: 0 | 1 | 2;
  missB: boolean;
  settingsId: number | null;
}

/** The SQL SweepLog.attempts ran before the log was kept in memory: the reference. */
function attemptsBySql(db: Database.Database, fromMs: number, toMs: number, infohash?: string): SweepAttempt[] {
  const columns = infohash ? 's.*, (SELECT cause FROM sweep_misses m WHERE m.sweep_id = s.id AND m.infohash = @infohash) AS miss' : 's.*';
  type Row = Record<string, unknown> & { miss?: string | null };
  const before = db.prepare(`SELECT ${columns} FROM sweeps s WHERE finished_at_ms < @fromMs ORDER BY finished_at_ms DESC, id DESC LIMIT 1`).get({ fromMs, infohash }) as Row | undefined;
  const inRange = db.prepare(`SELECT ${columns} FROM sweeps s WHERE finished_at_ms BETWEEN @fromMs AND @toMs ORDER BY finished_at_ms, id`).all({ fromMs, toMs, infohash }) as Row[];
  return [...(before ? [before] : []), ...inRange].map((row) => {
    const attempt: SweepAttempt = {
      id: row.id as number,
      startedAtMs: row.started_at_ms as number,
      finishedAtMs: row.finished_at_ms as number,
      intervalMs: row.interval_ms as number,
      shard: row.shard as string,
      settingsId: row.settings_id as number | null,
      planned: row.planned as number,
      measured: row.measured as number,
      outcome: row.outcome as 'done' | 'failed',
      cause: row.cause as string | null,
    };
    if (row.miss) attempt.miss = row.miss;
    return attempt;
  });
}

const sweepSpec: fc.Arbitrary<SweepSpec> = fc.record({
  // Mostly on time, sometimes late (collector down), sometimes overlapping the previous one.
  gapMin: fc.oneof({ weight: 6, arbitrary: fc.constant(15) }, { weight: 2, arbitrary: fc.integer({ min: 0, max: 120 }) }, { weight: 1, arbitrary: fc.integer({ min: -20, max: 0 }) }),
  durationMin: fc.integer({ min: 0, max: 25 }),
  intervalMin: fc.constantFrom(15, 15, 15, 5, 30),
  shard: fc.constantFrom('0/1', '0/1', '0/1', '0/2', '1/2'),
  failed: fc.constantFrom(0, 0, 0, 0, 0, 1, 2, 3),
  missA: fc.constantFrom(0, 0, 0, 0, 1, 2),
  missB: fc.boolean(),
  settingsId: fc.constantFrom(1, 1, 1, 2, null),
});

const FAILURES = [null, 'dht_unreachable: no bootstrap node answered', 'store_unavailable', 'something else\nbroke'] as const;

/** A clock step near the start of a sweep (so it can shorten the wait before it), or anywhere. */
interface StepSpec {
  sweep: number;
  offsetMin: number;
  skippedMin: number;
}

function buildLog(db: Database.Database, specs: readonly SweepSpec[], steps: readonly StepSpec[]): void {
  const log = new SweepLog(db);
  log.recordSettings({ first: true });
  log.recordSettings({ second: true });
  let startMin = 0;
  const startsMin: number[] = [];
  for (const spec of specs) {
    startMin += spec.gapMin;
    startsMin.push(startMin);
    const misses = [
      ...(spec.missA === 1 ? [{ infohash: A, cause: 'IPv4: no node answered' }] : spec.missA === 2 ? [{ infohash: A, cause: '' }] : []),
      ...(spec.missB ? [{ infohash: B, cause: 'no node answered' }] : []),
    ];
    log.record({
      startedAtMs: T0 + startMin * MIN,
      finishedAtMs: T0 + (startMin + spec.durationMin) * MIN,
      intervalMs: spec.intervalMin * MIN,
      shard: spec.shard,
      settingsId: spec.settingsId,
      planned: 2,
      measured: 2 - misses.length,
      outcome: spec.failed > 0 ? 'failed' : 'done',
      cause: spec.failed > 0 ? FAILURES[spec.failed] : null,
      misses,
    });
  }
  for (const step of steps) {
    const atMin = (startsMin.length > 0 ? startsMin[step.sweep % startsMin.length]! : 0) + step.offsetMin;
    log.recordClockStep({ atMs: T0 + atMin * MIN, stepMs: step.skippedMin > 0 ? step.skippedMin * MIN : -5 * MIN, skippedMs: step.skippedMin * MIN, smeared: step.skippedMin === 0 });
  }
}

describe('sweep gaps over the in-memory log', () => {
  it('match the SQL and the walk over every attempt, on random histories and windows', () => {
    fc.assert(
      fc.property(
        fc.array(sweepSpec, { minLength: 0, maxLength: 60 }),
        fc.array(fc.record({ sweep: fc.nat(), offsetMin: fc.integer({ min: -10, max: 10 }), skippedMin: fc.constantFrom(0, 5, 10, 20, 45, 120) }), { maxLength: 3 }),
        fc.record({
          fromMin: fc.integer({ min: -60, max: 1500 }),
          lengthMin: fc.integer({ min: -30, max: 2000 }),
          nowAfterMin: fc.integer({ min: -200, max: 300 }),
          watchedFromMin: fc.option(fc.integer({ min: -60, max: 1500 }), { nil: undefined }),
          watchedUntilMin: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: null }),
          infohash: fc.constantFrom(A, B, 'c'.repeat(40)),
          shardAware: fc.boolean(),
        }),
        (specs, steps, request) => {
          const db = new Database(':memory:');
          try {
            migrate(db);
            buildLog(db, specs, steps);
            const fromMs = T0 + request.fromMin * MIN;
            const toMs = fromMs + request.lengthMin * MIN;
            const log = new SweepLog(db);
            const attempts = attemptsBySql(db, fromMs, toMs, request.infohash);
            assert.deepEqual(log.attempts(fromMs, toMs, request.infohash), attempts, 'SweepLog.attempts');
            assert.deepEqual(log.attempts(fromMs, toMs), attemptsBySql(db, fromMs, toMs), 'SweepLog.attempts without a torrent');
            const clockSteps = log.clockSteps(fromMs, toMs);
            const query: GapQuery = {
              fromMs,
              toMs,
              nowMs: toMs + request.nowAfterMin * MIN,
              clockSteps,
              watchedFromMs: request.watchedFromMin === undefined ? undefined : T0 + request.watchedFromMin * MIN,
              watchedUntilMs: request.watchedUntilMin === null ? null : T0 + request.watchedUntilMin * MIN,
              ...(request.shardAware ? { coversShard: (shard: string) => inShard(request.infohash, shard) } : {}),
            };
            const expected = sweepGaps(attempts, query);
            const actual = sweepGapsInWindow(log.window(fromMs, toMs), log.missesOf(request.infohash), query);
            assert.deepEqual(actual, expected);
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('throws as the walk does for a shard that cannot be read, only when the window holds it', () => {
    const db = new Database(':memory:');
    migrate(db);
    const log = new SweepLog(db);
    const base = { intervalMs: 15 * MIN, settingsId: null, planned: 1, measured: 1, outcome: 'done' as const, cause: null };
    log.record({ ...base, startedAtMs: T0, finishedAtMs: T0 + MIN, shard: 'bad' });
    log.record({ ...base, startedAtMs: T0 + 60 * MIN, finishedAtMs: T0 + 61 * MIN, shard: '0/1' });
    log.record({ ...base, startedAtMs: T0 + 75 * MIN, finishedAtMs: T0 + 76 * MIN, shard: '0/1' });
    const query = (fromMs: number, toMs: number): GapQuery => ({ fromMs, toMs, nowMs: toMs, coversShard: (shard) => inShard(A, shard) });
    assert.throws(() => sweepGapsInWindow(log.window(T0, T0 + 90 * MIN), new Map(), query(T0, T0 + 90 * MIN)), /--shard "bad"/);
    const later = query(T0 + 70 * MIN, T0 + 90 * MIN);
    assert.deepEqual(sweepGapsInWindow(log.window(later.fromMs, later.toMs), new Map(), later), sweepGaps(attemptsBySql(db, later.fromMs, later.toMs, A), later));
    db.close();
  });
});

describe('the in-memory sweep log stays fresh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-sweep-log-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sweep = (minute: number, misses: { infohash: string; cause: string }[] = []) => ({
    startedAtMs: T0 + minute * MIN,
    finishedAtMs: T0 + (minute + 2) * MIN,
    intervalMs: 15 * MIN,
    shard: '0/1',
    settingsId: null,
    planned: 1,
    measured: 1 - misses.length,
    outcome: 'done' as const,
    cause: null,
    misses,
  });

  it('sees sweeps, misses, clock steps and prunes written through this connection or another one', () => {
    const path = join(dir, 'log.sqlite');
    const reader = new Database(path);
    reader.pragma('journal_mode = WAL');
    migrate(reader);
    const writer = new Database(path);
    const readerLog = new SweepLog(reader);
    const finished = () => readerLog.attempts(T0, T0 + 600 * MIN, A).map((attempt) => [attempt.finishedAtMs, attempt.miss]);

    new SweepLog(writer).record(sweep(0));
    assert.deepEqual(finished(), [[T0 + 2 * MIN, undefined]]);
    new SweepLog(writer).record(sweep(15, [{ infohash: A, cause: 'no node answered' }]));
    assert.deepEqual(finished(), [[T0 + 2 * MIN, undefined], [T0 + 17 * MIN, 'no node answered']], 'another connection wrote');
    readerLog.record(sweep(30));
    assert.equal(finished().length, 3, 'this connection wrote');
    new SweepLog(writer).recordClockStep({ atMs: T0 + 40 * MIN, stepMs: 60 * MIN, skippedMs: 60 * MIN, smeared: false });
    assert.equal(readerLog.clockSteps(T0, T0 + 600 * MIN).length, 1);
    const { gaps } = sweepGapsInWindow(readerLog.window(T0, T0 + 600 * MIN), readerLog.missesOf(A), { fromMs: T0, toMs: T0 + 600 * MIN, nowMs: T0 + 600 * MIN, clockSteps: readerLog.clockSteps(T0, T0 + 600 * MIN) });
    assert.ok(gaps.some((gap) => gap.cause === 'clock_step'));
    // A miss written for a sweep already in the log (not what the collector does, but a hand edit) is seen too: misses are read every time.
    writer.prepare('INSERT INTO sweep_misses (sweep_id, infohash, cause) VALUES ((SELECT min(id) FROM sweeps), ?, ?)').run(A, 'late');
    assert.deepEqual(finished()[0], [T0 + 2 * MIN, 'late']);
    new SweepLog(writer).prune(T0 + 10 * MIN);
    assert.equal(finished().length, 2, 'pruned by another connection');
    readerLog.prune(T0 + 20 * MIN);
    assert.equal(finished().length, 1, 'pruned by this connection');
    writer.close();
    reader.close();
  });
});
