/**
 * The `mirror` series (DESIGN.md §4): one sample per mirror per check, tag `mirror` (the mirror id),
 * fields `up` (0/1), `status`, `latency_ms`, `bytes`, `pieces_verified`, `pieces_failed`. A field
 * not measured in a check (no answer: no status; no verification: no piece counts) is absent, never
 * 0. Both stores implement it: SQLite's `mirror_series` table, InfluxDB's `mirror` measurement.
 */
import { SwarmscopeError } from '../core/errors.ts';
import { storedValue } from './series-validation.ts';
import type { Aggregation, SeriesPoint } from './types.ts';

export const MIRROR_METRICS = ['up', 'status', 'latency_ms', 'bytes', 'pieces_verified', 'pieces_failed'] as const;
export type MirrorMetric = (typeof MIRROR_METRICS)[number];

export function isMirrorMetric(value: string): value is MirrorMetric {
  return (MIRROR_METRICS as readonly string[]).includes(value);
}

export type MirrorValues = Partial<Record<MirrorMetric, number | null>>;

export interface MirrorSample {
  mirrorId: string;
  /** Milliseconds since the epoch: when the check finished. */
  atMs: number;
  values: MirrorValues;
}

export interface MirrorRangeQuery {
  mirrorId: string;
  metric: MirrorMetric;
  fromMs: number;
  toMs: number;
  /** 0 = raw samples; else buckets starting at multiples of stepMs since the epoch. */
  stepMs: number;
  agg: Aggregation;
  limit?: number;
}

export interface MirrorSeriesStore {
  readonly kind: 'sqlite' | 'influx';
  /** Idempotent per (mirror, atMs); a null never erases a measured value. */
  writeMirrorSamples(samples: readonly MirrorSample[]): Promise<void>;
  queryMirrorSeries(query: MirrorRangeQuery): Promise<SeriesPoint[]>;
}

/** Mirror ids are ours (`mir_` + base64url); anything else in a tag or key is refused. */
const MIRROR_ID = /^mir_[A-Za-z0-9_-]{1,64}$/;

export function checkMirrorId(id: string): string {
  if (!MIRROR_ID.test(id)) throw new SwarmscopeError('invalid_request', `"${id.slice(0, 80)}" is not a mirror id (mir_…)`);
  return id;
}

/** Validates a batch all-or-nothing; keeps only finite values and drops samples that measured nothing. */
export function normalizeMirrorSamples(samples: readonly MirrorSample[]): MirrorSample[] {
  return samples
    .map((sample) => {
      checkMirrorId(sample.mirrorId);
      if (!Number.isSafeInteger(sample.atMs) || sample.atMs < 0) {
        throw new SwarmscopeError('invalid_request', `mirror sample time ${sample.atMs} is not a whole number of milliseconds since 1970`);
      }
      const unknown = Object.keys(sample.values).filter((key) => !isMirrorMetric(key));
      if (unknown.length > 0) throw new SwarmscopeError('invalid_request', `unknown mirror metric ${unknown.join(', ')} (known: ${MIRROR_METRICS.join(', ')})`);
      const values: MirrorValues = {};
      for (const metric of MIRROR_METRICS) {
        const value = storedValue(sample.values[metric]);
        if (value !== null) values[metric] = value;
      }
      return { mirrorId: sample.mirrorId, atMs: sample.atMs, values };
    })
    .filter((sample) => Object.keys(sample.values).length > 0);
}
