import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimSwarm } from '../../sim/index.ts';
import { SimKrpcClient } from '../helpers/sim-krpc-client.ts';

const NODES = 2000;

test(`${NODES} nodes start in one process and answer (time and memory are printed, not asserted)`, async (t) => {
  const rssBeforeBytes = process.memoryUsage().rss;
  const started = performance.now();
  const swarm = await startSimSwarm({ nodes: NODES, torrents: 20, seed: 'scale', minPeers: 10, maxPeers: 10_000 });
  const startupMs = performance.now() - started;
  const client = await SimKrpcClient.open();
  t.after(async () => {
    await client.close();
    await swarm.close();
  });
  const rssAfterBytes = process.memoryUsage().rss;
  const totalPeers = swarm.torrents.reduce((sum, torrent) => sum + torrent.peers, 0);
  console.log(
    `${NODES} nodes, ${swarm.torrents.length} torrents (${totalPeers} peers): startup ${startupMs.toFixed(0)} ms, ` +
      `RSS ${(rssAfterBytes / 2 ** 20).toFixed(0)} MiB (+${((rssAfterBytes - rssBeforeBytes) / 2 ** 20).toFixed(0)} MiB)`,
  );
  assert.equal(swarm.nodeCount, NODES);
  const nodes = swarm.nodes();
  assert.equal(new Set(nodes.map((node) => node.host)).size, NODES);
  const sample = Array.from({ length: 50 }, (_, index) => nodes[(index * 41) % NODES]!);
  const replies = await Promise.all(sample.map((node) => client.query(node, 'ping', {}, { timeoutMs: 2000, readOnly: true })));
  assert.ok(replies.every((reply) => reply?.kind === 'response'));
  const closeStarted = performance.now();
  await swarm.close();
  console.log(`close ${(performance.now() - closeStarted).toFixed(0)} ms`);
});
