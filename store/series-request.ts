/**
 * A series request as people write it (`from=-7d&step=1h&agg=max`) to a RangeQuery, and a series
 * answer to JSON or CSV. Shared by the REST API's series route and `swarmscope export`, so both
 * accept the same spellings and print the same shapes.
 *
 * Default step: the smallest "nice" width (1s, 5s, 10s, 15s, 30s, 1m, 2m, 5m, 10m, 15m, 30m, 1h,
 * 2h, 3h, 6h, 12h, 1d, 2d, 1w, then whole weeks) that cuts the range into at most 500 buckets. Raw
 * samples (step 0) are never the default, even for short ranges: bucket boundaries then sit at the
 * same instants for every torrent and every request, so series line up on one time axis and an
 * unchanged answer keeps its ETag. With a 15-minute sweep the default 24 h window gets 5m buckets,
 * one sweep per point.
 */
import { parseDurationMs, parseTimeMs } from '../core/duration.ts';
import { SwarmscopeError } from '../core/errors.ts';
import { parseInfohash } from '../core/infohash.ts';
import { methodsCommentLines, type MethodsRecord } from './methods-record.ts';
import { gapToJson, isoTime, withGapBreaks, type GapJson, type PointOrBreak } from './series-coverage.ts';
import type { Gap } from './sweep-gaps.ts';
import { AGGREGATIONS, SWARM_METRICS, isSwarmMetric, type Aggregation, type RangeQuery, type SeriesPoint } from './types.ts';

export const DEFAULT_WINDOW_MS = 24 * 3_600_000;
export const TARGET_POINTS = 500;
const MIN_STEP_MS = 1_000;
const WEEK_MS = 604_800_000;
const NICE_STEPS_MS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800].map(
  (seconds) => seconds * 1000,
);

export function defaultStepMs(rangeMs: number, targetPoints: number = TARGET_POINTS): number {
  const wanted = Math.max(rangeMs / targetPoints, 1);
  return NICE_STEPS_MS.find((step) => step >= wanted) ?? Math.ceil(wanted / WEEK_MS) * WEEK_MS;
}

/** How many buckets [fromMs, toMs] touches when buckets start at multiples of stepMs. */
export function bucketCount(fromMs: number, toMs: number, stepMs: number): number {
  return Math.floor(toMs / stepMs) - Math.floor(fromMs / stepMs) + 1;
}

export type SeriesField = 'infohash' | 'metric' | 'from' | 'to' | 'step' | 'agg';

export interface SeriesRequestInput {
  infohash: string;
  metric: string;
  from?: string;
  to?: string;
  step?: string;
  agg?: string;
}

export interface SeriesRequestOptions {
  nowMs?: number;
  /** How to name a field in an error: the API says `querystring/from`, the CLI `--from`. */
  fieldName?: (field: SeriesField) => string;
  /** Refuse explicit steps that would give more buckets than this (the API caps answers; export does not). */
  maxPoints?: number;
}

/** Validates and resolves; every error is `invalid_request` with a message naming the field. */
export function resolveSeriesRequest(input: SeriesRequestInput, options: SeriesRequestOptions = {}): RangeQuery {
  const name = options.fieldName ?? ((field: SeriesField) => field);
  if (!isSwarmMetric(input.metric)) {
    throw new SwarmscopeError('invalid_request', `${name('metric')}: "${input.metric}" is not a metric; valid metrics: ${SWARM_METRICS.join(', ')}`);
  }
  const window = resolveSeriesWindow(input, options);
  return { infohash: parseInfohash(input.infohash), metric: input.metric, ...window };
}

export interface SeriesWindow {
  agg: Aggregation;
  fromMs: number;
  toMs: number;
  stepMs: number;
}

