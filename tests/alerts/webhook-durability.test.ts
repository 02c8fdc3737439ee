/**
 * Webhooks survive a failing receiver and a crashing server. Real processes: `swarmscope serve`
 * over a SQLite file (killed with SIGKILL, then restarted), a real HTTP receiver on loopback that
 * answers 500, then hangs past the attempt timeout, then 200. Samples and domain events are written
 * into the file by this test process, as the collector and the mirror checker would from theirs.
 * Afterwards every event was delivered, each webhook-id was acknowledged exactly once (counted by
 * the receiver), and every request's signature verifies with the `standardwebhooks` package.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { emitDomainEvent } from '../../store/state/domain-events.ts';
import { startApiProcess } from '../helpers/child-processes.ts';
import { fastWebhookApi, startWebhookReceiver, type ReceivedRequest } from './webhook-receiver.ts';

const { env: ENV, headers: AUTH } = fastWebhookApi('durability-test-token');
const TORRENTS = ['1', '2', '3'].map((digit) => digit.repeat(40));
const EVENTS = TORRENTS.length + 2;

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Requests per webhook-id seen so far, answered or not. */
function attemptsPerId(requests: readonly ReceivedRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests) counts.set(request.headers['webhook-id']!, (counts.get(request.headers['webhook-id']!) ?? 0) + 1);
  return counts;
}

function serve(t: TestContext, store: string) {
  return startApiProcess(t, ['serve', '--store', store], ENV);
}

test('every event is delivered and acknowledged exactly once across 500s, timeouts and a crash', async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'swarmscope-webhooks-')), 'swarmscope.db');
  const store = `sqlite:${path}`;
  const local = openSqliteStore(path);
  t.after(() => local.close());
  for (const infohash of TORRENTS) local.registry.add({ infohash, label: `torrent ${infohash[0]}` });
  const receiver = await startWebhookReceiver(() => ({ status: 500 }));
  t.after(() => receiver.close());

  // 1. A server with a webhook and two rules; the facts arrive from "other processes" (this one).
  const first = await serve(t, store);
  const created = await fetch(`${first.url}/api/v1/webhooks`, { method: 'POST', headers: AUTH, body: JSON.stringify({ url: receiver.url }) });
  assert.equal(created.status, 201);
  const { secret } = (await created.json()) as { secret: string };
  for (const rule of [{ kind: 'threshold', metric: 'dht_peers', value: 10 }, { kind: 'mirror', changes: ['down'] }]) {
    assert.equal((await fetch(`${first.url}/api/v1/alerts`, { method: 'POST', headers: AUTH, body: JSON.stringify(rule) })).status, 201);
  }
  const atMs = Date.now() + 1;
  await local.series.writeSamples(TORRENTS.map((infohash) => ({ infohash, atMs, values: { dht_peers: 50 } })));
  emitDomainEvent(local.db, { type: 'mirror.down', subject: 'mir_a', data: { url: 'https://mirror.example/llama.tar' } });
  emitDomainEvent(local.db, { type: 'mirror.down', subject: 'mir_b' });

  // 2. The receiver fails every event twice with a 500; then the server dies without warning.
  await until('every event was refused twice', () => {
    const counts = attemptsPerId(receiver.received);
    return counts.size === EVENTS && [...counts.values()].every((count) => count >= 2);
  });
  await first.process.stop('SIGKILL');
  assert.equal(receiver.acks.size, 0);

  // 3. The receiver now hangs past the timeout; a new server takes the outbox over from the file.
  receiver.behave(() => 'hang');
  const before = receiver.received.length;
  const second = await serve(t, store);
  await until('every event timed out once more', () => attemptsPerId(receiver.received.slice(before)).size === EVENTS);

  // 4. The receiver recovers: everything is delivered, each id acknowledged once.
  receiver.behave(() => ({ status: 200 }));
  await until('every delivery is marked delivered', async () => {
    const { events } = (await (await fetch(`${second.url}/api/v1/events?limit=100`)).json()) as { events: { deliveries: { state: string }[] }[] };
    return events.length === EVENTS && events.every((event) => event.deliveries.length === 1 && event.deliveries[0]!.state === 'delivered');
  });
  await second.process.stop('SIGTERM');

  // 5. One more restart sends nothing again.
  const third = await serve(t, store);
  const quietFrom = receiver.received.length;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await third.process.stop('SIGTERM');
  assert.equal(receiver.received.length, quietFrom, 'nothing is re-sent after acknowledgement');

  const ids = [...attemptsPerId(receiver.received).keys()];
  assert.equal(ids.length, EVENTS);
  assert.deepEqual(ids.map((id) => receiver.acks.get(id)), ids.map(() => 1), 'each webhook-id acknowledged exactly once');
  assert.ok(receiver.received.some((request) => request.status === 500) && receiver.received.some((request) => request.status === null), 'both failure modes happened');
  const oracle = new Webhook(secret);
  for (const request of receiver.received) oracle.verify(request.body, request.headers);
  const types = receiver.received.filter((request) => request.status === 200).map((request) => (JSON.parse(request.body) as { type: string }).type).sort();
  assert.deepEqual(types, ['mirror.down', 'mirror.down', 'swarm.threshold_crossed', 'swarm.threshold_crossed', 'swarm.threshold_crossed']);
  t.diagnostic(`${receiver.received.length} requests for ${EVENTS} events`);
});
