/**
 * A holder that drops a few queries in a row mid-harvest is asked again, not given up (issue 12,
 * collector/dht/harvest-values.ts). Two raw KRPC holders on loopback store the same 30 peers and
 * answer each get_peers with 10 of them at random, as libtorrent samples a store larger than a
 * reply; one of them drops its 3rd, 4th and 5th get_peers (loss, a long RTT). A peer counts only once
 * both returned it, so a lookup that gave that holder up after three silent queries counted at most
 * the 20 peers of its first two replies. One query per holder at a time (the 150 ms gap outlasts the
 * 100 ms timeout), so the three are in a row.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';
import { getPeers } from '../../collector/dht/get-peers.ts';
import { KnownNodes } from '../../collector/dht/known-nodes.ts';
import { KrpcSocket } from '../../collector/dht/krpc-socket.ts';
import { encodeCompactPeer } from '../../protocol/compact.ts';
import { encodeResponse, parseKrpcMessage } from '../../protocol/krpc.ts';

const VALUES_PER_REPLY = 10;

function samplingHolder(stored: Buffer[], droppedGetPeers: Set<number>): Promise<{ id: Buffer; port: number; close(): void }> {
  const id = randomBytes(20);
  const socket = dgram.createSocket('udp4');
  let getPeersSeen = 0;
  socket.on('message', (datagram, remote) => {
    const message = parseKrpcMessage(datagram);
    if (message.kind !== 'query') return;
    if (message.method === 'get_peers' && droppedGetPeers.has(++getPeersSeen)) return;
    const pool = [...stored];
    const values = Array.from({ length: VALUES_PER_REPLY }, () => pool.splice(randomInt(pool.length), 1)[0]!);
    const body = message.method === 'get_peers' ? { id, token: Buffer.from('token'), values } : { id };
    socket.send(encodeResponse(message.transactionId, body), remote.port, remote.address);
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve({ id, port: socket.address().port, close: () => socket.close() })));
}

test('a sampling holder that misses three queries in a row is still read to the end', async (t) => {
  const stored = Array.from({ length: 30 }, (_, index) => encodeCompactPeer({ host: `198.51.100.${index + 1}`, port: 6881 }));
  const holders = await Promise.all([samplingHolder(stored, new Set()), samplingHolder(stored, new Set([3, 4, 5]))]);
  const socket = await KrpcSocket.open({ bindHost: '127.0.0.1', loopbackOnly: true, maxQueryTimeoutMs: 100 });
  t.after(async () => {
    for (const holder of holders) holder.close();
    await socket.close();
  });
  const knownNodes = new KnownNodes();
  for (const holder of holders) knownNodes.markAlive({ id: holder.id, host: '127.0.0.1', port: holder.port, family: 4 });
  const result = await getPeers(socket, knownNodes, randomBytes(20).toString('hex'), {
    allowPrivateAddresses: true,
    harvest: { missProbability: 0.001, maxQueriesPerNode: 400, maxQueries: 2000, perNodeGapMs: 150 },
  });
  assert.equal(result.peers.size, stored.length, 'every stored peer, corroborated by both holders');
});
