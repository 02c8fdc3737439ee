/**
 * The tracker stage: scrape results (BEP 15 UDP, BEP 48 HTTP) for every tracker a torrent lists
 * (magnet `tr`, .torrent announce-list). At the start of a sweep it groups all torrents by tracker
 * and starts one scrape job per tracker, so a UDP scrape carries up to 74 infohashes instead of
 * one; `measure` then only waits for the jobs of that torrent's trackers.
 *
 * Values: per tracker (tagged `swarm_tracker`) tracker_seeders, tracker_leechers,
 * tracker_completed and tracker_up (1); a tracker that did not answer gets tracker_up 0 and no
 * counts, never zeros. The `swarm` values are the MAX over the trackers that answered: the same
 * peers announce to several trackers, so a sum double-counts. No tracker answered → null.
 */
import type { SwarmValues, WatchedTorrent } from '../../store/types.ts';
import type { TrackerResult, TrackerScraper } from '../trackers/tracker-scraper.ts';
import { parseTrackerUrl, trackerTag } from '../trackers/tracker-url.ts';
import type { SweepStage, TorrentMeasurement } from './stage.ts';

/** Bounds the `swarm_tracker` series of one torrent (DESIGN.md §4: 1 + trackers series per torrent). */
export const MAX_TRACKERS_PER_TORRENT = 20;
/** Dead trackers named in the sweep's problems, per torrent; the rest are counted. */
const PROBLEMS_SHOWN = 3;

/** The scrapable trackers of a torrent, one per tag (URLs differing only by query are one tracker), in list order. */
export function scrapableTrackers(torrent: WatchedTorrent): { url: string; tag: string }[] {
  const byTag = new Map<string, string>();
  for (const url of torrent.trackers) {
    const target = parseTrackerUrl(url);
    if (!target) continue;
    const tag = trackerTag(target.url);
    if (!byTag.has(tag)) byTag.set(tag, target.url);
    if (byTag.size >= MAX_TRACKERS_PER_TORRENT) break;
  }
  return [...byTag].map(([tag, url]) => ({ url, tag }));
}

export class TrackerStage implements SweepStage {
  readonly name = 'tracker';
  private jobs = new Map<string, Promise<TrackerResult>>();

  constructor(private readonly scraper: TrackerScraper) {}

  close(): void {
    this.scraper.close();
  }

  beginSweep(torrents: readonly WatchedTorrent[]): void {
    const byTracker = new Map<string, string[]>();
    for (const torrent of torrents) {
      for (const { url } of scrapableTrackers(torrent)) byTracker.set(url, [...(byTracker.get(url) ?? []), torrent.infohash]);
    }
    this.jobs = new Map([...byTracker].map(([url, infohashes]) => [url, this.scraper.scrape(url, infohashes)]));
  }

  async measure(measurement: TorrentMeasurement): Promise<void> {
    const { torrent } = measurement;
    const trackers = scrapableTrackers(torrent);
    if (trackers.length === 0) return;
    // A torrent the sweep did not announce (measured on its own) is scraped on its own.
    const results = await Promise.all(trackers.map(({ url }) => this.jobs.get(url) ?? this.scraper.scrape(url, [torrent.infohash])));
    const best = { seeders: -1, leechers: -1, completed: -1 };
    const dead: string[] = [];
    trackers.forEach(({ tag }, index) => {
      const result = results[index]!;
      const counts = result.ok ? result.counts.get(torrent.infohash) : undefined;
      const answered = result.ok && (counts !== undefined || result.partialError === undefined);
      if (!answered) dead.push(`${tag}: ${result.ok ? result.partialError : result.error}`);
      measurement.tagged.push({
        measurement: 'swarm_tracker',
        infohash: torrent.infohash,
        tag,
        values: counts
          ? { tracker_seeders: counts.seeders, tracker_leechers: counts.leechers, tracker_completed: counts.completed, tracker_up: 1 }
          : { tracker_up: answered ? 1 : 0 },
      });
      if (!counts) return;
      best.seeders = Math.max(best.seeders, counts.seeders);
      best.leechers = Math.max(best.leechers, counts.leechers);
      best.completed = Math.max(best.completed, counts.completed);
    });
    if (best.seeders >= 0) {
      Object.assign(measurement.values, { tracker_seeders: best.seeders, tracker_leechers: best.leechers, tracker_completed: best.completed } satisfies SwarmValues);
    }
    if (dead.length > 0) {
      const more = dead.length > PROBLEMS_SHOWN ? ` (and ${dead.length - PROBLEMS_SHOWN} more)` : '';
      measurement.problems.push(`tracker: ${dead.length} of ${trackers.length} did not answer: ${dead.slice(0, PROBLEMS_SHOWN).join('; ')}${more}`);
    }
  }
}
