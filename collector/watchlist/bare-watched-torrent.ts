/** A watchlist entry that knows only its infohash: what a sweep needs to measure a torrent. */
import type { WatchedTorrent } from '../../store/types.ts';

export function bareWatchedTorrent(infohash: string, addedAtMs = 0): WatchedTorrent {
  return { infohash, label: null, source: null, name: null, size: null, trackers: [], webSeeds: [], files: [], addedAtMs };
}
