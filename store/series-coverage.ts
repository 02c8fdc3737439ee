/**
 * The gaps and sweep counts of one torrent over a range (store/sweep-gaps.ts over the sweep log),
 * shared by the series route, the export command and the methods record: every answer that carries
 * numbers also says where there are none, and why.
 */
import type Database from 'better-sqlite3';
import { inShard } from '../core/shard.ts';
import { SweepLog, type ClockStepRecord } from './state/sweep-log.ts';
import { sweepGaps, type Gap, type GapReport } from './sweep-gaps.ts';
import type { TorrentRegistry } from './types.ts';

export interface CoverageRequest {
  infohash: string;
  fromMs: number;
  toMs: number;
  nowMs: number;
}

export interface SeriesCoverage extends GapReport {
  /** The collector settings the range's sweeps ran with (ids in the sweep log). */
  settingsIds: number[];
  /** Steps of the collector's clock in the range (collector/sample-clock.ts). */
  clockSteps: ClockStepRecord[];
}

export function seriesCoverage(stateDb: Database.Database, registry: TorrentRegistry, request: CoverageRequest): SeriesCoverage {
  const log = new SweepLog(stateDb);
  const torrent = registry.get(request.infohash, { includeRemoved: true });
  const attempts = log.attempts(request.fromMs, request.toMs, request.infohash);
  const clockSteps = log.clockSteps(request.fromMs, request.toMs);
  const report = sweepGaps(attempts, {
    clockSteps,
    ...request,
    watchedFromMs: torrent?.addedAtMs,
    watchedUntilMs: torrent?.removedAtMs ?? null,
    coversShard: (shard) => inShard(request.infohash, shard),
  });
  const settingsIds = [...new Set(attempts.flatMap((attempt) => (attempt.settingsId === null ? [] : [attempt.settingsId])))];
  return { ...report, settingsIds, clockSteps };
}

export interface GapJson {
  from: string;
  to: string;
  cause: string;
  detail?: string;
}

export function gapToJson(gap: Gap): GapJson {
  const json: GapJson = { from: new Date(gap.fromMs).toISOString(), to: new Date(gap.toMs).toISOString(), cause: gap.cause };
  if (gap.detail !== undefined) json.detail = gap.detail;
  return json;
}

/** A point of an answer that shows its gaps: null marks "no measurement here", so a line breaks. */
export type PointOrBreak = [atMs: number, value: number | null];

/**
 * The points with one null inside each gap that spans a whole bucket (with raw samples, at the gap's
 * middle): plotting tools (uPlot, pandas, Grafana) break a line at a null, and the buckets around it
 * keep the samples they have. A gap shorter than a bucket is invisible at that step, as it should be.
 */
export function withGapBreaks(points: readonly (readonly [number, number])[], gaps: readonly Gap[], stepMs: number): PointOrBreak[] {
  const taken = new Set(points.map(([atMs]) => atMs));
  const breaks: PointOrBreak[] = [];
  for (const gap of gaps) {
    const atMs = stepMs > 0 ? Math.floor(gap.fromMs / stepMs) * stepMs + stepMs : Math.floor((gap.fromMs + gap.toMs) / 2);
    const lastBucketMs = stepMs > 0 ? Math.floor(gap.toMs / stepMs) * stepMs : gap.toMs;
    if (atMs >= lastBucketMs && stepMs > 0) continue;
    if (!taken.has(atMs)) breaks.push([atMs, null]);
  }
  return [...points.map(([atMs, value]): PointOrBreak => [atMs, value]), ...breaks].sort((a, b) => a[0] - b[0]);
}
