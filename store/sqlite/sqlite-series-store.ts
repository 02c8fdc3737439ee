/**
 * SeriesStore over the wide `swarm` table (one nullable column per metric). better-sqlite3 is
 * synchronous; the methods are `async` so a failure is a rejected promise, as with a network store.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { normalizeBatch, pointLimit, storedValue, timeSpan, validateQuery } from '../series-validation.ts';
import { SWARM_METRICS, type Aggregation, type SeriesPoint, type SeriesStore, type SwarmMetric, type SwarmSample, type SwarmValues } from '../types.ts';
import { asStoreUnavailable } from './sqlite-errors.ts';
import { createRollupReader } from './rollup-range.ts';

type SwarmRow = { infohash: string; at_ms: number } & Record<SwarmMetric, number | null>;
type PointRow = { bucket_ms: number; value: number };

const COLUMN_LIST = SWARM_METRICS.join(', ');

/** Fails at open, not at the first write, when the contract has a metric no migration created. */
export function assertSwarmColumns(db: Database.Database): void {
  const columns = new Set((db.pragma('table_info(swarm)') as { name: string }[]).map((column) => column.name));
  const missing = SWARM_METRICS.filter((metric) => !columns.has(metric));
  if (missing.length > 0) {
    throw new SwarmscopeError('internal', `the swarm table has no column for ${missing.join(', ')}: add a migration in store/sqlite/migrations.ts`);
  }
}

export interface SqliteSeriesStoreOptions {
  /** Told the earliest sample time of each committed batch: upkeep re-rolls the buckets a late sample lands in. */
  onWritten?: (earliestAtMs: number) => void;
}

export function createSqliteSeriesStore(db: Database.Database, closeDatabase: () => void, options: SqliteSeriesStoreOptions = {}): SeriesStore {
  assertSwarmColumns(db);

  // A later write for the same (infohash, at_ms) fills in or corrects measured values, but a NULL
  // (not measured) never erases one: replaying a spool or a partial retry cannot lose data.
  const upsertSample = db.prepare(`
    INSERT INTO swarm (infohash, at_ms, ${COLUMN_LIST})
    VALUES (?, ?, ${SWARM_METRICS.map(() => '?').join(', ')})
    ON CONFLICT (infohash, at_ms) DO UPDATE SET
      ${SWARM_METRICS.map((metric) => `${metric} = coalesce(excluded.${metric}, swarm.${metric})`).join(',\n      ')}
  `);
  // The pointer only moves forward, so a late (older) sample never hides a newer one.
  const advanceLatest = db.prepare(`
    INSERT INTO swarm_latest (infohash, at_ms) VALUES (?, ?)
    ON CONFLICT (infohash) DO UPDATE SET at_ms = excluded.at_ms WHERE excluded.at_ms > swarm_latest.at_ms
  `);
  const writeBatch = db.transaction((samples: readonly SwarmSample[]) => {
    for (const sample of samples) {
      upsertSample.run(sample.infohash, sample.atMs, ...SWARM_METRICS.map((metric) => storedValue(sample.values[metric])));
      advanceLatest.run(sample.infohash, sample.atMs);
    }
  });
  const latestAll = db.prepare(`
    SELECT s.infohash, s.at_ms, ${prefixed('s', SWARM_METRICS)}
    FROM swarm_latest AS l JOIN swarm AS s ON s.infohash = l.infohash AND s.at_ms = l.at_ms
  `);
  const latestSome = db.prepare(`
    SELECT s.infohash, s.at_ms, ${prefixed('s', SWARM_METRICS)}
    FROM swarm_latest AS l JOIN swarm AS s ON s.infohash = l.infohash AND s.at_ms = l.at_ms
    WHERE l.infohash IN (SELECT value FROM json_each(?))
  `);
  const rangeStatements = new Map<string, Database.Statement>();
  const oldestRaw = db.prepare('SELECT min(at_ms) AS oldest FROM swarm WHERE infohash = ?');
  const readRollups = createRollupReader(db);

  function rangeStatement(metric: SwarmMetric, agg: Aggregation, raw: boolean): Database.Statement {
    const key = `${metric}/${raw ? 'raw' : agg}`;
    let statement = rangeStatements.get(key);
    if (!statement) {
      statement = db.prepare(raw ? rawRangeSql(metric) : bucketedRangeSql(metric, agg));
      rangeStatements.set(key, statement);
    }
    return statement;
  }

  let closed = false;
  return {
    kind: 'sqlite',

    async writeSamples(samples) {
      const normalized = normalizeBatch(samples);
      if (normalized.length === 0) return;
      // One transaction per batch: one fsync instead of one per row, and all-or-nothing.
      try {
        writeBatch(normalized);
      } catch (error) {
        throw asStoreUnavailable(error);
      }
      options.onWritten?.(timeSpan(normalized).earliestMs);
    },

    async latestSamples(infohashes) {
      const rows = (
        infohashes === undefined ? latestAll.all() : latestSome.all(JSON.stringify(infohashes.map((hash) => parseInfohash(hash))))
      ) as SwarmRow[];
      return new Map(rows.map((row) => [row.infohash, rowToSample(row)]));
    },

    async querySeries(query) {
      const { infohash, metric, agg, fromMs, toMs, stepMs } = validateQuery(query);
      const limit = pointLimit(query) ?? -1;
      // History older than the torrent's oldest raw sample (deleted past rawRetentionMs) comes from
      // the rollups; the step bucket holding the oldest raw sample and later come from raw samples.
      const oldestRawMs = (oldestRaw.get(infohash) as { oldest: number | null }).oldest;
      const boundaryMs = oldestRawMs === null ? fromMs : stepMs > 0 ? Math.floor(oldestRawMs / stepMs) * stepMs : oldestRawMs;
      const older = boundaryMs > fromMs && toMs >= fromMs ? readRollups({ infohash, metric, agg, fromMs, toMs: Math.min(toMs, boundaryMs - 1), stepMs }) : [];
      const rawFromMs = Math.max(fromMs, boundaryMs);
      const statement = rangeStatement(metric, agg, stepMs === 0);
      const parameters = stepMs === 0 ? [infohash, rawFromMs, toMs, limit] : [stepMs, infohash, rawFromMs, toMs, limit];
      const rows = rawFromMs <= toMs ? (statement.all(...parameters) as PointRow[]) : [];
      const points = [...older, ...rows.map((row): SeriesPoint => [row.bucket_ms, row.value])];
      return limit >= 0 ? points.slice(0, limit) : points;
    },

    async close() {
      if (closed) return;
      closed = true;
      closeDatabase();
    },
  };
}

