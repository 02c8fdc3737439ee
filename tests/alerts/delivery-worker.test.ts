/** The delivery worker against a real HTTP receiver on loopback, one pass at a time. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { eventBody } from '../../api/alerts/event-types.ts';
import { createApiMetrics } from '../../api/metrics/api-metrics.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from '../../api/webhooks/delivery-worker.ts';
import { generateWebhookSecret } from '../../api/webhooks/signature.ts';
import { createOutboundGuard, type ResolvedAddress } from '../../core/outbound-guard.ts';
import { openAlertingState, type AlertingState } from '../../store/state/alerting-state.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { startWebhookReceiver, type Behaviour, type WebhookReceiver } from './webhook-receiver.ts';

const LOOPBACK = ['127.0.0.0/8', '::1/128'];

interface Setup {
  store: SqliteStore;
  state: AlertingState;
  receiver: WebhookReceiver;
  secret: string;
  endpointId: string;
  worker(options?: Partial<DeliveryWorkerOptions>): DeliveryWorker;
  fire(count: number): string[];
  delivery(eventId: string): { state: string; attempts: number; lastStatus: number | null; lastError: string | null; nextAttemptAtMs: number | null };
}

async function setup(behaviour: Behaviour, path = ':memory:'): Promise<Setup> {
  const store = openSqliteStore(path);
  const state = openAlertingState(store.db);
  const receiver = await startWebhookReceiver(behaviour);
  const secret = generateWebhookSecret();
  const endpoint = state.endpoints.create({ url: receiver.url, eventTypes: [], secret, description: null }, Date.now());
  let fired = 0;
  return {
    store,
    state,
    receiver,
    secret,
    endpointId: endpoint.id,
    worker: (options = {}) =>
      new DeliveryWorker({
        state,
        guard: createOutboundGuard({ allowPrivateTargets: LOOPBACK }),
        timeoutMs: 1000,
        retryBaseMs: 10,
        giveUpAfterMs: 3_600_000,
        pollIntervalMs: 20,
        ...options,
      }),
    fire(count) {
      return state.db.transaction(() =>
        Array.from({ length: count }, () => {
          const id = `evt_test${++fired}`;
          state.events.record({ id, type: 'discovery.new', ruleId: null, subject: null, occurredAtMs: Date.now(), body: eventBody('discovery.new', Date.now(), { n: fired }) }, Date.now());
          return id;
        }),
      )();
    },
    delivery(eventId) {
      const [event] = state.events.list({}, { offset: 0, limit: 1000 }).events.filter((candidate) => candidate.id === eventId);
      return event!.deliveries[0]!;
    },
  };
}

function verifyAll(receiver: WebhookReceiver, secret: string): void {
  const oracle = new Webhook(secret);
  for (const request of receiver.received) oracle.verify(request.body, request.headers);
}

describe('webhook delivery worker', () => {
  let s: Setup;
  afterEach(async () => {
    await s.receiver.close();
    await s.store.close();
  });

  it('delivers each event once with a verifiable signature, and never again', async () => {
    s = await setup(() => ({ status: 204 }));
    const ids = s.fire(3);
    const worker = s.worker();
    await worker.pass();
    await worker.pass();
    assert.deepEqual([...s.receiver.acks.entries()].sort(), ids.map((id) => [id, 1]));
    verifyAll(s.receiver, s.secret);
    assert.equal(s.delivery(ids[0]!).state, 'delivered');
    assert.equal(s.state.outbox.pendingCount(), 0);
  });

  it('retries after a 500 with the same webhook-id, and only a 2xx counts', async () => {
    let calls = 0;
    s = await setup(() => ({ status: ++calls <= 2 ? 500 : calls === 3 ? 302 : 200 }));
    const [id] = s.fire(1);
    const worker = s.worker({ retryBaseMs: 1 });
    for (let pass = 0; pass < 10 && s.delivery(id!).state === 'pending'; pass++) {
      await worker.pass();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(s.receiver.received.length, 4, '500, 500, 302 (a redirect is not followed), 200');
    assert.ok(s.receiver.received.every((request) => request.headers['webhook-id'] === id));
    assert.equal(s.receiver.acks.get(id!), 1);
    const { state, attempts, lastStatus } = s.delivery(id!);
    assert.deepEqual({ state, attempts, lastStatus }, { state: 'delivered', attempts: 4, lastStatus: 200 });
    verifyAll(s.receiver, s.secret);
  });

  it('honours Retry-After, in seconds or as an HTTP date', async () => {
    s = await setup(() => ({ status: 503, headers: { 'retry-after': '120' } }));
    const [first] = s.fire(1);
    const before = Date.now();
    await s.worker({ retryBaseMs: 1 }).pass();
    assert.ok(s.delivery(first!).nextAttemptAtMs! >= before + 120_000);
    s.receiver.behave(() => ({ status: 429, headers: { 'retry-after': new Date(Date.now() + 3_600_000).toUTCString() } }));
    const [second] = s.fire(1);
    await s.worker({ retryBaseMs: 1 }).pass();
    assert.ok(s.delivery(second!).nextAttemptAtMs! >= before + 3_590_000);
    assert.equal(s.delivery(second!).lastStatus, 429);
  });

  it('disables the endpoint on 410 Gone and cancels what was still pending for it', async () => {
    s = await setup(() => ({ status: 410 }));
    const ids = s.fire(3);
    await s.worker({ batchSize: 1, concurrency: 1 }).pass();
    assert.equal(s.receiver.received.length, 1);
    assert.equal(s.delivery(ids[0]!).state, 'failed');
    assert.match(s.delivery(ids[0]!).lastError!, /410 Gone/);
    assert.deepEqual([s.delivery(ids[1]!).state, s.delivery(ids[2]!).state], ['cancelled', 'cancelled']);
    assert.match(s.state.endpoints.get(s.endpointId)!.disabledReason!, /410/);
    await s.worker().pass();
    assert.equal(s.receiver.received.length, 1, 'nothing more is sent to it');
    s.fire(1);
    assert.equal(s.state.outbox.pendingCount(), 0, 'new events do not queue for a disabled endpoint');
  });

  it('times an attempt out, records why, and gives up at the horizon', async () => {
    s = await setup(() => 'hang');
    const [id] = s.fire(1);
    const metrics = createApiMetrics({ defaultMetrics: false });
    const started = Date.now();
    await s.worker({ timeoutMs: 200, metrics }).pass();
    assert.ok(Date.now() - started < 6000, 'the hanging receiver did not hold the pass');
    assert.deepEqual([s.delivery(id!).state, s.delivery(id!).lastError], ['pending', 'no answer within 200 ms']);
    await s.worker({ timeoutMs: 200, giveUpAfterMs: 1000, now: () => Date.now() + 10_000, metrics }).pass();
    assert.equal(s.delivery(id!).state, 'failed');
    assert.match(s.delivery(id!).lastError!, /gave up after 2 attempts; last: no answer within 200 ms/);
    const text = await metrics.registry.metrics();
    assert.match(text, /swarmscope_webhook_attempts_total\{outcome="retry"\} 1/);
    assert.match(text, /swarmscope_webhook_attempts_total\{outcome="failed"\} 1/);
  });

  it('checks the target again at each attempt: a name now resolving to a private address is not contacted', async () => {
    s = await setup(() => ({ status: 200 }));
    s.state.endpoints.remove(s.endpointId, Date.now());
    let answer: ResolvedAddress = { address: '93.184.215.14', family: 4 };
    const endpoint = s.state.endpoints.create({ url: 'http://hooks.example.test/h', eventTypes: [], secret: s.secret, description: null }, Date.now());
    const [id] = s.fire(1);
    answer = { address: '10.1.2.3', family: 4 };
    const guard = createOutboundGuard({ resolve: async () => [answer] });
    await s.worker({ guard }).pass();
    const delivery = s.state.events.list({}, { offset: 0, limit: 5 }).events.find((event) => event.id === id)!.deliveries.find((d) => d.endpointId === endpoint.id)!;
    assert.equal(delivery.state, 'pending');
    assert.match(delivery.lastError!, /not sent: refusing http:\/\/hooks\.example\.test: 10\.1\.2\.3 is a private address/);
  });

  it('two workers on one database never send the same row twice; a dead worker\'s lease expires', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'swarmscope-outbox-')), 'state.db');
    s = await setup(() => ({ status: 200 }), path);
    const otherStore = openSqliteStore(path);
    try {
      const ids = s.fire(40);
      // A worker that claimed two rows and died: its lease keeps them from others until it expires.
      s.state.outbox.claimDue('wrk_dead', Date.now(), 60_000, 2);
      const one = s.worker({ batchSize: 5 });
      const two = new DeliveryWorker({ state: openAlertingState(otherStore.db), guard: createOutboundGuard({ allowPrivateTargets: LOOPBACK }), timeoutMs: 1000, retryBaseMs: 10, giveUpAfterMs: 3_600_000, pollIntervalMs: 20, batchSize: 5 });
      for (let round = 0; round < 10; round++) await Promise.all([one.pass(), two.pass()]);
      assert.equal(s.receiver.acks.size, 38, 'all but the two leased rows');
      assert.ok([...s.receiver.acks.values()].every((count) => count === 1));
      await s.worker({ now: () => Date.now() + 61_000 }).pass();
      assert.deepEqual(new Set(s.receiver.acks.keys()), new Set(ids));
      assert.ok([...s.receiver.acks.values()].every((count) => count === 1));
    } finally {
      await otherStore.close();
    }
  });

  it('a pass claims no more rows than it attempts at once, so no lease runs out before its attempt', async () => {
    s = await setup(() => 'hang');
    s.fire(10);
    await s.worker({ concurrency: 2, batchSize: 32, timeoutMs: 200 }).pass();
    assert.equal(s.receiver.received.length, 2, 'two attempts, both at once');
    const leased = s.state.db.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE lease_until_ms > ?").get(Date.now()) as { n: number };
    assert.equal(leased.n, 0, 'no row left leased but unattempted');
  });
});
