/**
 * Keeps metadata a peer served (BEP 9, verified against the infohash): name, total size, file list
 * and piece length go into the watchlist entry, the info dictionary itself into store/torrent-info.ts
 * (the mirror verifier needs its piece hashes), and a `torrent.metadata` domain event tells the
 * alert rules. The entry is merged as an import does: what the user or a .torrent already set wins,
 * trackers and web seeds from the magnet (`tr`, `ws`) or the .torrent stay, and a torrent the user
 * stopped watching during the sweep is not brought back.
 */
import type { NewDomainEvent } from '../../store/state/domain-events.ts';
import type { TorrentRegistry, WatchedTorrent } from '../../store/types.ts';
import type { VerifiedMetadata } from './fetch-metadata.ts';

export interface MetadataSinks {
  registry?: TorrentRegistry;
  /** store/state/domain-events.ts `emitDomainEvent` bound to the state database. */
  emitDomainEvent?: (event: NewDomainEvent) => void;
}

/** Returns the torrent as it reads after the merge. */
export function recordMetadata(torrent: WatchedTorrent, metadata: VerifiedMetadata, sinks: MetadataSinks): WatchedTorrent {
  const { infohash } = torrent;
  sinks.registry?.importEntries([
    { infohash, name: metadata.name, size: metadata.sizeBytes, files: metadata.files, pieceLengthBytes: metadata.pieceLengthBytes, infoDictionary: metadata.infoBytes },
  ]);
  const stored = sinks.registry?.get(infohash);
  const merged: WatchedTorrent = stored ?? {
    ...torrent,
    name: torrent.name ?? metadata.name,
    size: torrent.size ?? metadata.sizeBytes,
    files: torrent.files.length > 0 ? torrent.files : metadata.files,
    pieceLengthBytes: torrent.pieceLengthBytes ?? metadata.pieceLengthBytes,
  };
  const learnedSomething = torrent.name === null || torrent.size === null;
  const stillWatched = !sinks.registry || stored !== undefined;
  if (learnedSomething && stillWatched) {
    sinks.emitDomainEvent?.({
      type: 'torrent.metadata',
      subject: infohash,
      data: { infohash, name: merged.name, size: merged.size, files: merged.files.length, pieceLengthBytes: metadata.pieceLengthBytes, source: 'ut_metadata' },
    });
  }
  return merged;
}