/** The window, step and aggregation of any series request (swarm or mirror): the same spellings and limits for both. */
export function resolveSeriesWindow(input: Pick<SeriesRequestInput, 'from' | 'to' | 'step' | 'agg'>, options: SeriesRequestOptions = {}): SeriesWindow {
  const nowMs = options.nowMs ?? Date.now();
  const name = options.fieldName ?? ((field: SeriesField) => field);
  const asRequestError = { errorCode: 'invalid_request' } as const;
  const agg = input.agg ?? 'avg';
  if (!isAggregation(agg)) {
    throw new SwarmscopeError('invalid_request', `${name('agg')}: "${agg}" is not an aggregation; use one of ${AGGREGATIONS.join(', ')}`);
  }
  const toMs = input.to === undefined ? nowMs : parseTimeMs(input.to, nowMs, name('to'), asRequestError);
  const fromMs = input.from === undefined ? toMs - DEFAULT_WINDOW_MS : parseTimeMs(input.from, nowMs, name('from'), asRequestError);
  if (fromMs > toMs) {
    throw new SwarmscopeError('invalid_request', `${name('from')} (${iso(fromMs)}) is after ${name('to')} (${iso(toMs)}): swap them`);
  }
  const base = { agg, fromMs, toMs };
  if (input.step === undefined) return { ...base, stepMs: defaultStepMs(toMs - fromMs + 1) };

  const stepMs = parseDurationMs(input.step, name('step'), { ...asRequestError, bareUnit: 's' });
  if (stepMs !== 0 && stepMs < MIN_STEP_MS) {
    throw new SwarmscopeError('invalid_request', `${name('step')} must be 0 (raw samples) or at least 1s`);
  }
  if (stepMs > 0 && options.maxPoints !== undefined) {
    const buckets = bucketCount(Math.max(fromMs, 0), Math.max(toMs, 0), stepMs);
    if (buckets > options.maxPoints) {
      const smallest = defaultStepMs(toMs - fromMs + 1, options.maxPoints);
      throw new SwarmscopeError(
        'invalid_request',
        `${name('step')} is too small for this range (${buckets} buckets, at most ${options.maxPoints}): use ${smallest / 1000}s or more, or a shorter range`,
      );
    }
  }
  return { ...base, stepMs };
}

export interface SeriesJson {
  infohash: string;
  metric: string;
  /** Bucket width in seconds; 0 = raw samples. */
  step: number;
  agg: Aggregation;
  /** null: no measurement there (inside a gap), so a plotted line breaks. */
  points: [string, number | null][];
  gaps?: GapJson[];
  methods?: MethodsRecord;
}

/** What an answer carries besides its points: its gaps (store/series-coverage.ts) and the methods record. */
export interface SeriesExtras {
  gaps: readonly Gap[];
  methods?: MethodsRecord;
}

function pointsOf(query: Pick<RangeQuery, 'stepMs'>, points: readonly SeriesPoint[], extras?: SeriesExtras): PointOrBreak[] {
  return extras ? withGapBreaks(points, extras.gaps, query.stepMs) : points.map(([atMs, value]): PointOrBreak => [atMs, value]);
}

export function seriesToJson(query: RangeQuery, points: readonly SeriesPoint[], extras?: SeriesExtras): SeriesJson {
  const json: SeriesJson = {
    infohash: query.infohash,
    metric: query.metric,
    step: query.stepMs / 1000,
    agg: query.agg,
    // isoTime: each bucket time formatted once per process; toISOString on the 361 points of a
    // 30-day answer was the route's largest single cost (issue 12).
    points: pointsOf(query, points, extras).map(([atMs, value]): [string, number | null] => [isoTime(atMs), value]),
  };
  if (extras) json.gaps = extras.gaps.map(gapToJson);
  if (extras?.methods) json.methods = extras.methods;
  return json;
}

/**
 * `time,value` then one line per point, ISO 8601 UTC times: what spreadsheets and pandas read as is
 * (`pd.read_csv(f, comment='#')`). With extras, `# ` lines first carry the methods record and one
 * `# gap: from,to,cause,detail` line per gap, and a gap's break is a row with an empty value.
 */
export function seriesToCsv(points: readonly SeriesPoint[], extras?: SeriesExtras & { stepMs: number }): string {
  const lines = extras ? [...(extras.methods ? methodsCommentLines(extras.methods) : []), ...extras.gaps.map(gapCommentLine)] : [];
  lines.push('time,value');
  for (const [atMs, value] of pointsOf({ stepMs: extras?.stepMs ?? 0 }, points, extras)) lines.push(`${new Date(atMs).toISOString()},${value ?? ''}`);
  return `${lines.join('\n')}\n`;
}

function gapCommentLine(gap: Gap): string {
  const { from, to, cause, detail } = gapToJson(gap);
  return `# gap: ${from},${to},${cause}${detail ? `,${detail.replace(/[\r\n]+/g, ' ')}` : ''}`;
}

function isAggregation(value: string): value is Aggregation {
  return (AGGREGATIONS as readonly string[]).includes(value);
}

function iso(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
