import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSimSwarm } from '../../sim/index.ts';
import { SimKrpcClient } from '../helpers/sim-krpc-client.ts';

const NODES = 2000;

for (const ipv6 of [false, true]) {
  test(`${NODES} nodes${ipv6 ? ' with IPv6 and 10% hostile' : ''} start in one process and answer (time and memory are printed, not asserted)`, async (t) => {
    const rssBeforeBytes = process.memoryUsage().rss;
    const started = performance.now();
    const swarm = await startSimSwarm({ nodes: NODES, torrents: 20, seed: 'scale', minPeers: 10, maxPeers: 10_000, ipv6, hostileShare: ipv6 ? 0.1 : 0 });
    const startupMs = performance.now() - started;
    const client = await SimKrpcClient.open();
    const client6 = ipv6 ? await SimKrpcClient.open('::1') : undefined;
    t.after(async () => {
      await client.close();
      await client6?.close();
      await swarm.close();
    });
    const rssAfterBytes = process.memoryUsage().rss;
    const totalPeers = swarm.torrents.reduce((sum, torrent) => sum + torrent.peers + torrent.peersV6, 0);
    console.log(
      `${NODES} nodes${ipv6 ? ' (udp4 + udp6, 10% hostile)' : ''}, ${swarm.torrents.length} torrents (${totalPeers} peers): startup ${startupMs.toFixed(0)} ms, ` +
        `RSS ${(rssAfterBytes / 2 ** 20).toFixed(0)} MiB (+${((rssAfterBytes - rssBeforeBytes) / 2 ** 20).toFixed(0)} MiB)`,
    );
    assert.equal(swarm.nodeCount, NODES);
    const nodes = swarm.nodes();
    assert.equal(new Set(nodes.map((node) => node.host)).size, NODES);
    // Hostile nodes may answer a ping with garbage or an error: ask honest ones.
    const hostile = new Set(swarm.hostileNodes().map((node) => node.id));
    const sample = Array.from({ length: 50 }, (_, index) => nodes[(index * 41) % NODES]!).filter((node) => !hostile.has(node.id));
    const replies = await Promise.all(sample.map((node) => client.query(node, 'ping', {}, { timeoutMs: 2000, readOnly: true })));
    assert.ok(replies.every((reply) => reply?.kind === 'response'));
    if (client6) {
      const sample6 = swarm.nodes(6).filter((node, index) => index % 41 === 0 && !hostile.has(node.id));
      const replies6 = await Promise.all(sample6.map((node) => client6.query(node, 'ping', {}, { timeoutMs: 2000, readOnly: true })));
      assert.ok(replies6.every((reply) => reply?.kind === 'response'));
    }
    const closeStarted = performance.now();
    await swarm.close();
    console.log(`close ${(performance.now() - closeStarted).toFixed(0)} ms`);
  });
}
