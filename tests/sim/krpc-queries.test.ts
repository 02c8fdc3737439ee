import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readBytes, readValues } from '../../protocol/krpc.ts';
import { addressKey, decodeCompactNodes, decodeCompactPeer } from '../../protocol/compact.ts';
import { type SimSwarm, startSimSwarm } from '../../sim/index.ts';
import { estimateBloomSize } from '../../protocol/bep33-bloom.ts';
import { SimKrpcClient, expectResponse, type UdpTarget } from '../helpers/sim-krpc-client.ts';

const BIG_SWARM_PEERS = 5000;
let swarm: SimSwarm;
let client: SimKrpcClient;
let bigInfohash: string;
let holder: UdpTarget;

before(async () => {
  swarm = await startSimSwarm({ nodes: 120, seed: 'queries', torrentSpecs: [{ peers: BIG_SWARM_PEERS }, { peers: 30 }] });
  client = await SimKrpcClient.open();
  bigInfohash = swarm.torrents[0]!.infohash;
  holder = swarm.closestNodes(bigInfohash)[0]!;
});
after(async () => {
  await client.close();
  await swarm.close();
});

function nonHolder(infohash: string): UdpTarget {
  const holders = new Set(swarm.closestNodes(infohash).map(addressKey));
  return swarm.nodes().find((node) => !holders.has(addressKey(node)))!;
}

test('ping answers with the node id', async () => {
  const node = swarm.nodes()[5]!;
  const reply = expectResponse(await client.query(node, 'ping'));
  assert.equal(reply.senderId.toString('hex'), node.id);
});

test('find_node answers with at most 8 compact nodes that are sim nodes (or this client)', async () => {
  const reply = expectResponse(await client.query(swarm.nodes()[0]!, 'find_node', { target: Buffer.alloc(20, 0x42) }));
  const nodes = decodeCompactNodes(readBytes(reply.body, 'nodes')!, 4);
  assert.ok(nodes.length > 0 && nodes.length <= 8);
  const known = new Set(swarm.nodes().map((node) => `${node.id}@${addressKey(node)}`));
  // Nodes add whoever queries them (BEP 5), so this client may be listed too.
  known.add(`${client.id.toString('hex')}@${addressKey(client.address)}`);
  for (const node of nodes) assert.ok(known.has(`${node.id.toString('hex')}@${addressKey(node)}`));
});

test('get_peers at a holder returns at most 100 ground-truth values, a new subset each time', async () => {
  const truth = new Set(swarm.peersOf(bigInfohash).map(addressKey));
  const infohash = Buffer.from(bigInfohash, 'hex');
  const first = expectResponse(await client.query(holder, 'get_peers', { info_hash: infohash }));
  const second = expectResponse(await client.query(holder, 'get_peers', { info_hash: infohash }));
  assert.ok(readBytes(first.body, 'token')!.length > 0);
  const subsets = [first, second].map((reply) => readValues(reply.body).map((value) => addressKey(decodeCompactPeer(value)!)));
  for (const subset of subsets) {
    assert.equal(subset.length, 100);
    assert.equal(new Set(subset).size, subset.length, 'no duplicates in one reply');
    for (const peer of subset) assert.ok(truth.has(peer), `${peer} is not in peersOf()`);
  }
  assert.notDeepEqual(new Set(subsets[0]), new Set(subsets[1]));
});

test('get_peers on a small swarm returns all of it; a non-holder returns nodes and a token', async () => {
  const small = swarm.torrents[1]!.infohash;
  const reply = expectResponse(await client.query(swarm.closestNodes(small)[3]!, 'get_peers', { info_hash: Buffer.from(small, 'hex') }));
  assert.equal(readValues(reply.body).length, 30);
  const far = expectResponse(await client.query(nonHolder(small), 'get_peers', { info_hash: Buffer.from(small, 'hex') }));
  assert.equal(far.body.values, undefined);
  assert.ok(readBytes(far.body, 'token'));
  assert.ok(decodeCompactNodes(readBytes(far.body, 'nodes')!, 4).length > 0);
});

test('BEP 33: scrape=1 returns 256-byte BFsd/BFpe, noseed=1 leaves the seeds out', async () => {
  const small = swarm.torrents[1]!;
  const target = swarm.closestNodes(small.infohash)[0]!;
  const scrape = expectResponse(await client.query(target, 'get_peers', { info_hash: Buffer.from(small.infohash, 'hex'), scrape: 1 }));
  assert.equal(readBytes(scrape.body, 'BFsd')!.length, 256);
  assert.equal(readBytes(scrape.body, 'BFpe')!.length, 256);
  assert.equal(scrape.body.values, undefined);
  // 30 peers: the estimates land within a few of the truth (bloom error at this size is ~1).
  assert.ok(Math.abs(estimateBloomSize(readBytes(scrape.body, 'BFsd')!) - small.seeds) < 3);
  assert.ok(Math.abs(estimateBloomSize(readBytes(scrape.body, 'BFpe')!) - (small.peers - small.seeds)) < 3);
  const noseed = expectResponse(await client.query(target, 'get_peers', { info_hash: Buffer.from(small.infohash, 'hex'), noseed: 1 }));
  assert.equal(readValues(noseed.body).length, small.peers - small.seeds);
});

