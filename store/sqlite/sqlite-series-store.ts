/**
 * SeriesStore over the wide `swarm` table (one nullable column per metric). better-sqlite3 is
 * synchronous; the methods are `async` so a failure is a rejected promise, as with a network store.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { normalizeBatch, pointLimit, storedValue, timeSpan, validateQuery } from '../series-validation.ts';
import { SWARM_METRICS, type Aggregation, type SeriesPoint, type SeriesStore, type SwarmMetric, type SwarmSample, type SwarmValues } from '../types.ts';
import { dataVersionOf, type DataVersioned } from './data-version.ts';
import { asStoreUnavailable } from './sqlite-errors.ts';
import { createRollupReader } from './rollup-range.ts';
import { lowerBound } from '../../core/sorted-search.ts';

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

/** Doubles kept by the bucket cache over all its entries (two per bucket, one per sample time): 16 MiB. */
const BUCKET_CACHE_MAX_DOUBLES = 2_000_000;
/** Entries (one per torrent, metric, aggregation and step asked for). */
const BUCKET_CACHE_MAX_ENTRIES = 4096;

/** The whole buckets of one (torrent, metric, aggregation, step) over [fromMs, toMs), as of `version`. */
interface BucketRun {
  version: string;
  fromMs: number;
  toMs: number;
  bucketMs: Float64Array;
  values: Float64Array;
}

