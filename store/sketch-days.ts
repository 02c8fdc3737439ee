/**
 * How both stores keep peer sketches (DetailStore, store/types.ts) so that a distinct count over
 * any range stays cheap to compute: one sketch per torrent per sweep (kept as long as raw samples),
 * plus one per torrent per UTC day, the union of that day's sweeps (kept as long as daily rollups).
 * Neither SQL nor an InfluxDB continuous query can merge sketches, so the day sketches are made
 * here: when a write brings a sweep of a later day, every earlier day (within the look-back) that
 * has sweep sketches and no day sketch yet is rolled up; a late sweep sketch for a day that
 * already has one is merged into it. Union is idempotent, so rolling a day twice, two collectors
 * rolling it at once, or merging a sweep into a day that already contains it changes nothing.
 *
 * A merge over [from, to] takes the day sketch of every whole day inside the range (or that day's
 * sweep sketches when it has none yet) and the sweep sketches of the partial days at the edges.
 * Once an edge day's sweep sketches have expired, its whole day sketch stands in: the range is
 * widened to whole days rather than losing that day.
 */
import { HyperLogLog } from '../core/hyperloglog.ts';
import type { SketchSample } from './types.ts';

export const DAY_MS = 86_400_000;
/** How far back a store looks for days left without a day sketch (e.g. after the collector was down). */
export const ROLL_UP_LOOK_BACK_DAYS = 31;

/** The storage primitives a store gives; bounds are inclusive unless named otherwise. */
export interface SketchTables {
  /** A later sketch for the same (infohash, atMs) replaces the earlier one. */
  writeSweeps(samples: readonly SketchSample[]): Promise<void>;
  readSweeps(infohash: string, fromMs: number, toMs: number): Promise<Buffer[]>;
  /** Day sketches whose day starts in [fromDayMs, toDayMs], by day start. */
  readDays(infohash: string, fromDayMs: number, toDayMs: number): Promise<Map<number, Buffer>>;
  writeDays(rows: readonly SketchSample[]): Promise<void>;
  /** Torrents with sweep sketches in [dayMs, dayMs + 1 day). */
  torrentsWithSweeps(dayMs: number): Promise<Set<string>>;
  torrentsWithDay(dayMs: number): Promise<Set<string>>;
}

export function dayStartMs(atMs: number): number {
  return Math.floor(atMs / DAY_MS) * DAY_MS;
}

export class SketchDays {
  /** Every day before this one has been checked for a missing day sketch by this process. */
  private checkedBeforeDayMs?: number;

  constructor(
    private readonly tables: SketchTables,
    /** Sweep sketches older than this are gone (the raw retention); 0 = kept forever. */
    private readonly sweepsKeptFromMs: () => number = () => 0,
  ) {}

  /** Writes sweep sketches, then keeps the day sketches up to date (see the file comment). */
  async write(samples: readonly SketchSample[]): Promise<void> {
    if (samples.length === 0) return;
    await this.tables.writeSweeps(samples);
    let newestMs = 0;
    for (const sample of samples) newestMs = Math.max(newestMs, sample.atMs);
    // Late sweeps first: a day rolled up just below already contains them.
    await this.mergeLateSweeps(samples);
    await this.rollUpDaysBefore(dayStartMs(newestMs));
  }

  /** Rolls up every day in the look-back before `dayMs` that has sweep sketches but no day sketch. */
  async rollUpDaysBefore(dayMs: number): Promise<number> {
    const fromDayMs = Math.max(this.checkedBeforeDayMs ?? dayMs - ROLL_UP_LOOK_BACK_DAYS * DAY_MS, 0);
    let written = 0;
    for (let day = fromDayMs; day < dayMs; day += DAY_MS) written += await this.rollUpDay(day);
    this.checkedBeforeDayMs = Math.max(this.checkedBeforeDayMs ?? 0, dayMs);
    return written;
  }

