/** /metrics: Prometheus text from a registry per app, with bounded labels only. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CollectorMetricsSnapshot } from '../../api/metrics/metrics-source.ts';
import { A, AUTH, makeTestApp, type TestApp } from './test-app.ts';

describe('GET /metrics', () => {
  let t: TestApp;
  let snapshot: CollectorMetricsSnapshot = {};
  before(async () => {
    t = await makeTestApp({ metricsSource: () => snapshot });
    t.store.registry.add({ infohash: A });
  });
  after(() => t.close());

  const scrape = async (): Promise<string> => {
    const response = await t.app.inject({ url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    return response.body;
  };

  it('counts requests by route template, never by infohash', async () => {
    await t.app.inject({ url: `/api/v1/torrents/${A}` });
    await t.app.inject({ url: `/api/v1/torrents/${'b'.repeat(40)}` });
    await t.app.inject({ url: '/no/such/route' });
    const text = await scrape();
    assert.match(text, /swarmscope_http_requests_total\{method="GET",route="\/api\/v1\/torrents\/:infohash",status="200"\} 1/);
    assert.match(text, /swarmscope_http_requests_total\{method="GET",route="\/api\/v1\/torrents\/:infohash",status="404"\} 1/);
    assert.match(text, /swarmscope_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    assert.match(text, /swarmscope_http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/api\/v1\/torrents\/:infohash"\}/);
    assert.doesNotMatch(text, new RegExp(A), 'no infohash in any label');
    assert.doesNotMatch(text, /127\.0\.0\.1/, 'no address in any label');
  });

  it('shows the webhook outbox depth and alert counters', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: AUTH, payload: { url: 'https://93.184.215.14/hook' } });
    t.store.db.prepare("INSERT INTO alert_events (id, type, occurred_at_ms, created_at_ms, body) VALUES ('evt_1', 'discovery.new', 0, 0, '{}')").run();
    const endpoint = t.store.db.prepare('SELECT id FROM webhook_endpoints').get() as { id: string };
    t.store.db.prepare("INSERT INTO webhook_deliveries (event_id, endpoint_id, state, next_attempt_at_ms) VALUES ('evt_1', ?, 'pending', 0)").run(endpoint.id);
    const text = await scrape();
    assert.match(text, /swarmscope_webhook_outbox_depth 1/);
    assert.match(text, /# TYPE swarmscope_webhook_attempts_total counter/);
    assert.match(text, /# TYPE swarmscope_alert_evaluations_total counter/);
  });

  it('reports the collector\'s figures from the MetricsSource, DHT drops by reason', async () => {
    snapshot = {
      sweeps: 3,
      lookups: 30,
      lookupFailures: 2,
      lastSweep: { finishedAtMs: 1_767_312_000_000, durationMs: 42_000, torrents: 10, failed: 1 },
      dht: { queriesSent: 900, responsesReceived: 800, timeouts: 100, malformedDropped: 4, bogonValuesDropped: 7 },
      samplesWritten: 30,
      storeWriteErrors: 0,
      spool: { records: 5, bytes: 4096, maxBytes: 1 << 20, droppedSamples: 0 },
    };
    const text = await scrape();
    for (const line of [
      'swarmscope_sweeps_total 3',
      'swarmscope_lookups_total 30',
      'swarmscope_lookup_failures_total 2',
      'swarmscope_last_sweep_torrents 10',
      'swarmscope_dht_queries_sent_total 900',
      'swarmscope_dht_responses_received_total 800',
      'swarmscope_dht_timeouts_total 100',
      'swarmscope_dht_dropped_total{reason="malformed_message"} 4',
      'swarmscope_dht_dropped_total{reason="bogon_peer"} 7',
      'swarmscope_store_samples_written_total 30',
      'swarmscope_spool_records 5',
      'swarmscope_spool_bytes 4096',
      'swarmscope_spool_dropped_samples_total 0',
      'swarmscope_sweep_duration_seconds_count 1',
      'swarmscope_sweep_duration_seconds_sum 42',
    ]) {
      assert.ok(text.includes(`${line}\n`), `${line} in /metrics`);
    }
  });

  it('keeps each app\'s metrics apart (no global registry)', async () => {
    const other = await makeTestApp();
    try {
      const text = (await other.app.inject({ url: '/metrics' })).body;
      assert.doesNotMatch(text, /route="\/api\/v1\/torrents\/:infohash"/);
      assert.doesNotMatch(text, /swarmscope_sweeps_total/, 'no collector figures without a source');
    } finally {
      await other.close();
    }
  });
});
