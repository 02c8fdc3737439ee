/**
 * Feeds /metrics from the collector without the API importing collector/ (DESIGN.md §2): counts
 * what goes through the series store, and reads the collector's status and DHT counters at scrape
 * time. Sweeps are counted when a scrape sees a new `lastSweep`; sweeps are minutes apart and
 * scrapes seconds, so none is missed in practice.
 */
import type { MetricsSource } from '../api/metrics/metrics-source.ts';
import type { CollectorService } from '../collector/collector-service.ts';
import { spoolDepthOf } from '../store/spool/spooling-series-store.ts';
import type { SeriesStore } from '../store/types.ts';

export interface MeteredSeries {
  series: SeriesStore;
  /** The store it wraps (a spooling store reports its depth). */
  inner: SeriesStore;
  samplesWritten(): number;
  writeErrors(): number;
}

/** Wraps a store so writes are counted and `afterWrite` runs after each successful one (the alert evaluator's nudge). */
export function meterSeriesStore(inner: SeriesStore, afterWrite: () => void): MeteredSeries {
  let written = 0;
  let errors = 0;
  const writeSamples: SeriesStore['writeSamples'] = async (samples) => {
    try {
      await inner.writeSamples(samples);
    } catch (error) {
      errors++;
      throw error;
    }
    written += samples.length;
    afterWrite();
  };
  // A proxy rather than a copy: whatever else the store offers passes through untouched, bound to the store.
  const series = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'writeSamples') return writeSamples;
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { series, inner, samplesWritten: () => written, writeErrors: () => errors };
}

export function collectorMetricsSource(collector: CollectorService | undefined, metered: MeteredSeries): MetricsSource {
  let seenFinishedAt: string | undefined;
  let sweeps = 0;
  let lookups = 0;
  let lookupFailures = 0;
  return () => {
    const spool = spoolDepthOf(metered.inner);
    const store = {
      samplesWritten: metered.samplesWritten(),
      storeWriteErrors: metered.writeErrors(),
      spool: spool && { records: spool.records, bytes: spool.bytes, maxBytes: spool.maxBytes, droppedSamples: spool.droppedSamples },
    };
    if (!collector) return store;
    const last = collector.status().lastSweep;
    if (last && last.finishedAt !== seenFinishedAt) {
      seenFinishedAt = last.finishedAt;
      sweeps++;
      lookups += last.torrents;
      lookupFailures += last.failed;
    }
    // The status may carry the sweep's duration; read it without depending on it.
    const durationMs = last && 'durationMs' in last && typeof last.durationMs === 'number' ? last.durationMs : undefined;
    return {
      ...store,
      sweeps,
      lookups,
      lookupFailures,
      lastSweep: last ? { finishedAtMs: Date.parse(last.finishedAt), durationMs, torrents: last.torrents, failed: last.failed } : null,
      dht: collector.dht.counters.snapshot(),
    };
  };
}
