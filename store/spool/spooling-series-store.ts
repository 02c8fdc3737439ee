/**
 * A SeriesStore that never loses a sample to a store outage (DESIGN.md §1): a write the store
 * cannot take (`store_unavailable`) goes to the disk spool instead, and a background replayer
 * writes the spool back, oldest first, once the store answers again. While anything is spooled,
 * new samples are appended behind it rather than written directly, so the store sees every
 * sample in the order it was measured. The sweep's tagged series and peer sketches take the same
 * road (issue 14), so an outage costs no country, ASN or client series and no distinct-peer count.
 * Reads go to the store: spooled samples show up once replayed.
 *
 * The spool is bounded: past `maxBytes` a batch is dropped, counted and logged as an error, and the
 * write rejects, so the caller knows those samples are lost.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { SwarmscopeError, describeError, isSwarmscopeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import { normalizeBatch } from '../series-validation.ts';
import { detailStoreOf } from '../detail-validation.ts';
import type { DetailStore, SeriesStore, SketchSample, SwarmSample, TaggedSample } from '../types.ts';
import { SpoolFile } from './spool-file.ts';
import { acquireSpoolLock, type SpoolLock } from './spool-lock.ts';
import { batchSize, emptyBatch, encodeRecord, type SpoolBatch } from './spool-record.ts';

export interface SpoolOptions {
  /** The spool file; `<path>.offset`, `<path>.lock` and `<path>.rejected` sit beside it. */
  path: string;
  maxBytes: number;
  log?: Pick<Logger, 'warn' | 'error' | 'info'>;
  /** Replay retry delays while the store stays down. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Samples per replayed write. */
  replayBatchSamples?: number;
}

/** What /metrics shows: samples waiting on disk, and samples lost because the spool was full. */
export interface SpoolDepth {
  records: number;
  bytes: number;
  maxBytes: number;
  spooledSamples: number;
  replayedSamples: number;
  droppedSamples: number;
  /** Tagged samples and sketches not spooled because the spool was over 80% full. */
  droppedDetails: number;
  rejectedSamples: number;
}

const WARN_AT_FRACTION = 0.8;
/** Tagged series and sketches are spooled while the spool is under this share of its size. */
const DETAILS_UP_TO = 0.8;

export class SpoolingSeriesStore implements SeriesStore, DetailStore {
  readonly kind: SeriesStore['kind'];
  private readonly file: SpoolFile;
  private readonly lock: SpoolLock;
  private readonly counters = { spooledSamples: 0, replayedSamples: 0, droppedSamples: 0, droppedDetails: 0, rejectedSamples: 0 };
  private replaying?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private wakeRetry?: () => void;
  private retryDelayMs: number;
  private warnedNearlyFull = false;
  private closed = false;

  private constructor(
    readonly inner: SeriesStore,
    private readonly options: SpoolOptions,
  ) {
    this.kind = inner.kind;
    mkdirSync(dirname(options.path), { recursive: true });
    this.lock = acquireSpoolLock(`${options.path}.lock`);
    try {
      const { file, scan } = SpoolFile.open(options.path);
      this.file = file;
      if (scan.damaged > 0) options.log?.warn({ spool: options.path, damaged: scan.damaged }, 'spool: skipping damaged records (a write torn by a crash)');
      if (scan.records > 0) options.log?.warn({ spool: options.path, records: scan.records }, 'spool: replaying samples kept while the store was unreachable');
    } catch (error) {
      this.lock.release();
      throw error;
    }
    this.retryDelayMs = options.retryMinMs ?? 500;
  }

  /** Opens (or resumes) the spool at `options.path` and starts replaying whatever it holds. */
  static open(inner: SeriesStore, options: SpoolOptions): SpoolingSeriesStore {
    const store = new SpoolingSeriesStore(inner, options);
    if (store.file.records > 0) store.startReplay();
    return store;
  }

  depth(): SpoolDepth {
    return { records: this.file.records, bytes: this.file.pendingBytes, maxBytes: this.options.maxBytes, ...this.counters };
  }

  async writeSamples(samples: readonly SwarmSample[]): Promise<void> {
    // Validated here, so the spool only ever holds samples the store will accept.
    const normalized = normalizeBatch(samples);
    if (normalized.length === 0) return;
    await this.writeOrSpool({ ...emptyBatch(), samples: normalized });
  }

  async writeTagged(samples: readonly TaggedSample[]): Promise<void> {
    if (samples.length > 0) await this.writeOrSpool({ ...emptyBatch(), tagged: [...samples] });
  }

  async writeSketches(samples: readonly SketchSample[]): Promise<void> {
    if (samples.length > 0) await this.writeOrSpool({ ...emptyBatch(), sketches: [...samples] });
  }

  /** Straight to the store while nothing waits in the spool; behind what waits (and on disk) otherwise. */
  private async writeOrSpool(batch: SpoolBatch): Promise<void> {
    if (this.file.records === 0 && !this.replaying) {
      try {
        await this.writeBatch(batch);
        return;
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        this.options.log?.warn({ err: describeError(error), spool: this.options.path }, 'store unreachable: spooling samples to disk until it is back');
      }
    }
    this.spool(batch);
    this.startReplay();
  }

  private async writeBatch(batch: SpoolBatch): Promise<void> {
    if (batch.samples.length > 0) await this.inner.writeSamples(batch.samples);
    if (batch.tagged.length > 0) await this.detail().writeTagged(batch.tagged);
    if (batch.sketches.length > 0) await this.detail().writeSketches(batch.sketches);
  }

