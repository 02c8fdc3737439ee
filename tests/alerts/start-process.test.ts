/**
 * `swarmscope start` wires it all in one process: the collector sweeps the sim, each sweep's write
 * nudges the evaluator, the event goes out as a signed webhook, and /metrics reports the sweeps
 * and DHT traffic through the MetricsSource the CLI feeds from the collector.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { startSimSwarm } from '../../sim/index.ts';
import { startApiProcess } from '../helpers/child-processes.ts';
import { startWebhookReceiver } from './webhook-receiver.ts';

const TOKEN = 'start-process-token';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

test('start: a sweep that crosses a rule reaches the webhook receiver, and /metrics counts the sweeps', async (t) => {
  const sim = await startSimSwarm({ nodes: 80, seed: 'start-alerts', torrentSpecs: [{ peers: 20 }] });
  t.after(() => sim.close());
  const infohash = sim.torrents[0]!.infohash;
  const receiver = await startWebhookReceiver(() => ({ status: 200 }));
  t.after(() => receiver.close());
  const dir = mkdtempSync(join(tmpdir(), 'swarmscope-start-'));
  const api = await startApiProcess(
    t,
    ['start', '--store', `sqlite:${join(dir, 'swarmscope.db')}`, '--data-dir', dir, '--watch', infohash, '--bootstrap', sim.bootstrap.join(','), '--allow-private-addresses', '--dht-loopback-only', '--interval', '1s', '--dht-node-query-gap', '0', '--dht-bind-host', '127.0.0.1', '--dht-bind-host6', ''],
    { SWARMSCOPE_API_TOKENS: TOKEN, SWARMSCOPE_ALLOW_PRIVATE_TARGETS: '127.0.0.0/8', SWARMSCOPE_ALERT_POLL_INTERVAL_MS: '60000' },
  );
  const webhook = (await (await fetch(`${api.url}/api/v1/webhooks`, { method: 'POST', headers: AUTH, body: JSON.stringify({ url: receiver.url }) })).json()) as { secret: string };
  const rule = await fetch(`${api.url}/api/v1/alerts`, { method: 'POST', headers: AUTH, body: JSON.stringify({ kind: 'threshold', infohash, metric: 'dht_peers', value: 30 }) });
  assert.equal(rule.status, 201);
  // The poll interval is a minute: an event within seconds proves the sweep's write nudged the evaluator.
  sim.setPeerCount(infohash, 45);
  const deadline = Date.now() + 30_000;
  while (receiver.acks.size === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(receiver.acks.size, 1, 'one event delivered');
  const [request] = receiver.received;
  const payload = new Webhook(webhook.secret).verify(request!.body, request!.headers) as { type: string; data: { infohash: string; value: number } };
  assert.deepEqual([payload.type, payload.data.infohash, payload.data.value], ['swarm.threshold_crossed', infohash, 45]);

  const metrics = await (await fetch(`${api.url}/metrics`)).text();
  assert.match(metrics, /^swarmscope_sweeps_total [1-9]\d*$/m);
  assert.match(metrics, /^swarmscope_dht_queries_sent_total [1-9]\d*$/m);
  assert.match(metrics, /^swarmscope_store_samples_written_total [1-9]\d*$/m);
  assert.match(metrics, /^swarmscope_webhook_attempts_total\{outcome="delivered"\} 1$/m);
  assert.match(metrics, /^swarmscope_alert_events_total\{type="swarm.threshold_crossed"\} 1$/m);
});
