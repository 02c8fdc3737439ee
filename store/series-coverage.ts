/**
 * The gaps and sweep counts of one torrent over a range (store/sweep-gaps.ts over the sweep log),
 * shared by the series route, the export command and the methods record: every answer that carries
 * numbers also says where there are none, and why.
 */
import type Database from 'better-sqlite3';
import { inShard } from '../core/shard.ts';
import { SweepLog, type ClockStepRecord } from './state/sweep-log.ts';
import { sweepGapsInWindow } from './sweep-gaps-window.ts';
import type { Gap, GapReport } from './sweep-gaps.ts';
import type { TorrentRegistry, WatchedTorrent } from './types.ts';

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

/**
 * `known.torrent`: the caller's own `registry.get(infohash, { includeRemoved: true })`, when it has
 * just read it (the series route does), so it is not read twice.
 */
export function seriesCoverage(
  stateDb: Database.Database,
  registry: TorrentRegistry,
  request: CoverageRequest,
  known?: { torrent: WatchedTorrent | undefined },
): SeriesCoverage {
  const log = new SweepLog(stateDb);
  const torrent = known ? known.torrent : registry.get(request.infohash, { includeRemoved: true });
  // The log is kept in memory while it is unchanged (SweepLog.window); the torrent's misses are read each time, by key.
  const window = log.window(request.fromMs, request.toMs);
  const misses = log.missesOf(request.infohash);
  const clockSteps = window.clockSteps;
  const report = sweepGapsInWindow(window, misses, {
    clockSteps,
    ...request,
    watchedFromMs: torrent?.addedAtMs,
    watchedUntilMs: torrent?.removedAtMs ?? null,
    coversShard: (shard) => coversShard(request.infohash, shard),
  });
  // In order of first use in the range, as before: consecutive sweeps mostly share their settings.
  const settingsIds = new Set<number>();
  let previousId: number | null | undefined;
  for (let index = window.start; index < window.end; index++) {
    const settingsId = window.all[index]!.settingsId;
    if (settingsId === previousId) continue;
    previousId = settingsId;
    if (settingsId !== null) settingsIds.add(settingsId);
  }
  return { ...report, settingsIds: [...settingsIds], clockSteps };
}

/** Whether a shard's sweeps cover a torrent never changes: each pair is parsed and hashed once (a bounded memo). */
const shardCover = new Map<string, boolean>();
const SHARD_COVER_KEPT = 65_536;

function coversShard(infohash: string, shard: string): boolean {
  const key = `${infohash} ${shard}`;
  let covers = shardCover.get(key);
  if (covers === undefined) {
    covers = inShard(infohash, shard);
    if (shardCover.size >= SHARD_COVER_KEPT) shardCover.clear();
    shardCover.set(key, covers);
  }
  return covers;
}

export interface GapJson {
  from: string;
  to: string;
  cause: string;
  detail?: string;
}

/** ISO strings of instants answered lately: polling dashboards ask for the same bucket starts and gap ends again and again. */
const isoStrings = new Map<number, string>();
const ISO_STRINGS_KEPT = 65_536;

/** `new Date(ms).toISOString()`, remembered: 0.3–0.7 µs each, 361 times for a 30-day answer (issue 12). */
export function isoTime(ms: number): string {
  let text = isoStrings.get(ms);
  if (text === undefined) {
    text = new Date(ms).toISOString();
    if (isoStrings.size >= ISO_STRINGS_KEPT) isoStrings.clear();
    isoStrings.set(ms, text);
  }
  return text;
}

export function gapToJson(gap: Gap): GapJson {
  const json: GapJson = { from: isoTime(gap.fromMs), to: isoTime(gap.toMs), cause: gap.cause };
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
  // No gap, points in order (as stores return them): nothing to add, nothing to sort.
  if (gaps.length === 0 && inTimeOrder(points)) return points.map(([atMs, value]): PointOrBreak => [atMs, value]);
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

function inTimeOrder(points: readonly (readonly [number, number])[]): boolean {
  for (let index = 1; index < points.length; index++) if (points[index - 1]![0] > points[index]![0]) return false;
  return true;
}