export function createSqliteSeriesStore(db: Database.Database, closeDatabase: () => void, options: SqliteSeriesStoreOptions = {}): SeriesStore & DataVersioned {
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
  const dataVersion = dataVersionOf(db);
  const oldestRaw = db.prepare('SELECT min(at_ms) AS oldest FROM swarm WHERE infohash = ?');
  /** Each torrent's oldest raw sample, as of `version` (asked on every series read). */
  let oldestRawKnown: { version: string; oldest: Map<string, number | null> } | undefined;
  function oldestRawMsOf(infohash: string, version: string): number | null {
    if (oldestRawKnown?.version !== version || oldestRawKnown.oldest.size >= 65_536) oldestRawKnown = { version, oldest: new Map() };
    let oldest = oldestRawKnown.oldest.get(infohash);
    if (oldest === undefined) {
      oldest = (oldestRaw.get(infohash) as { oldest: number | null }).oldest;
      oldestRawKnown.oldest.set(infohash, oldest);
    }
    return oldest;
  }
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

  /**
   * Bucketed reads (issue 12): a dashboard asks for the same 30 days again and again, each time with
   * a window a little later ("from=-30d&to=now"). A bucket that lies wholly inside the asked range
   * is the aggregate of the same rows, read in the same order, whatever the rest of the range is, so
   * the whole buckets are kept per (torrent, metric, aggregation, step) and reused while the
   * database is unchanged (data-version.ts); only the partial buckets at the two ends of a range
   * are read each time. Any write, by this connection or another, makes the next read start over.
   */
  const bucketRuns = new Map<string, BucketRun>();
  let bucketRunDoubles = 0;
  const doublesOf = (run: BucketRun): number => run.bucketMs.length + run.values.length;

  function forgetRun(key: string): void {
    const run = bucketRuns.get(key);
    if (!run) return;
    bucketRunDoubles -= doublesOf(run);
    bucketRuns.delete(key);
  }

  function rememberRun(key: string, run: BucketRun): void {
    forgetRun(key);
    const doubles = doublesOf(run);
    if (doubles > BUCKET_CACHE_MAX_DOUBLES / 4) return;
    // Map order is insertion order: the first entries are the least recently used.
    for (const oldest of bucketRuns.keys()) {
      if (bucketRunDoubles + doubles <= BUCKET_CACHE_MAX_DOUBLES && bucketRuns.size < BUCKET_CACHE_MAX_ENTRIES) break;
      forgetRun(oldest);
    }
    bucketRuns.set(key, run);
    bucketRunDoubles += doubles;
  }

  /**
   * The points of [fromMs, toMs], exactly as one `bucketedRangeSql` read of that range returns them.
   * `version`: the data version read before anything else of this query.
   */
  function bucketPoints(metric: SwarmMetric, agg: Aggregation, infohash: string, fromMs: number, toMs: number, stepMs: number, limit: number, version: string): SeriesPoint[] {
    const statement = rangeStatement(metric, agg, false);
    const read = (readFromMs: number, readToMs: number, readLimit: number): PointRow[] => statement.all(stepMs, infohash, readFromMs, readToMs, readLimit) as PointRow[];
    // Whole buckets: [firstWholeMs, endWholeMs). Samples are stamped in whole ms, so a bucket is
    // whole when its first and last ms are both inside the range.
    const firstWholeMs = Math.ceil(fromMs / stepMs) * stepMs;
    const endWholeMs = Math.floor((Math.floor(toMs) + 1) / stepMs) * stepMs;
    if (endWholeMs - firstWholeMs < stepMs) return read(fromMs, toMs, limit).map(pointOf);
    const key = `${infohash}/${metric}/${agg}/${stepMs}`;
    let run = bucketRuns.get(key);
    if (run && (run.version !== version || firstWholeMs < run.fromMs || endWholeMs > run.toMs)) run = undefined;
    if (run) {
      // Most recently used goes last.
      bucketRuns.delete(key);
      bucketRuns.set(key, run);
    } else {
      const rows = read(firstWholeMs, endWholeMs - 1, -1);
      if (!rows.every((row) => typeof row.value === 'number')) return read(fromMs, toMs, limit).map(pointOf);
      run = {
        version,
        fromMs: firstWholeMs,
        toMs: endWholeMs,
        bucketMs: Float64Array.from(rows, (row) => row.bucket_ms),
        values: Float64Array.from(rows, (row) => row.value),
      };
      rememberRun(key, run);
    }
    /**
     * The partial bucket of [edgeFromMs, edgeToMs] (inside one bucket), read every time: one
     * aggregate over at most a bucket's samples. Caching it would need the times of every sample
     * in the range (a year of 5-minute samples is 105,120), which made each first read after a
     * write twice as slow as no cache at all (npm run bench -- sqlite).
     */
    const edge = (edgeFromMs: number, edgeToMs: number, points: SeriesPoint[]): void => {
      for (const row of read(edgeFromMs, edgeToMs, -1)) points.push(pointOf(row));
    };
    // The partial bucket before the whole ones, the whole ones, the partial one after; LIMIT as the one read had it.
    const wanted = limit < 0 ? Infinity : limit;
    const points: SeriesPoint[] = [];
    if (fromMs < firstWholeMs && wanted > 0) edge(fromMs, firstWholeMs - 1, points);
    for (let index = lowerBound(run.bucketMs, firstWholeMs); index < run.bucketMs.length && run.bucketMs[index]! < endWholeMs && points.length < wanted; index++) {
      points.push([run.bucketMs[index]!, run.values[index]!]);
    }
    if (points.length < wanted && endWholeMs <= toMs) edge(endWholeMs, toMs, points);
    return points.length > wanted ? points.slice(0, wanted) : points;
  }

  let closed = false;
  return {
    kind: 'sqlite',
    dataVersion,

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
      // The version before any data: a write in between leaves newer data under an older version, which is never reused.
      const version = dataVersion();
      // History older than the torrent's oldest raw sample (deleted past rawRetentionMs) comes from
      // the rollups; the step bucket holding the oldest raw sample and later come from raw samples.
      const oldestRawMs = oldestRawMsOf(infohash, version);
      const boundaryMs = oldestRawMs === null ? fromMs : stepMs > 0 ? Math.floor(oldestRawMs / stepMs) * stepMs : oldestRawMs;
      const older = boundaryMs > fromMs && toMs >= fromMs ? readRollups({ infohash, metric, agg, fromMs, toMs: Math.min(toMs, boundaryMs - 1), stepMs }) : [];
      const rawFromMs = Math.max(fromMs, boundaryMs);
      const rows =
        rawFromMs > toMs
          ? []
          : stepMs === 0
            ? (rangeStatement(metric, agg, true).all(infohash, rawFromMs, toMs, limit) as PointRow[]).map(pointOf)
            : bucketPoints(metric, agg, infohash, rawFromMs, toMs, stepMs, limit, version);
      const points = older.length === 0 ? rows : [...older, ...rows];
      return limit >= 0 ? points.slice(0, limit) : points;
    },

    async close() {
      if (closed) return;
      closed = true;
      closeDatabase();
    },
  };
}

function pointOf(row: PointRow): SeriesPoint {
  return [row.bucket_ms, row.value];
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
