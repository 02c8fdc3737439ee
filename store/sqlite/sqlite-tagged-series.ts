/**
 * Tagged series in SQLite (migration 30): `tagged_series` names each (infohash, measurement, tag),
 * `tagged_point` holds one row per series and sweep with one nullable column per field. Same rules
 * as the `swarm` table: a later write for the same instant corrects a value, a NULL never erases
 * one, and buckets start at multiples of the step since the epoch.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../../core/errors.ts';
import { normalizeTaggedBatch, validateTaggedQuery } from '../detail-validation.ts';
import { TAGGED_MEASUREMENTS, type Aggregation, type DetailStore, type SeriesPoint, type TaggedSample } from '../types.ts';
import { asStoreUnavailable } from './sqlite-errors.ts';

/** Every field of every tagged measurement: the columns of `tagged_point`. */
export const TAGGED_FIELDS: readonly string[] = [...new Set(Object.values(TAGGED_MEASUREMENTS).flatMap((measurement) => measurement.fields))];

/** Fails at open when the contract has a field no migration created a column for. */
export function assertTaggedColumns(db: Database.Database): void {
  const columns = new Set((db.pragma('table_info(tagged_point)') as { name: string }[]).map((column) => column.name));
  const missing = TAGGED_FIELDS.filter((field) => !columns.has(field));
  if (missing.length > 0) throw new SwarmscopeError('internal', `tagged_point has no column for ${missing.join(', ')}: add a migration in store/sqlite/migrations-detail.ts`);
}

type TagPointRow = { tag: string; bucket_ms: number; value: number };

export function createSqliteTaggedSeries(db: Database.Database, onWritten?: (earliestMs: number) => void): Pick<DetailStore, 'writeTagged' | 'queryTagged'> {
  assertTaggedColumns(db);
  const seriesId = db.prepare(`
    INSERT INTO tagged_series (infohash, measurement, tag) VALUES (?, ?, ?)
    ON CONFLICT (infohash, measurement, tag) DO UPDATE SET tag = excluded.tag
    RETURNING id`).pluck();
  const upsertPoint = db.prepare(`
    INSERT INTO tagged_point (series_id, at_ms, ${TAGGED_FIELDS.join(', ')})
    VALUES (?, ?, ${TAGGED_FIELDS.map(() => '?').join(', ')})
    ON CONFLICT (series_id, at_ms) DO UPDATE SET
      ${TAGGED_FIELDS.map((field) => `${field} = coalesce(excluded.${field}, tagged_point.${field})`).join(',\n      ')}`);
  // Ids never change once given, so they are remembered (a sweep writes the same series every time).
  const ids = new Map<string, number>();
  const writeBatch = db.transaction((samples: readonly TaggedSample[]) => {
    for (const sample of samples) {
      const key = `${sample.infohash}\u0000${sample.measurement}\u0000${sample.tag}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = seriesId.get(sample.infohash, sample.measurement, sample.tag) as number;
        ids.set(key, id);
      }
      upsertPoint.run(id, sample.atMs, ...TAGGED_FIELDS.map((field) => sample.values[field] ?? null));
    }
  });
  const statements = new Map<string, Database.Statement>();
  const rangeStatement = (field: string, agg: Aggregation, raw: boolean): Database.Statement => {
    const key = `${field}/${raw ? 'raw' : agg}`;
    let statement = statements.get(key);
    if (!statement) {
      statement = db.prepare(raw ? rawSql(field) : bucketedSql(field, agg));
      statements.set(key, statement);
    }
    return statement;
  };

  return {
    async writeTagged(samples) {
      const normalized = normalizeTaggedBatch(samples);
      if (normalized.length === 0) return;
      try {
        writeBatch(normalized);
      } catch (error) {
        ids.clear();
        throw asStoreUnavailable(error);
      }
      onWritten?.(normalized.reduce((earliest, sample) => Math.min(earliest, sample.atMs), Infinity));
    },

    async queryTagged(query) {
      const { measurement, infohash, field, fromMs, toMs, stepMs, agg } = validateTaggedQuery(query);
      const raw = stepMs === 0;
      const common = { infohash, measurement, from: fromMs, to: toMs };
      const rows = rangeStatement(field, agg, raw).all(raw ? common : { ...common, step: stepMs }) as TagPointRow[];
      const series = new Map<string, SeriesPoint[]>();
      for (const row of rows) {
        let points = series.get(row.tag);
        if (!points) series.set(row.tag, (points = []));
        points.push([row.bucket_ms, row.value]);
      }
      return series;
    },
  };
}

/** Field names come from TAGGED_FIELDS (checked by validateTaggedQuery and assertTaggedColumns); values are bound. */
const SOURCE = `
  FROM tagged_series AS s CROSS JOIN tagged_point AS p ON p.series_id = s.id AND p.at_ms BETWEEN @from AND @to
  WHERE s.infohash = @infohash AND s.measurement = @measurement`;

function rawSql(field: string): string {
  return `SELECT s.tag AS tag, p.at_ms AS bucket_ms, p.${field} AS value ${SOURCE} AND p.${field} IS NOT NULL ORDER BY s.tag, p.at_ms`;
}

/** As in sqlite-series-store.ts: integer buckets, and first/last by SQLite's bare-column rule. */
function bucketedSql(field: string, agg: Aggregation): string {
  const value: Record<Aggregation, string> = {
    avg: `avg(p.${field})`,
    min: `min(p.${field})`,
    max: `max(p.${field})`,
    sum: `sum(p.${field})`,
    count: `count(p.${field})`,
    first: `p.${field}`,
    last: `p.${field}`,
  };
  const pick = agg === 'first' ? ', min(p.at_ms) AS picked_at_ms' : agg === 'last' ? ', max(p.at_ms) AS picked_at_ms' : '';
  return `
    SELECT s.tag AS tag, (p.at_ms / CAST(@step AS INTEGER)) * CAST(@step AS INTEGER) AS bucket_ms, ${value[agg]} AS value${pick}
    ${SOURCE} AND p.${field} IS NOT NULL
    GROUP BY s.tag, bucket_ms ORDER BY s.tag, bucket_ms`;
}
