/**
 * A holder that is slow rather than gone must not be lost from a lookup (issue 12). Two raw KRPC
 * nodes on loopback hold a torrent's peers and answer every get_peers 400 ms late: later than the
 * adaptive timeout the collector has learned from their fast pings (its 250 ms floor), earlier
 * than that timeout doubled. The lookup's retry backs off (RFC 6298 §5.5), so both holders answer
 * it and every peer is counted. Before the backoff, both attempts timed out and the count was 0:
 * under CPU starvation that made whole swarms read as empty (bench/scale.bench.ts, 32 at once).
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { getPeers } from '../../collector/dht/get-peers.ts';
import { KnownNodes } from '../../collector/dht/known-nodes.ts';
import { KrpcSocket } from '../../collector/dht/krpc-socket.ts';
import { RttEstimator } from '../../collector/dht/rtt-estimator.ts';
import { encodeCompactPeer } from '../../protocol/compact.ts';
import { encodeResponse, parseKrpcMessage } from '../../protocol/krpc.ts';

const REPLY_DELAY_MS = 400;

function slowHolder(values: Buffer[]): Promise<{ id: Buffer; port: number; close(): void }> {
  const id = randomBytes(20);
  const socket = dgram.createSocket('udp4');
  socket.on('message', (datagram, remote) => {
    const message = parseKrpcMessage(datagram);
    if (message.kind !== 'query') return;
    const answer = (): void => {
      const body = message.method === 'get_peers' ? { id, token: Buffer.from('token'), values } : { id };
      socket.send(encodeResponse(message.transactionId, body), remote.port, remote.address);
    };
    // Pings are answered at once: they teach the collector a short RTT, hence a short timeout.
    if (message.method === 'ping') answer();
    else setTimeout(answer, REPLY_DELAY_MS);
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve({ id, port: socket.address().port, close: () => socket.close() })));
}

test('timeouts back off: doubled per unanswered attempt, within the ceiling', () => {
  const rtt = new RttEstimator(250, 2000);
  for (let index = 0; index < 20; index++) rtt.record(5);
  assert.equal(rtt.timeoutMs(), 250);
  assert.equal(rtt.timeoutMs(1), 500);
  assert.equal(rtt.timeoutMs(2), 1000);
  assert.equal(rtt.timeoutMs(5), 2000, 'never past the configured ceiling');
});

test('a lookup waits for holders that answer later than the adaptive timeout', async (t) => {
  const peers = Array.from({ length: 30 }, (_, index) => encodeCompactPeer({ host: `198.51.100.${index + 1}`, port: 6881 }));
  const holders = await Promise.all([slowHolder(peers), slowHolder(peers)]);
  const socket = await KrpcSocket.open({ bindHost: '127.0.0.1', loopbackOnly: true, maxQueryTimeoutMs: 2000 });
  t.after(async () => {
    for (const holder of holders) holder.close();
    await socket.close();
  });
  const knownNodes = new KnownNodes();
  for (const holder of holders) {
    const contact = { id: holder.id, host: '127.0.0.1', port: holder.port, family: 4 as const };
    for (let ping = 0; ping < 5; ping++) await socket.query(contact, 'ping', {});
    knownNodes.markAlive(contact);
  }
  assert.ok(socket.backedOffTimeoutMs(0) < REPLY_DELAY_MS, `learned timeout ${socket.backedOffTimeoutMs(0)} ms is shorter than the holders' delay`);
  assert.ok(socket.backedOffTimeoutMs(1) > REPLY_DELAY_MS + 50, 'and the first backoff is longer');
  const result = await getPeers(socket, knownNodes, randomBytes(20).toString('hex'), { allowPrivateAddresses: true, harvest: { missProbability: 0.001, maxQueriesPerNode: 4, maxQueries: 20, perNodeGapMs: 0 } });
  assert.equal(result.peers.size, peers.length, 'every peer, corroborated by both slow holders');
  assert.equal(result.respondedNodes, 2);
});
