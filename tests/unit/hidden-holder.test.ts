/**
 * A holder behind dead contacts must not be lost from a lookup (issue 12, collector/dht/neighbourhood.ts).
 * Raw KRPC nodes on loopback, each with a routing table of all the others, answering with its 8
 * closest contacts to the asked target (BEP 5). Around the infohash: holders A and B, eight dead
 * contacts (sockets that drop everything) ranked between them and after them, and holder C ranked
 * 11th. Every get_peers reply for the infohash lists the 8 dead or known contacts closest to it,
 * never C, so a converge alone cannot learn of C; ten peers are stored only by A and C, ten only by
 * B and C, so without C a lookup counts 10 of 30. A find_node for the infohash with the bit above
 * B's depth flipped puts C first in A's and B's lists.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { getPeers } from '../../collector/dht/get-peers.ts';
import { KnownNodes } from '../../collector/dht/known-nodes.ts';
import { KrpcSocket } from '../../collector/dht/krpc-socket.ts';
import { siblingTarget } from '../../collector/dht/neighbourhood.ts';
import { encodeCompactNodes, encodeCompactPeer } from '../../protocol/compact.ts';
import { encodeResponse, parseKrpcMessage, readBytes } from '../../protocol/krpc.ts';
import { compareDistance } from '../../protocol/node-id.ts';

interface TestNode {
  id: Buffer;
  host: string;
  port: number;
  socket: dgram.Socket;
}

/** An id at XOR distance `distance` (its leading bytes; the rest zero) from `target`. */
function idAt(target: Buffer, distance: number[]): Buffer {
  const id = Buffer.from(target);
  distance.forEach((byte, index) => (id[index]! ^= byte));
  return id;
}

async function bindNode(id: Buffer): Promise<TestNode> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { id, host: '127.0.0.1', port: socket.address().port, socket };
}

/** Answers ping, find_node and get_peers from its table of every other node; dead nodes answer nothing. */
function serve(node: TestNode, everyone: () => TestNode[], values: Buffer[]): void {
  node.socket.on('message', (datagram, remote) => {
    const message = parseKrpcMessage(datagram);
    if (message.kind !== 'query') return;
    const target = readBytes(message.args, message.method === 'find_node' ? 'target' : 'info_hash');
    const closest = target
      ? everyone()
          .filter((other) => other !== node)
          .sort((a, b) => compareDistance(target, a.id, b.id))
          .slice(0, 8)
      : [];
    const nodes = encodeCompactNodes(closest);
    const body = message.method === 'get_peers' ? { id: node.id, nodes, token: Buffer.from('token'), ...(values.length > 0 ? { values } : {}) } : { id: node.id, nodes };
    node.socket.send(encodeResponse(message.transactionId, body), remote.port, remote.address);
  });
}

test('a sibling target bit is flipped, the rest kept', () => {
  const target = Buffer.alloc(20);
  assert.deepEqual([...siblingTarget(target, 12).subarray(0, 3)], [0x00, 0x08, 0x00]);
  assert.deepEqual([...siblingTarget(target, 0).subarray(0, 1)], [0x80]);
  assert.equal(siblingTarget(target, 159)[19], 0x01);
  assert.deepEqual(target, Buffer.alloc(20), 'the infohash itself is untouched');
});

test('a lookup finds a holder that dead contacts hide from every get_peers reply', async (t) => {
  const infohash = randomBytes(20);
  const peers = Array.from({ length: 30 }, (_, index) => encodeCompactPeer({ host: `198.51.100.${index + 1}`, port: 6881 }));
  // Distances from the infohash (leading bytes): C differs first at bit 12, B at bit 13, the rest deeper or after B.
  const a = await bindNode(idAt(infohash, [0x00, 0x01]));
  const b = await bindNode(idAt(infohash, [0x00, 0x04]));
  const c = await bindNode(idAt(infohash, [0x00, 0x08]));
  const deadDistances = [[0x00, 0x02], [0x00, 0x03], [0x00, 0x04, 0x80], [0x00, 0x05], [0x00, 0x05, 0x80], [0x00, 0x06], [0x00, 0x06, 0x80], [0x00, 0x07]];
  const dead = await Promise.all(deadDistances.map((distance) => bindNode(idAt(infohash, distance))));
  const everyone = (): TestNode[] => [a, b, c, ...dead];
  serve(a, everyone, [...peers.slice(0, 10), ...peers.slice(20, 30)]);
  serve(b, everyone, [...peers.slice(10, 20), ...peers.slice(20, 30)]);
  serve(c, everyone, peers.slice(0, 20));
  const socket = await KrpcSocket.open({ bindHost: '127.0.0.1', loopbackOnly: true, maxQueryTimeoutMs: 300 });
  t.after(async () => {
    for (const node of everyone()) node.socket.close();
    await socket.close();
  });
  const knownNodes = new KnownNodes();
  knownNodes.markAlive({ id: a.id, host: a.host, port: a.port, family: 4 });

  const result = await getPeers(socket, knownNodes, infohash.toString('hex'), {
    allowPrivateAddresses: true,
    harvest: { missProbability: 0.001, maxQueriesPerNode: 4, maxQueries: 20, perNodeGapMs: 0 },
  });
  assert.equal(result.respondedNodes, 3, 'A, B and the hidden C answered');
  assert.equal(result.peers.size, 30, 'every peer, each corroborated by two holders');
  assert.deepEqual(new Set(result.closest.map((entry) => entry.contact.port)), new Set([a.port, b.port, c.port]));
});
