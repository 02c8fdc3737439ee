import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimSwarm } from '../../sim/index.ts';
import { SimKrpcClient } from '../helpers/sim-krpc-client.ts';

const PINGS = 200;

async function answeredPings(lossRate: number, seed: string): Promise<{ answered: number; dropped: number }> {
  const swarm = await startSimSwarm({ nodes: 20, torrents: 0, seed, lossRate });
  const client = await SimKrpcClient.open();
  try {
    const nodes = swarm.nodes();
    const replies = await Promise.all(
      Array.from({ length: PINGS }, (_, index) => client.query(nodes[index % nodes.length]!, 'ping', {}, { timeoutMs: 500, readOnly: true })),
    );
    return { answered: replies.filter(Boolean).length, dropped: swarm.stats().dropped };
  } finally {
    await client.close();
    await swarm.close();
  }
}

test('lossRate drops that share of queries, reproducibly for a seed', async () => {
  const lossy = await answeredPings(0.3, 'loss');
  assert.equal(lossy.answered + lossy.dropped, PINGS);
  // 200 Bernoulli(0.3) draws: 60 expected, σ ≈ 6.5; 30..90 is beyond 4σ on either side.
  assert.ok(lossy.dropped >= 30 && lossy.dropped <= 90, `dropped ${lossy.dropped}`);
  assert.deepEqual(await answeredPings(0.3, 'loss'), lossy);
  assert.equal((await answeredPings(0, 'loss')).answered, PINGS);
});

test('rttMs ± jitterMs delays every reply', async (t) => {
  const swarm = await startSimSwarm({ nodes: 10, torrents: 0, seed: 'rtt', rttMs: 120, jitterMs: 20 });
  const client = await SimKrpcClient.open();
  t.after(async () => {
    await client.close();
    await swarm.close();
  });
  const node = swarm.nodes()[0]!;
  const elapsedMs: number[] = [];
  for (let index = 0; index < 5; index++) {
    const started = performance.now();
    assert.equal((await client.query(node, 'ping', {}, { timeoutMs: 2000 }))?.kind, 'response');
    elapsedMs.push(performance.now() - started);
  }
  // A lower bound only: a loaded machine may add delay, never remove it.
  for (const ms of elapsedMs) assert.ok(ms >= 99, `reply after ${ms.toFixed(1)} ms`);
  console.log(`replies with rttMs=120 jitterMs=20: ${elapsedMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
});

test('close() cancels delayed replies and releases every socket', async () => {
  const swarm = await startSimSwarm({ nodes: 10, torrents: 0, seed: 'close', rttMs: 5000 });
  const client = await SimKrpcClient.open();
  const pending = client.query(swarm.nodes()[0]!, 'ping', {}, { timeoutMs: 300 });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await swarm.close();
  await swarm.close(); // idempotent
  assert.equal(await pending, undefined);
  await client.close();
});
