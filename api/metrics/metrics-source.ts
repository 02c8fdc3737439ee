/**
 * Collector and store figures for /metrics. The API never imports collector/ (DESIGN.md §2): the
 * CLI passes a `MetricsSource` callback that reads the collector's counters, and it is called at
 * scrape time. Every field is optional — `serve` has no collector and reports none of them.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { ApiMetrics } from './api-metrics.ts';

export interface CollectorMetricsSnapshot {
  sweeps?: number;
  lastSweep?: { finishedAtMs: number; durationMs?: number; torrents: number; failed: number } | null;
  lookups?: number;
  lookupFailures?: number;
  /** The DHT client's counters by name (collector/dht/dht-counters.ts). */
  dht?: Record<string, number>;
  samplesWritten?: number;
  storeWriteErrors?: number;
  /** The disk spool that holds samples while the store is unreachable (collectors writing to InfluxDB). */
  spool?: { records: number; bytes: number; maxBytes: number; droppedSamples: number };
}

export type MetricsSource = () => CollectorMetricsSnapshot;

/** DHT counter → metric; the drop counters share one metric with a bounded `reason` label. */
const DHT_COUNTERS: Record<string, { name: string; help: string }> = {
  queriesSent: { name: 'swarmscope_dht_queries_sent_total', help: 'KRPC queries sent' },
  responsesReceived: { name: 'swarmscope_dht_responses_received_total', help: 'KRPC responses matched to a query' },
  errorReplies: { name: 'swarmscope_dht_error_replies_total', help: 'KRPC error replies received' },
  timeouts: { name: 'swarmscope_dht_timeouts_total', help: 'KRPC queries that got no answer in time' },
  sendErrors: { name: 'swarmscope_dht_send_errors_total', help: 'datagrams the socket failed to send' },
  datagramsReceived: { name: 'swarmscope_dht_datagrams_received_total', help: 'UDP datagrams received' },
  rateLimitedWaits: { name: 'swarmscope_dht_rate_limited_waits_total', help: 'queries held back to stay under the per-IP politeness rate' },
};
const DHT_DROPS: Record<string, string> = {
  malformedDropped: 'malformed_message',
  unexpectedDropped: 'unexpected_reply',
  bogonValuesDropped: 'bogon_peer',
  malformedValuesDropped: 'malformed_peer',
  nodesDropped: 'bad_node',
  nodesOverCap: 'node_over_reply_cap',
  valuesOverNodeCap: 'value_over_node_cap',
  valuesFromFarNodes: 'value_from_far_node',
  valuesFromSuspects: 'value_from_suspect_node',
};

export function registerCollectorMetrics(metrics: ApiMetrics, source: MetricsSource): void {
  const { registry } = metrics;
  // Read once per scrape, before the metrics collect, so they all show the same moment.
  let snapshot: CollectorMetricsSnapshot = {};
  metrics.beforeScrape(() => {
    snapshot = source();
  });
  const read = (): CollectorMetricsSnapshot => snapshot;
  const counter = (name: string, help: string, pick: (snapshot: CollectorMetricsSnapshot) => number | undefined): void => {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const value = pick(read());
        this.reset();
        if (value !== undefined) this.inc(value);
      },
    });
  };
  const gauge = (name: string, help: string, pick: (snapshot: CollectorMetricsSnapshot) => number | undefined): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const value = pick(read());
        if (value !== undefined) this.set(value);
      },
    });
  };

  counter('swarmscope_sweeps_total', 'sweeps of the watchlist completed', (s) => s.sweeps);
  counter('swarmscope_lookups_total', 'torrent lookups made by sweeps', (s) => s.lookups);
  counter('swarmscope_lookup_failures_total', 'torrent lookups that failed', (s) => s.lookupFailures);
  counter('swarmscope_store_samples_written_total', 'samples written to the series store', (s) => s.samplesWritten);
  counter('swarmscope_store_write_errors_total', 'failed writes to the series store', (s) => s.storeWriteErrors);
  gauge('swarmscope_spool_records', 'sample batches waiting in the disk spool', (s) => s.spool?.records);
  gauge('swarmscope_spool_bytes', 'bytes waiting in the disk spool', (s) => s.spool?.bytes);
  gauge('swarmscope_spool_max_bytes', 'size at which the spool starts dropping samples', (s) => s.spool?.maxBytes);
  counter('swarmscope_spool_dropped_samples_total', 'samples lost because the spool was full', (s) => s.spool?.droppedSamples);
  gauge('swarmscope_last_sweep_torrents', 'torrents in the last sweep', (s) => s.lastSweep?.torrents);
  gauge('swarmscope_last_sweep_failed', 'torrents whose lookup failed in the last sweep', (s) => s.lastSweep?.failed);
  gauge('swarmscope_last_sweep_timestamp_seconds', 'when the last sweep finished', (s) => (s.lastSweep ? s.lastSweep.finishedAtMs / 1000 : undefined));
  for (const [key, { name, help }] of Object.entries(DHT_COUNTERS)) counter(name, help, (s) => s.dht?.[key]);

  new Counter({
    name: 'swarmscope_dht_dropped_total',
    help: 'DHT input dropped, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const dht = read().dht;
      this.reset();
      if (!dht) return;
      for (const [key, reason] of Object.entries(DHT_DROPS)) if (dht[key] !== undefined) this.inc({ reason }, dht[key]);
    },
  });

  // A histogram needs each sweep once: observe the last sweep whenever a new one has finished.
  let observedFinishMs: number | undefined;
  new Histogram({
    name: 'swarmscope_sweep_duration_seconds',
    help: 'duration of watchlist sweeps (sampled at scrape time: one observation per new sweep)',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
    collect() {
      const last = read().lastSweep;
      if (!last || last.durationMs === undefined || last.finishedAtMs === observedFinishMs) return;
      observedFinishMs = last.finishedAtMs;
      this.observe(last.durationMs / 1000);
    },
  });
}
