/**
 * One sweep: every watched torrent measured by the stages (collector/stages/), with bounded
 * concurrency, turned into one sample per torrent time-stamped at the sweep's end (DESIGN.md §4)
 * and written in one batch, with the tagged series and sketches of the same sweep.
 */
import { SwarmscopeError, describeError, isSwarmscopeError } from '../core/errors.ts';
import { mapWithConcurrency } from '../core/map-with-concurrency.ts';
import type { DetailStore, SeriesStore, SwarmSample, TaggedSample, WatchedTorrent } from '../store/types.ts';
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
}

export interface SweepDependencies {
  /** Run in order; the first stage is the DHT stage, whose failure means "not measured". */
  stages: readonly SweepStage[];
  series: SeriesStore & Partial<DetailStore>;
  /** Torrents measured at once. */
  concurrency: number;
  /** The sample stamps' clock (collector/sample-clock.ts); the wall clock when omitted. */
  nowMs?: () => number;
}

async function measure(torrent: WatchedTorrent, stages: readonly SweepStage[]): Promise<TorrentMeasurement & { error?: string }> {
  const measurement = newMeasurement(torrent);
  for (const [index, stage] of stages.entries()) {
    try {
      await stage.measure(measurement);
    } catch (error) {
      if (index === 0) return { ...measurement, error: describeError(error) };
      measurement.problems.push(`${stage.name}: ${describeError(error)}`);
    }
  }
  return measurement;
}

export async function runSweep(torrents: readonly WatchedTorrent[], deps: SweepDependencies): Promise<SweepReport> {
  const nowMs = deps.nowMs ?? Date.now;
  const startedAtMs = nowMs();
  for (const stage of deps.stages) stage.beginSweep?.(torrents);
  const measured = await mapWithConcurrency(torrents, deps.concurrency, (torrent) => measure(torrent, deps.stages));
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
  return { startedAtMs, finishedAtMs, results };
}
