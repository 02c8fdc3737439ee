/**
 * The `mirror` series in SQLite (`mirror_series`, one row per mirror per check). Used when the store
 * is SQLite; for InfluxDB stores see mirror-series-influx.ts. Buckets start at multiples of the
 * step since the epoch and first/last pick the earliest/latest row, as the swarm series do.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../core/errors.ts';
import { checkMirrorId, isMirrorMetric, MIRROR_METRICS, normalizeMirrorSamples, type MirrorMetric, type MirrorSample, type MirrorSeriesStore } from './mirror-series.ts';
import { AGGREGATIONS, type Aggregation, type SeriesPoint } from './types.ts';
import { asStoreUnavailable } from './sqlite/sqlite-errors.ts';

const AGGREGATE_SQL: Record<Exclude<Aggregation, 'first' | 'last'>, string> = { avg: 'avg', min: 'min', max: 'max', sum: 'sum', count: 'count' };

/** first/last: SQLite's bare-column rule takes `v` from the row holding min/max(at_ms). */
function selectSql(metric: MirrorMetric, agg: Aggregation, bucketed: boolean): string {
  const filter = `FROM mirror_series WHERE mirror_id = @mirrorId AND at_ms BETWEEN @fromMs AND @toMs AND ${metric} IS NOT NULL`;
  if (!bucketed) return `SELECT at_ms AS t, ${metric} AS v ${filter} ORDER BY at_ms LIMIT @limit`;
  const bucket = '(at_ms / CAST(@stepMs AS INTEGER)) * CAST(@stepMs AS INTEGER)';
  const value =
    agg === 'first' ? `${metric} AS v, min(at_ms) AS picked` : agg === 'last' ? `${metric} AS v, max(at_ms) AS picked` : `${AGGREGATE_SQL[agg]}(${metric}) AS v`;
  return `SELECT ${bucket} AS t, ${value} ${filter} GROUP BY t ORDER BY t LIMIT @limit`;
}

export function createSqliteMirrorSeries(db: Database.Database): MirrorSeriesStore {
  const upsert = db.prepare(`
    INSERT INTO mirror_series (mirror_id, at_ms, ${MIRROR_METRICS.join(', ')})
    VALUES (@mirrorId, @atMs, ${MIRROR_METRICS.map((metric) => `@${metric}`).join(', ')})
    ON CONFLICT (mirror_id, at_ms) DO UPDATE SET
      ${MIRROR_METRICS.map((metric) => `${metric} = coalesce(excluded.${metric}, mirror_series.${metric})`).join(', ')}
  `);
  const writeBatch = db.transaction((samples: readonly MirrorSample[]) => {
    for (const sample of samples) {
      const values = Object.fromEntries(MIRROR_METRICS.map((metric) => [metric, sample.values[metric] ?? null]));
      upsert.run({ mirrorId: sample.mirrorId, atMs: sample.atMs, ...values });
    }
  });
  const statements = new Map<string, Database.Statement>();
  const statement = (metric: MirrorMetric, agg: Aggregation, bucketed: boolean): Database.Statement => {
    const key = `${metric}/${bucketed ? agg : 'raw'}`;
    let prepared = statements.get(key);
    if (!prepared) statements.set(key, (prepared = db.prepare(selectSql(metric, agg, bucketed))));
    return prepared;
  };

  return {
    kind: 'sqlite',
    async writeMirrorSamples(samples) {
      const normalized = normalizeMirrorSamples(samples);
      if (normalized.length === 0) return;
      try {
        writeBatch(normalized);
      } catch (error) {
        throw asStoreUnavailable(error);
      }
    },
    async queryMirrorSeries(query) {
      if (!isMirrorMetric(query.metric)) throw new SwarmscopeError('invalid_request', `unknown mirror metric "${String(query.metric)}"`);
      if (!(AGGREGATIONS as readonly string[]).includes(query.agg)) throw new SwarmscopeError('invalid_request', `unknown aggregation "${query.agg}"`);
      if (!Number.isSafeInteger(query.stepMs) || query.stepMs < 0) throw new SwarmscopeError('invalid_request', `step ${query.stepMs} ms is not a whole number >= 0`);
      const bucketed = query.stepMs > 0;
      const parameters = {
        mirrorId: checkMirrorId(query.mirrorId),
        fromMs: query.fromMs,
        toMs: query.toMs,
        limit: query.limit === undefined ? -1 : Math.max(0, Math.trunc(query.limit)),
        ...(bucketed ? { stepMs: query.stepMs } : {}),
      };
      const rows = statement(query.metric, query.agg, bucketed).all(parameters) as { t: number; v: number }[];
      return rows.map((row): SeriesPoint => [row.t, row.v]);
    },
  };
}
