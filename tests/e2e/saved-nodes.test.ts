/**
 * Politeness: the nodes learned in one run are saved, and the next run rejoins through them
 * without asking the bootstrap router at all (the public routers are not hammered at every start).
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeBencode } from '../../protocol/bencode.ts';
import { encodeCompactNodes } from '../../protocol/compact.ts';
import { parseKrpcMessage } from '../../protocol/krpc.ts';
import { randomNodeId } from '../../protocol/node-id.ts';
import { runCli, startSimProcess } from '../helpers/child-processes.ts';

test('a second run rejoins through the saved nodes and never queries the bootstrap router', async (t) => {
  const sim = await startSimProcess(t, ['--nodes', '200', '--torrents', '1', '--seed', '8', '--min-peers', '40', '--max-peers', '60']);
  // A router like router.bittorrent.com: it stores nothing and answers with contacts of the DHT.
  const router = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => router.bind(0, '127.0.0.1', resolve));
  t.after(() => router.close());
  const contacts = encodeCompactNodes(sim.bootstrap.map((entry) => ({ id: randomNodeId(), host: entry.split(':')[0]!, port: Number(entry.split(':')[1]) })));
  let routerQueries = 0;
  router.on('message', (message, remote) => {
    routerQueries++;
    const query = parseKrpcMessage(message);
    router.send(encodeBencode({ t: query.transactionId, y: 'r', r: { id: Buffer.alloc(20, 1), nodes: contacts } }), remote.port, remote.address);
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'swarmscope-saved-'));
  const torrent = sim.torrents[0]!;
  const args = ['collect', '--once', '--json', '--store', `sqlite:${join(dataDir, 'db.sqlite')}`, '--data-dir', dataDir, '--watch', torrent.infohash, '--bootstrap', `127.0.0.1:${router.address().port}`, '--allow-private-addresses', '--dht-loopback-only', '--dht-query-timeout', '500'];
  const first = await runCli(args);
  assert.equal(first.code, 0, first.stderr);
  assert.equal((JSON.parse(first.stdout) as { torrents: { dhtPeers: number }[] }).torrents[0]!.dhtPeers, torrent.peers);
  assert.ok(routerQueries > 0, 'the first run joined through the router');
  assert.ok(existsSync(join(dataDir, 'dht-nodes.json')));

  const queriesAfterFirstRun = routerQueries;
  const second = await runCli(args);
  assert.equal(second.code, 0, second.stderr);
  assert.equal((JSON.parse(second.stdout) as { torrents: { dhtPeers: number }[] }).torrents[0]!.dhtPeers, torrent.peers);
  assert.equal(routerQueries, queriesAfterFirstRun, 'the second run never asked the router');
});
