/**
 * Fault: a webhook receiver that answers 429 with Retry-After, then resets connections mid-request,
 * while the API process is restarted during the retries. Every event is acknowledged exactly once,
 * a retry after the 429 waits at least Retry-After, and nothing is re-sent after acknowledgement.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { fastWebhookApi, startWebhookReceiver } from '../alerts/webhook-receiver.ts';
import { startApiProcess } from '../helpers/child-processes.ts';
import { report, sleep, waitFor } from './fault-helpers.ts';

const { env: ENV, headers: HEADERS } = fastWebhookApi('fault-test-token-0123');
const RETRY_AFTER_S = 2;
const TORRENTS = ['4', '5', '6'].map((digit) => digit.repeat(40));

test('webhook receiver 429 + Retry-After, then connection resets, API restarted mid-retry: each event acknowledged once', { timeout: 180_000 }, async (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'swarmscope-fault-webhooks-')), 'db.sqlite');
  const store = `sqlite:${path}`;
  const local = openSqliteStore(path);
  t.after(() => local.close());
  for (const infohash of TORRENTS) local.registry.add({ infohash });
  const times429 = new Map<string, number[]>();
  const receiver = await startWebhookReceiver((request) => {
    const id = request.headers['webhook-id']!;
    times429.set(id, [...(times429.get(id) ?? []), Date.now()]);
    return { status: 429, headers: { 'retry-after': String(RETRY_AFTER_S) } };
  });
  t.after(() => receiver.close());

  const first = await startApiProcess(t, ['serve', '--store', store], ENV);
  assert.equal((await fetch(`${first.url}/api/v1/webhooks`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ url: receiver.url }) })).status, 201);
  assert.equal((await fetch(`${first.url}/api/v1/alerts`, { method: 'POST', headers: HEADERS, body: JSON.stringify({ kind: 'threshold', metric: 'dht_peers', value: 10 }) })).status, 201);
  await local.series.writeSamples(TORRENTS.map((infohash) => ({ infohash, atMs: Date.now() + 1, values: { dht_peers: 40 } })));

  // 429s: every event refused at least twice, the second attempt no sooner than Retry-After.
  const idsOf = () => new Set(receiver.received.map((request) => request.headers['webhook-id']));
  await waitFor(() => idsOf().size === TORRENTS.length && [...idsOf()].every((id) => receiver.received.filter((request) => request.headers['webhook-id'] === id).length >= 2), 'two 429s per event');
  const gaps429Ms = [...times429.values()].flatMap((times) => times.slice(1).map((at, index) => at - times[index]!));
  const arrival = new Map<string, number[]>();
  receiver.behave((request) => {
    const id = request.headers['webhook-id']!;
    arrival.set(id, [...(arrival.get(id) ?? []), Date.now()]);
    return 'reset';
  });
  await waitFor(() => TORRENTS.length === arrival.size && [...arrival.values()].every((times) => times.length >= 2), 'two resets per event');
  const retryGapsMs = [...arrival.values()].map((times) => times[1]! - times[0]!);

  // The API dies in the middle of the retries; a new one takes the outbox over.
  await first.process.stop('SIGTERM');
  receiver.behave(() => ({ status: 200 }));
  const second = await startApiProcess(t, ['serve', '--store', store], ENV);
  await waitFor(() => TORRENTS.length === [...receiver.acks.keys()].length, 'every event acknowledged');
  await sleep(1_500);
  await second.process.stop('SIGTERM');

  const requests = receiver.received.length;
  const acks = [...receiver.acks.values()];
  report(t, `receiver 429 (Retry-After ${RETRY_AFTER_S} s) then connection resets, API restarted mid-retry: ${TORRENTS.length} events, ${requests} requests, acknowledgements per event ${acks.join(', ')}; retries after a 429 came ${(Math.min(...gaps429Ms) / 1000).toFixed(2)} s later at the soonest; after a reset ${Math.min(...retryGapsMs)}–${Math.max(...retryGapsMs)} ms later`);
  assert.deepEqual(acks, TORRENTS.map(() => 1), 'each event acknowledged exactly once');
  const status429 = receiver.received.filter((request) => request.status === 429).length;
  assert.ok(status429 >= 2 * TORRENTS.length);
  assert.ok(Math.min(...gaps429Ms) >= RETRY_AFTER_S * 1000 - 50, `a retry came ${Math.min(...gaps429Ms)} ms after a 429 asking for ${RETRY_AFTER_S} s`);
});
