/**
 * InfluxQL text. Values (infohashes, times) always travel as bound parameters (`$name`, sent by
 * influx-client.ts as the HTTP `params` of /query), never spliced into the text. What InfluxQL
 * cannot bind (identifiers, duration literals, LIMIT) comes only from our own schema, validated
 * metric names and whole numbers, and identifiers are quoted anyway.
 */
import { SwarmscopeError } from '../../core/errors.ts';
import type { Aggregation } from '../types.ts';
import type { DownsamplePolicy, MeasurementSchema } from './influx-schema.ts';

/** A double-quoted identifier; backslashes and quotes escaped as InfluxQL wants. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Whole milliseconds as an InfluxQL duration literal (a CQ's GROUP BY time or RESAMPLE FOR). */
export function durationLiteral(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new SwarmscopeError('internal', `duration ${ms} ms is not a whole positive number`);
  return `${ms}ms`;
}

/** `"db"."rp"."measurement"` */
export function qualified(database: string, policy: string, measurement: string): string {
  return `${quoteIdent(database)}.${quoteIdent(policy)}.${quoteIdent(measurement)}`;
}

/** InfluxDB holds times from 1677 to 2262 (int64 nanoseconds); bounds outside are clamped to that. */
const MIN_TIME_MS = 0;
const MAX_TIME_MS = Date.UTC(2262, 0, 1);

/** A bound time parameter: RFC 3339 text, which InfluxDB reads as a time when compared with `time`. */
export function timeParameter(ms: number): string {
  return new Date(Math.min(Math.max(ms, MIN_TIME_MS), MAX_TIME_MS)).toISOString();
}

const INFLUX_FUNCTION: Record<Aggregation, string> = {
  avg: 'mean',
  min: 'min',
  max: 'max',
  sum: 'sum',
  count: 'count',
  first: 'first',
  last: 'last',
};

export interface RangeSelect {
  database: string;
  policy: string;
  measurement: string;
  field: string;
  agg: Aggregation;
  stepMs: number;
  limit?: number;
  /** The tag that names the series, bound as `$<tag>`; default `infohash` (`mirror` for the mirror measurement). */
  tag?: string;
}

/**
 * One series over [$from, $to] for tag `infohash = $infohash` (or another `tag`). Bucketed: GROUP BY time(step) with
 * no offset, so buckets start at multiples of the step since the epoch (as in SQLite), and
 * fill(none), so a bucket with nothing measured is absent, never 0. Raw: selecting one field
 * returns only the points where it was measured.
 */
export function rangeSelect(select: RangeSelect): string {
  const source = qualified(select.database, select.policy, select.measurement);
  const tag = select.tag ?? 'infohash';
  const where = `WHERE ${quoteIdent(tag)} = $${tag} AND time >= $from AND time <= $to`;
  const limit = select.limit === undefined ? '' : ` LIMIT ${Math.trunc(select.limit)}`;
  if (select.stepMs === 0) return `SELECT ${quoteIdent(select.field)} FROM ${source} ${where}${limit}`;
  const value = `${INFLUX_FUNCTION[select.agg]}(${quoteIdent(select.field)})`;
  return `SELECT ${value} FROM ${source} ${where} GROUP BY time(${durationLiteral(select.stepMs)}) fill(none)${limit}`;
}

/** The aggregates a downsampled point holds, named so a Grafana panel reads the same field names in every policy. */
export function downsampleAggregates(schema: MeasurementSchema): string[] {
  return Object.entries(schema.fields).flatMap(([field, rule]) => {
    const q = quoteIdent(field);
    if (rule === 'last') return [`last(${q}) AS ${q}`];
    return [`mean(${q}) AS ${q}`, `min(${q}) AS ${quoteIdent(`${field}_min`)}`, `max(${q}) AS ${quoteIdent(`${field}_max`)}`];
  });
}

/**
 * The SELECT … INTO shared by a continuous query and the backfill, so both compute the same thing.
 * `where` is empty inside a CQ (InfluxDB supplies the time range) and a bound time range in a backfill.
 * GROUP BY the tags keeps them tags in the target; without it they would be written as fields.
 */
export function downsampleSelect(database: string, rawPolicy: string, schema: MeasurementSchema, policy: DownsamplePolicy, where = ''): string {
  const groupBy = [`time(${durationLiteral(policy.bucketMs)})`, ...schema.tags.map(quoteIdent)].join(', ');
  return [
    `SELECT ${downsampleAggregates(schema).join(', ')}`,
    `INTO ${qualified(database, policy.name, schema.name)}`,
    `FROM ${qualified(database, rawPolicy, schema.name)}`,
    ...(where ? [where] : []),
    `GROUP BY ${groupBy}`,
  ].join(' ');
}