function prefixed(alias: string, columns: readonly string[]): string {
  return columns.map((column) => `${alias}.${column}`).join(', ');
}

function rawRangeSql(metric: SwarmMetric): string {
  return `
    SELECT at_ms AS bucket_ms, ${metric} AS value FROM swarm
    WHERE infohash = ? AND at_ms BETWEEN ? AND ? AND ${metric} IS NOT NULL
    ORDER BY at_ms LIMIT ?`;
}

/**
 * Buckets start at multiples of the step since the epoch (at_ms >= 0 is enforced on write, so
 * integer division is a floor). The step is cast because better-sqlite3 binds numbers as REAL.
 * first/last use SQLite's documented bare-column rule: with a single min()/max() aggregate, the
 * other columns come from the row that holds the minimum/maximum.
 */
function bucketedRangeSql(metric: SwarmMetric, agg: Aggregation): string {
  const valueExpression: Record<Aggregation, string> = {
    avg: `avg(${metric})`,
    min: `min(${metric})`,
    max: `max(${metric})`,
    sum: `sum(${metric})`,
    count: `count(${metric})`,
    first: metric,
    last: metric,
  };
  const pickRow = agg === 'first' ? ', min(at_ms) AS picked_at_ms' : agg === 'last' ? ', max(at_ms) AS picked_at_ms' : '';
  return `
    WITH step AS (SELECT CAST(? AS INTEGER) AS ms)
    SELECT (at_ms / step.ms) * step.ms AS bucket_ms, ${valueExpression[agg]} AS value${pickRow}
    FROM swarm, step
    WHERE infohash = ? AND at_ms BETWEEN ? AND ? AND ${metric} IS NOT NULL
    GROUP BY bucket_ms ORDER BY bucket_ms LIMIT ?`;
}

function rowToSample(row: SwarmRow): SwarmSample {
  const values: SwarmValues = {};
  for (const metric of SWARM_METRICS) values[metric] = row[metric] ?? null;
  return { infohash: row.infohash, atMs: row.at_ms, values };
}
