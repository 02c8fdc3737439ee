/**
 * One sweep: every watched torrent measured by the stages (collector/stages/), with bounded
 * concurrency, turned into one sample per torrent time-stamped at the sweep's end (DESIGN.md §4)
 * and written in one batch, with the tagged series and sketches of the same sweep.
 */
import { SwarmscopeError, describeError, isSwarmscopeError } from '../core/errors.ts';
import type { DetailStore, SeriesStore, SwarmSample, TaggedSample, WatchedTorrent } from '../store/types.ts';
import { mapWithSweepPace } from './sweep-pace.ts';
import { newMeasurement, sketchSample, type SweepStage, type TorrentMeasurement } from './stages/stage.ts';

export interface SweepTorrentResult {
  torrent: WatchedTorrent;
  /** Present when the DHT stage measured the torrent. */
  sample?: SwarmSample;
  /** Why it was not measured at all. */
  error?: string;
  /** Stages that failed while the torrent was otherwise measured. */
  problems: string[];
  queries: number;
}

export interface SweepReport {
  startedAtMs: number;
  finishedAtMs: number;
  results: SweepTorrentResult[];
  /** The most torrents looked up at once (collector/sweep-pace.ts). */
  peakConcurrency: number;
  /** Mean time one torrent's stages took, in ms: the next sweep starts at the width it implies. */
  meanLookupMs: number;
}

export interface SweepDependencies {
  /** Run in order; the first stage is the DHT stage, whose failure means "not measured". */
  stages: readonly SweepStage[];
  series: SeriesStore & Partial<DetailStore>;
  /** Torrents measured at once, at the start and at least. */
  concurrency: number;
  /**
   * Widen toward `maxConcurrency` when the torrents left would not be done within `budgetMs` of the
   * sweep's start (collector/sweep-pace.ts); without it, `concurrency` throughout.
   */
  pace?: { maxConcurrency: number; budgetMs: number; expectedLookupMs?: number };
  /** The sample stamps' clock (collector/sample-clock.ts); the wall clock when omitted. */
  nowMs?: () => number;
  /**
   * Aborted when the collector stops: torrents not yet started are left unmeasured (their misses
   * say why), lookups under way finish, and what was measured is written. A sweep of 10,000
   * torrents takes minutes; a service manager's stop timeout does not wait that long.
   */
  signal?: AbortSignal;
}

/** Why a torrent a stopped sweep never reached has no sample (a `not_measured` gap's detail). */
export const STOPPED_BEFORE_MEASURED = 'the collector stopped during the sweep, before measuring this torrent';

/**
 * A torrent's measurement as the sweep keeps it until its end: the stages' values, tagged samples
 * and sketch, but not its peers. The peer map is what a measurement weighs (hundreds of bytes per
 * peer); kept for every torrent until the sweep's batch write, it held all of a sweep's peers at
 * once (issue 12: ~1,000,000 at 10,000 torrents). Once the last stage has read it, it is dropped.
 */
type MeasuredTorrent = Omit<TorrentMeasurement, 'peers'> & { error?: string };

async function measure(torrent: WatchedTorrent, stages: readonly SweepStage[]): Promise<MeasuredTorrent> {
  const measurement = newMeasurement(torrent);
  let error: string | undefined;
  for (const [index, stage] of stages.entries()) {
    try {
      await stage.measure(measurement);
    } catch (caught) {
      if (index === 0) {
        error = describeError(caught);
        break;
      }
      measurement.problems.push(`${stage.name}: ${describeError(caught)}`);
    }
  }
  const { peers: _peers, ...kept } = measurement;
  return error === undefined ? kept : { ...kept, error };
}

export async function runSweep(torrents: readonly WatchedTorrent[], deps: SweepDependencies): Promise<SweepReport> {
  const nowMs = deps.nowMs ?? Date.now;
  const startedAtMs = nowMs();
  for (const stage of deps.stages) stage.beginSweep?.(torrents);
  const pace = { concurrency: deps.concurrency, maxConcurrency: deps.pace?.maxConcurrency ?? deps.concurrency, budgetMs: deps.pace?.budgetMs ?? Infinity, expectedLookupMs: deps.pace?.expectedLookupMs };
  const { results: measured, peakConcurrency, meanLookupMs } = await mapWithSweepPace(torrents, pace, async (torrent): Promise<MeasuredTorrent> => {
    if (!deps.signal?.aborted) return measure(torrent, deps.stages);
    const { peers: _peers, ...unmeasured } = newMeasurement(torrent);
    return { ...unmeasured, error: STOPPED_BEFORE_MEASURED };
  });
  const finishedAtMs = nowMs();
  const results: SweepTorrentResult[] = measured.map((entry) => ({
    torrent: entry.torrent,
    queries: entry.requests,
    problems: entry.problems,
    ...(entry.error !== undefined ? { error: entry.error } : { sample: { infohash: entry.torrent.infohash, atMs: finishedAtMs, values: entry.values } }),
  }));
  const measuredOnly = measured.filter((entry) => entry.error === undefined);
  const samples = results.flatMap((result) => (result.sample ? [result.sample] : []));
  const tagged: TaggedSample[] = measuredOnly.flatMap((entry) => entry.tagged.map((sample) => ({ ...sample, atMs: finishedAtMs })));
  const sketches = measuredOnly.flatMap((entry) => sketchSample(entry, finishedAtMs) ?? []);
  try {
    if (samples.length > 0) await deps.series.writeSamples(samples);
    if (tagged.length > 0 && deps.series.writeTagged) await deps.series.writeTagged(tagged);
    if (sketches.length > 0 && deps.series.writeSketches) await deps.series.writeSketches(sketches);
  } catch (error) {
    // The sweep log records this sweep as a gap caused by the store (store/sweep-gaps.ts).
    if (isSwarmscopeError(error)) throw error;
    throw new SwarmscopeError('store_unavailable', `the sweep's samples could not be written: ${describeError(error)}`, { cause: error });
  }
  return { startedAtMs, finishedAtMs, results, peakConcurrency, meanLookupMs };
}
