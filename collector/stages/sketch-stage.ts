/**
 * The sketch stage, last in a sweep: a HyperLogLog (core/hyperloglog.ts) of the distinct peer IPs
 * every stage before it found, hashed under the epoch's key (collector/sketches/), becomes the
 * sweep's sketch (written by the sweep beside its samples; never an address). `unique_peers` is
 * the estimate of the union of every sketch since the key epoch began (since watching began when
 * the key never rotates): a running union per torrent, kept serialized in memory (a sparse sketch
 * of a small swarm is ~1 KB) and, the first time this process sees a torrent, rebuilt from the
 * store's sketches (DetailStore.mergedSketch), so a restart does not start the count again.
 */
import { HyperLogLog } from '../../core/hyperloglog.ts';
import type { DetailStore } from '../../store/types.ts';
import type { PeerHashKey } from '../sketches/peer-hash-key.ts';
import { PeerHasher } from '../sketches/peer-hasher.ts';
import type { SweepStage, TorrentMeasurement } from './stage.ts';

export interface SketchStageOptions {
  /** The key for an instant: the same key within an epoch, a new one after (peer-hash-key.ts). */
  keyAt: (nowMs: number) => PeerHashKey;
  /** Where earlier sweeps' sketches are; without it (tests, benchmarks) the union starts empty. */
  store?: Pick<DetailStore, 'mergedSketch'>;
  now?: () => number;
}

export class SketchStage implements SweepStage {
  readonly name = 'sketch';
  private readonly running = new Map<string, Buffer>();
  private epochStartMs?: number;
  private hasher?: PeerHasher;

  constructor(private readonly options: SketchStageOptions) {}

  async measure(measurement: TorrentMeasurement): Promise<void> {
    const nowMs = (this.options.now ?? Date.now)();
    const hasher = this.hasherAt(nowMs);
    const { infohash } = measurement.torrent;
    const sweep = hasher.sketch([...measurement.peers.values()].map((peer) => peer.host));
    if (!sweep.isEmpty()) measurement.sketch = sweep.serialize();
    const union = await this.unionSoFar(infohash, nowMs);
    union.merge(sweep);
    this.running.set(infohash, union.serialize());
    measurement.values.unique_peers = Math.round(union.estimate());
  }

  private hasherAt(nowMs: number): PeerHasher {
    const key = this.options.keyAt(nowMs);
    if (this.hasher && key.epochStartMs === this.epochStartMs) return this.hasher;
    // A new epoch: new hashes, so the unions of the old one cannot continue.
    this.running.clear();
    this.epochStartMs = key.epochStartMs;
    this.hasher = new PeerHasher(key.key);
    return this.hasher;
  }

  private async unionSoFar(infohash: string, nowMs: number): Promise<HyperLogLog> {
    const known = this.running.get(infohash);
    if (known) return HyperLogLog.deserialize(known);
    const stored = this.options.store ? await this.options.store.mergedSketch(infohash, this.epochStartMs ?? 0, nowMs) : null;
    return stored ? HyperLogLog.deserialize(stored) : new HyperLogLog();
  }
}