test('announce_peer with a bad token is refused and stores nothing', async () => {
  const infohash = Buffer.alloc(20, 0x17);
  const node = swarm.closestNodes(infohash.toString('hex'))[0]!;
  const reply = await client.query(node, 'announce_peer', { info_hash: infohash, port: 6881, token: Buffer.from('nope') });
  assert.equal(reply?.kind, 'error');
  assert.equal(reply?.kind === 'error' && reply.errorCode, 203);
  assert.deepEqual(swarm.peersOf(infohash.toString('hex')), []);
  const after = expectResponse(await client.query(node, 'get_peers', { info_hash: infohash }));
  assert.equal(after.body.values, undefined);
});

test('announce_peer with the issued token is stored and returned by later get_peers', async () => {
  const infohash = Buffer.alloc(20, 0x29);
  const node = swarm.closestNodes(infohash.toString('hex'))[0]!;
  const first = expectResponse(await client.query(node, 'get_peers', { info_hash: infohash }));
  const token = readBytes(first.body, 'token')!;
  // A token is bound to the node that issued it.
  const elsewhere = await client.query(swarm.closestNodes(infohash.toString('hex'))[1]!, 'announce_peer', { info_hash: infohash, port: 6881, token });
  assert.equal(elsewhere?.kind, 'error');
  expectResponse(await client.query(node, 'announce_peer', { info_hash: infohash, port: 6881, token }));
  expectResponse(await client.query(node, 'announce_peer', { info_hash: infohash, port: 7000, implied_port: 1, token }));
  const later = expectResponse(await client.query(node, 'get_peers', { info_hash: infohash }));
  const values = readValues(later.body).map((value) => addressKey(decodeCompactPeer(value)!)).sort();
  assert.deepEqual(values, [`127.0.0.1:${client.address.port}`, '127.0.0.1:6881'].sort());
  assert.deepEqual(swarm.peersOf(infohash.toString('hex')).map(addressKey).sort(), values);
});

test('an announce into a seeded swarm joins its ground truth', async () => {
  const small = swarm.torrents[1]!.infohash;
  const node = swarm.closestNodes(small)[2]!;
  const token = readBytes(expectResponse(await client.query(node, 'get_peers', { info_hash: Buffer.from(small, 'hex') })).body, 'token')!;
  expectResponse(await client.query(node, 'announce_peer', { info_hash: Buffer.from(small, 'hex'), port: 51413, token }));
  assert.ok(swarm.peersOf(small).some((peer) => addressKey(peer) === '127.0.0.1:51413'));
  assert.equal(swarm.peersOf(small).length, 31);
});

test('unknown methods get error 204, bad arguments error 203', async () => {
  const node = swarm.nodes()[1]!;
  const unknown = await client.query(node, 'vote', { target: Buffer.alloc(20) });
  assert.equal(unknown?.kind === 'error' && unknown.errorCode, 204);
  const badTarget = await client.query(node, 'find_node', { target: Buffer.alloc(5) });
  assert.equal(badTarget?.kind === 'error' && badTarget.errorCode, 203);
  const badPort = await client.query(node, 'announce_peer', { info_hash: Buffer.alloc(20), token: Buffer.alloc(8), port: 0 });
  assert.equal(badPort?.kind, 'error');
});

test('malformed datagrams are ignored and the node keeps answering', async () => {
  const node = swarm.nodes()[2]!;
  const garbage = [
    Buffer.alloc(0),
    Buffer.from('not bencode'),
    Buffer.from('d1:ad2:id20:'),
    Buffer.from('d1:t2:aa1:y1:qe'),
    Buffer.from('d1:ad2:id3:abce1:q4:ping1:t2:aa1:y1:qe'),
    Buffer.from(`${'l'.repeat(5000)}${'e'.repeat(5000)}`),
    Buffer.from('d1:rd2:id20:xxxxxxxxxxxxxxxxxxxxe1:t2:aa1:y1:re'),
    Buffer.alloc(9000, 0x64),
  ];
  for (const datagram of garbage) await client.sendRaw(datagram, node);
  const reply = expectResponse(await client.query(node, 'ping'));
  assert.equal(reply.senderId.toString('hex'), node.id);
  // The node read the garbage before the ping (one socket, in order) and counted it.
  assert.ok(swarm.stats().ignored >= garbage.length, `ignored ${swarm.stats().ignored}`);
});