  private async rollUpDay(dayMs: number): Promise<number> {
    const [withSweeps, withDay] = await Promise.all([this.tables.torrentsWithSweeps(dayMs), this.tables.torrentsWithDay(dayMs)]);
    const rows: SketchSample[] = [];
    for (const infohash of withSweeps) {
      if (withDay.has(infohash)) continue;
      const sweeps = await this.tables.readSweeps(infohash, dayMs, dayMs + DAY_MS - 1);
      rows.push({ infohash, atMs: dayMs, sketch: HyperLogLog.mergeAll(sweeps).serialize() });
    }
    if (rows.length > 0) await this.tables.writeDays(rows);
    return rows.length;
  }

  /** A sweep of a day whose day sketch exists already (a spool replayed late) joins it: one look-up per day in the batch. */
  private async mergeLateSweeps(samples: readonly SketchSample[]): Promise<void> {
    const byDay = new Map<number, SketchSample[]>();
    for (const sample of samples) {
      const dayMs = dayStartMs(sample.atMs);
      byDay.set(dayMs, [...(byDay.get(dayMs) ?? []), sample]);
    }
    const updated: SketchSample[] = [];
    for (const [dayMs, ofDay] of byDay) {
      const withDay = await this.tables.torrentsWithDay(dayMs);
      for (const sample of ofDay) {
        if (!withDay.has(sample.infohash)) continue;
        const existing = (await this.tables.readDays(sample.infohash, dayMs, dayMs)).get(dayMs);
        if (!existing) continue;
        const union = HyperLogLog.deserialize(existing).merge(HyperLogLog.deserialize(sample.sketch));
        updated.push({ infohash: sample.infohash, atMs: dayMs, sketch: union.serialize() });
      }
    }
    if (updated.length > 0) await this.tables.writeDays(updated);
  }

  /** The union of a torrent's sketches over [fromMs, toMs], or null when there is none. */
  async merged(infohash: string, fromMs: number, toMs: number): Promise<Buffer | null> {
    if (toMs < fromMs || toMs < 0) return null;
    const from = Math.max(fromMs, 0);
    const firstWholeDayMs = Math.ceil(from / DAY_MS) * DAY_MS;
    const lastWholeDayMs = dayStartMs(toMs + 1) - DAY_MS;
    const keptFromMs = this.sweepsKeptFromMs();
    const days = await this.tables.readDays(infohash, Math.min(dayStartMs(from), firstWholeDayMs), Math.max(lastWholeDayMs, dayStartMs(toMs)));
    const parts: Buffer[] = [];
    const sweepRanges: [number, number][] = [];
    const edge = (startMs: number, endMs: number): void => {
      const day = days.get(dayStartMs(startMs));
      // Expired sweep sketches: the whole day stands in for its part.
      if (startMs < keptFromMs && day) parts.push(day);
      else sweepRanges.push([startMs, endMs]);
    };
    if (firstWholeDayMs > lastWholeDayMs) {
      // No whole day inside: one or two partial days.
      if (dayStartMs(from) === dayStartMs(toMs)) edge(from, toMs);
      else {
        edge(from, firstWholeDayMs - 1);
        edge(dayStartMs(toMs), toMs);
      }
    } else {
      if (from < firstWholeDayMs) edge(from, firstWholeDayMs - 1);
      for (let day = firstWholeDayMs; day <= lastWholeDayMs; day += DAY_MS) {
        const sketch = days.get(day);
        if (sketch) parts.push(sketch);
        else sweepRanges.push([day, day + DAY_MS - 1]);
      }
      if (lastWholeDayMs + DAY_MS <= toMs) edge(lastWholeDayMs + DAY_MS, toMs);
    }
    for (const [startMs, endMs] of coalesce(sweepRanges)) parts.push(...(await this.tables.readSweeps(infohash, startMs, endMs)));
    return parts.length === 0 ? null : HyperLogLog.mergeAll(parts).serialize();
  }
}

/** Adjacent ranges joined, so consecutive days without a day sketch cost one read. */
function coalesce(ranges: [number, number][]): [number, number][] {
  const joined: [number, number][] = [];
  for (const range of ranges) {
    const last = joined[joined.length - 1];
    if (last && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
    else joined.push([...range]);
  }
  return joined;
}