  latestSamples(infohashes?: readonly string[]) {
    return this.inner.latestSamples(infohashes);
  }

  querySeries(...args: Parameters<SeriesStore['querySeries']>) {
    return this.inner.querySeries(...args);
  }

  queryTagged(...args: Parameters<DetailStore['queryTagged']>) {
    return this.detail().queryTagged(...args);
  }

  mergedSketch(...args: Parameters<DetailStore['mergedSketch']>) {
    return this.detail().mergedSketch(...args);
  }

  private detail(): DetailStore {
    const detail = detailStoreOf(this.inner);
    if (!detail) throw new SwarmscopeError('internal', `the ${this.inner.kind} store has no tagged series or sketches`);
    return detail;
  }

  /** Resolves once the spool is empty (tests; a one-shot command before it exits). */
  async drained(): Promise<void> {
    while (this.replaying) await this.replaying;
  }

  /** Lets a replay write in flight finish (a reachable store is drained), keeps what is left for the next start, closes the store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wakeRetry?.();
    await this.replaying;
    this.file.close();
    this.lock.release();
    await this.inner.close();
  }

  private spool(batch: SpoolBatch): void {
    const items = batchSize(batch);
    const recordBytes = encodeRecord(batch).length;
    // The swarm samples are small and are the numbers that matter most: past DETAILS_UP_TO of the
    // spool, a batch of tagged series or sketches alone (a sketch of a large swarm is ~20 KB) is
    // dropped and counted, so the rest of the room keeps samples.
    if (batch.samples.length === 0 && this.file.totalBytes + recordBytes > DETAILS_UP_TO * this.options.maxBytes) {
      this.counters.droppedDetails += items;
      this.options.log?.warn({ spool: this.options.path, dropped: items, droppedTotal: this.counters.droppedDetails }, 'spool over 80%: tagged series and sketches of this sweep are dropped to keep room for samples');
      return;
    }
    if (this.file.totalBytes + recordBytes > this.options.maxBytes) {
      this.counters.droppedSamples += items;
      this.options.log?.error(
        { spool: this.options.path, bytes: this.file.totalBytes, maxBytes: this.options.maxBytes, dropped: items, droppedTotal: this.counters.droppedSamples },
        'spool FULL while the store is unreachable: samples are being DROPPED; raise spoolMaxBytes or bring the store back',
      );
      throw new SwarmscopeError('store_unavailable', `the store is unreachable and the spool ${this.options.path} is full (${this.options.maxBytes} bytes): ${items} samples dropped`);
    }
    this.file.append(batch);
    this.counters.spooledSamples += items;
    if (!this.warnedNearlyFull && this.file.totalBytes >= WARN_AT_FRACTION * this.options.maxBytes) {
      this.warnedNearlyFull = true;
      this.options.log?.warn({ spool: this.options.path, bytes: this.file.totalBytes, maxBytes: this.options.maxBytes }, 'spool is 80% full: samples will be dropped when it fills');
    }
  }

  private startReplay(): void {
    if (this.replaying || this.closed) return;
    this.replaying = this.replayAll().finally(() => {
      this.replaying = undefined;
      // A write that spooled between the loop's last check and now would wait for the next write:
      // look again.
      if (this.file.records > 0 && !this.closed) this.startReplay();
    });
  }

  private async replayAll(): Promise<void> {
    const batch = this.options.replayBatchSamples ?? 5000;
    while (this.file.records > 0) {
      const pending = this.file.readPending(batch);
      try {
        await this.writeBatch(pending);
        this.counters.replayedSamples += batchSize(pending);
      } catch (error) {
        if (isUnavailable(error)) {
          if (this.closed) return;
          await this.waitBeforeRetry();
          if (this.closed) return;
          continue;
        }
        // The store refuses these samples for good (it would on every retry): set them aside so the
        // rest of the spool is not blocked behind them.
        appendFileSync(`${this.options.path}.rejected`, encodeRecord(pending));
        this.counters.rejectedSamples += batchSize(pending);
        this.options.log?.error({ err: describeError(error), samples: batchSize(pending) }, `spool: the store refused samples; kept in ${this.options.path}.rejected`);
      }
      this.file.commit(pending.endOffset, pending.records);
      this.retryDelayMs = this.options.retryMinMs ?? 500;
    }
    this.warnedNearlyFull = false;
    this.options.log?.info({ replayed: this.counters.replayedSamples }, 'spool replayed: the store has every sample again');
  }

  private waitBeforeRetry(): Promise<void> {
    const delayMs = this.retryDelayMs;
    this.retryDelayMs = Math.min(delayMs * 2, this.options.retryMaxMs ?? 30_000);
    return new Promise<void>((resolve) => {
      this.wakeRetry = resolve;
      this.retryTimer = setTimeout(resolve, delayMs);
    }).then(() => {
      clearTimeout(this.retryTimer);
      this.wakeRetry = undefined;
    });
  }
}

function isUnavailable(error: unknown): boolean {
  return isSwarmscopeError(error) && error.code === 'store_unavailable';
}

/** For /metrics: the spool's depth when the series store has one. */
export function spoolDepthOf(series: SeriesStore): SpoolDepth | undefined {
  return series instanceof SpoolingSeriesStore ? series.depth() : undefined;
}
