/**
 * A sweep measures each torrent in stages (bitmagnet-style: one file per protocol stage). Stages
 * run in order and share one `TorrentMeasurement`: the DHT stage finds peers, later stages (tracker
 * scrapes, peer probes, enrichment, sketches) read them and add their own values. A stage that
 * fails leaves its values unmeasured (null) and the others still run.
 */
import type { PeerAddress } from '../../protocol/compact.ts';
import type { SketchSample, SwarmValues, TaggedSample, WatchedTorrent } from '../../store/types.ts';

/** Where a peer address came from: the DHT, a tracker announce, PEX (BEP 11). */
export type PeerSource = 'dht' | 'tracker' | 'pex';

export interface TorrentMeasurement {
  torrent: WatchedTorrent;
  /** Distinct peers found this sweep, by `host:port`; never written to disk (DESIGN.md §9). */
  peers: Map<string, PeerAddress & { sources: Set<PeerSource> }>;
  values: SwarmValues;
  /** Tagged samples without their time: the sweep stamps them with its end. */
  tagged: Omit<TaggedSample, 'atMs'>[];
  sketch?: Buffer;
  /** DHT queries and other requests this torrent cost. */
  requests: number;
  /** Stage failures, as `stage: message`. */
  problems: string[];
}

export interface SweepStage {
  readonly name: string;
  /**
   * Called once per sweep with every torrent, before any is measured, and must not block: a stage
   * can start work that batches across torrents here (the tracker stage: one UDP scrape carries up
   * to 74 infohashes, BEP 15) and pick its results up in `measure`.
   */
  beginSweep?(torrents: readonly WatchedTorrent[]): void;
  measure(measurement: TorrentMeasurement): Promise<void>;
  /** Releases what the stage holds open (sockets); called once when the collector stops. */
  close?(): void | Promise<void>;
}

export function newMeasurement(torrent: WatchedTorrent): TorrentMeasurement {
  return { torrent, peers: new Map(), values: {}, tagged: [], requests: 0, problems: [] };
}

export function sketchSample(measurement: Pick<TorrentMeasurement, 'torrent' | 'sketch'>, atMs: number): SketchSample | undefined {
  return measurement.sketch ? { infohash: measurement.torrent.infohash, atMs, sketch: measurement.sketch } : undefined;
}
