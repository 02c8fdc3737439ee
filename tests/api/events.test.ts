import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AlertEvaluator } from '../../api/alerts/alert-evaluator.ts';
import { DeliveryWorker } from '../../api/webhooks/delivery-worker.ts';
import { createOutboundGuard } from '../../core/outbound-guard.ts';
import { openAlertingState } from '../../store/state/alerting-state.ts';
import { emitDomainEvent } from '../../store/state/domain-events.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../alerts/webhook-receiver.ts';
import { A, AUTH, NOW, TOKEN, errorOf, makeTestApp, type TestApp } from './test-app.ts';

describe('GET /api/v1/events', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let ok: string;
  let failing: string;
  let ruleId: string;

  before(async () => {
    t = await makeTestApp({ allowPrivateTargets: ['127.0.0.0/8'] });
    t.store.registry.add({ infohash: A, label: 'LLaMA' });
    receiver = await startWebhookReceiver((request) => ({ status: request.body.includes('threshold') ? 200 : 500 }));
    ok = (await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: AUTH, payload: { url: receiver.url } })).json().id;
    failing = (await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: AUTH, payload: { url: `${receiver.url}?x`, events: ['mirror.down'] } })).json().id;
    ruleId = (await t.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: AUTH, payload: { kind: 'threshold', metric: 'dht_peers', value: 10 } })).json().id;
    await t.app.inject({ method: 'POST', url: '/api/v1/alerts', headers: AUTH, payload: { kind: 'mirror' } });
    await t.store.series.writeSamples([{ infohash: A, atMs: NOW + 1000, values: { dht_peers: 11 } }]);
    emitDomainEvent(t.store.db, { type: 'mirror.down', subject: 'mir_1', occurredAtMs: NOW + 2000 });
    const state = openAlertingState(t.store.db);
    await new AlertEvaluator({ state, series: t.store.series, registry: t.store.registry, pollIntervalMs: 60_000, now: () => NOW + 3000 }).evaluateOnce();
    const guard = createOutboundGuard({ allowPrivateTargets: ['127.0.0.0/8'] });
    await new DeliveryWorker({ state, guard, timeoutMs: 2000, retryBaseMs: 60_000, giveUpAfterMs: 3_600_000, pollIntervalMs: 60_000, now: () => NOW + 4000 }).pass();
  });
  after(async () => {
    await receiver.close();
    await t.close();
  });

  it('lists events newest first, each with its delivery state per webhook', async () => {
    const response = await t.app.inject({ url: '/api/v1/events' });
    assert.equal(response.statusCode, 200);
    const { events, total } = response.json();
    assert.equal(total, 2);
    assert.deepEqual(events.map((event: { type: string }) => event.type), ['mirror.down', 'swarm.threshold_crossed']);
    const [mirror, threshold] = events;
    assert.match(threshold.id, /^evt_/);
    assert.deepEqual([threshold.ruleId, threshold.subject, threshold.occurredAt], [ruleId, A, new Date(NOW + 1000).toISOString()]);
    assert.equal(threshold.payload.type, 'swarm.threshold_crossed');
    assert.equal(threshold.payload.data.value, 11);
    assert.deepEqual(threshold.deliveries.map((d: { webhookId: string; state: string; attempts: number; lastStatus: number }) => [d.webhookId, d.state, d.attempts, d.lastStatus]), [[ok, 'delivered', 1, 200]]);
    assert.ok(threshold.deliveries[0].deliveredAt);
    assert.equal(threshold.deliveries[0].nextAttemptAt, null);
    const states = new Map(mirror.deliveries.map((d: { webhookId: string }) => [d.webhookId, d]));
    assert.equal(states.size, 2, 'both webhooks take mirror.down');
    const retrying = states.get(failing) as { state: string; lastStatus: number; lastError: string; nextAttemptAt: string };
    assert.deepEqual([retrying.state, retrying.lastStatus], ['pending', 500]);
    assert.match(retrying.lastError, /^HTTP 500: receiver says no$/);
    assert.ok(Date.parse(retrying.nextAttemptAt) >= NOW + 4000);
  });

  it('pages and filters by type and rule', async () => {
    const page = (await t.app.inject({ url: '/api/v1/events?offset=1&limit=1' })).json();
    assert.deepEqual([page.events.length, page.events[0].type, page.total], [1, 'swarm.threshold_crossed', 2]);
    const byType = (await t.app.inject({ url: '/api/v1/events?type=mirror.down' })).json();
    assert.deepEqual([byType.total, byType.events[0].type], [1, 'mirror.down']);
    const byRule = (await t.app.inject({ url: `/api/v1/events?ruleId=${ruleId}` })).json();
    assert.deepEqual([byRule.total, byRule.events[0].ruleId], [1, ruleId]);
    assert.deepEqual((await t.app.inject({ url: '/api/v1/events?ruleId=alr_none' })).json(), { events: [], total: 0 });
  });

  it('refuses bad parameters with a message', async () => {
    const type = await t.app.inject({ url: '/api/v1/events?type=everything' });
    assert.equal(type.statusCode, 400);
    assert.match(errorOf(type).message, /^querystring\/type must be one of: swarm\.threshold_crossed/);
    const limit = await t.app.inject({ url: '/api/v1/events?limit=5000' });
    assert.equal(errorOf(limit).message, 'querystring/limit must be <= 1000');
  });

  it('needs a token when reads are protected', async () => {
    const closed = await makeTestApp({ protectReads: true });
    try {
      const missing = await closed.app.inject({ url: '/api/v1/events' });
      assert.equal(missing.statusCode, 401);
      assert.match(errorOf(missing).message, /reading the API is restricted/);
      assert.equal((await closed.app.inject({ url: '/api/v1/events', headers: { authorization: 'Bearer nope-nope-nope' } })).statusCode, 401);
      assert.equal((await closed.app.inject({ url: '/api/v1/events', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200);
      assert.equal((await closed.app.inject({ url: '/healthz' })).statusCode, 200, 'health stays open');
      for (const disguised of ['/%61pi/v1/events', '/api/%761/torrents', '/%2561pi/v1/webhooks']) {
        assert.notEqual((await closed.app.inject({ url: disguised })).statusCode, 200, `${disguised} must not bypass the token`);
      }
    } finally {
      await closed.close();
    }
  });
});
