/**
 * BEP 51 sample_infohashes on the sim, checked against the ground truth and against libtorrent 2.0's
 * behaviour (dht_storage.cpp): `interval` = dht_sample_infohashes_interval (21600 by default), `num`
 * = infohashes stored, `samples` a random subset of at most dht_max_infohashes_sample_count (20) that
 * stays the same for `interval` seconds once full, `nodes`/`nodes6` as find_node (BEP 32 `want`).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KrpcSocket } from '../../collector/dht/krpc-socket.ts';
import { sampleInfohashes } from '../../collector/discovery/sample-infohashes.ts';
import { SwarmscopeError } from '../../core/errors.ts';
import { addressKey, decodeCompactNodes } from '../../protocol/compact.ts';
import { readBytes } from '../../protocol/krpc.ts';
import { HOSTILE_BEHAVIOURS, type SimSwarm, type SimSwarmOptions, startSimSwarm } from '../../sim/index.ts';
import { SimKrpcClient, expectResponse, type UdpTarget } from '../helpers/sim-krpc-client.ts';

let swarm: SimSwarm;
let client: SimKrpcClient;
/** node address → infohashes it holds (from holdersOf, the ground truth). */
let holdings: Map<string, Set<string>>;

function holdingsOf(sim: SimSwarm): Map<string, Set<string>> {
  const held = new Map<string, Set<string>>(sim.nodes().map((node) => [addressKey(node), new Set<string>()]));
  for (const infohash of [...sim.torrents.map((torrent) => torrent.infohash), ...sim.catalogue().map((entry) => entry.infohash)]) {
    for (const holder of sim.holdersOf(infohash)) held.get(addressKey(holder))!.add(infohash);
  }
  return held;
}

function samplesOf(body: Record<string, unknown>): string[] {
  const samples = body.samples as Buffer;
  assert.ok(Buffer.isBuffer(samples), 'samples is one byte string');
  assert.equal(samples.length % 20, 0, 'samples is a whole number of 20-byte infohashes');
  return Array.from({ length: samples.length / 20 }, (_, index) => samples.subarray(index * 20, index * 20 + 20).toString('hex'));
}

function nodeHolding(predicate: (count: number) => boolean): UdpTarget {
  const found = swarm.nodes().find((node) => predicate(holdings.get(addressKey(node))!.size));
  assert.ok(found, 'a node with such holdings exists');
  return found;
}

before(async () => {
  swarm = await startSimSwarm({ nodes: 60, torrents: 4, minPeers: 5, maxPeers: 50, seed: 'bep51', catalogue: { torrents: 300 } });
  client = await SimKrpcClient.open();
  holdings = holdingsOf(swarm);
});
after(async () => {
  await client.close();
  await swarm.close();
});

test('interval is 21600 s, num is what the node holds, samples a subset of at most 20', async () => {
  let checked = 0;
  for (const node of swarm.nodes().slice(0, 20)) {
    const held = holdings.get(addressKey(node))!;
    const reply = expectResponse(await client.query(node, 'sample_infohashes', { target: Buffer.alloc(20, 7) }));
    assert.equal(reply.body.interval, 21600);
    assert.equal(reply.body.num, held.size, `num of ${addressKey(node)}`);
    const samples = samplesOf(reply.body);
    assert.equal(samples.length, Math.min(20, held.size));
    assert.equal(new Set(samples).size, samples.length, 'no infohash twice');
    for (const sample of samples) assert.ok(held.has(sample), `${sample} is held by ${addressKey(node)}`);
    checked += held.size > 20 ? 1 : 0;
  }
  assert.ok(checked > 5, 'most nodes hold more than 20 torrents (306 catalogue torrents on 60 nodes)');
  assert.ok((swarm.stats().queries.sample_infohashes ?? 0) >= 20, 'counted in stats().queries');
});

test('nodes are the closest contacts to target, as find_node gives them', async () => {
  const node = swarm.nodes()[3]!;
  const target = Buffer.from('00112233445566778899aabbccddeeff00112233', 'hex');
  const sample = expectResponse(await client.query(node, 'sample_infohashes', { target }, { readOnly: true }));
  const findNode = expectResponse(await client.query(node, 'find_node', { target }, { readOnly: true }));
  const nodes = decodeCompactNodes(readBytes(sample.body, 'nodes')!, 4);
  assert.equal(nodes.length, 8);
  assert.deepEqual(readBytes(sample.body, 'nodes'), readBytes(findNode.body, 'nodes'));
  const distances = nodes.map((contact) => Buffer.from(contact.id.map((byte, index) => byte ^ target[index]!)));
  for (let index = 1; index < distances.length; index++) assert.ok(Buffer.compare(distances[index - 1]!, distances[index]!) < 0, 'closest first');
});

test('a node holding more than 20 answers the same cached sample within the interval', async () => {
  const node = nodeHolding((count) => count > 40);
  const first = expectResponse(await client.query(node, 'sample_infohashes', { target: Buffer.alloc(20, 1) }));
  const second = expectResponse(await client.query(node, 'sample_infohashes', { target: Buffer.alloc(20, 2) }));
  assert.equal(samplesOf(first.body).length, 20);
  assert.deepEqual(first.body.samples, second.body.samples);
});

test('the collector reads the sim with its own sampleInfohashes', async () => {
  const socket = await KrpcSocket.open({ bindHost: '127.0.0.1', loopbackOnly: true });
  try {
    const node = swarm.nodes()[7]!;
    const reply = await sampleInfohashes(socket, node, Buffer.alloc(20, 9), { allowPrivateAddresses: true, timeoutMs: 1000 });
    const held = holdings.get(addressKey(node))!;
    assert.equal(reply.nodeId.toString('hex'), node.id);
    assert.equal(reply.intervalSec, 21600);
    assert.equal(reply.num, held.size);
    for (const sample of reply.samples) assert.ok(held.has(sample));
    assert.equal(reply.nodes.length, 8);
  } finally {
    await socket.close();
  }
});

test('a bad target is error 203', async () => {
  const reply = await client.query(swarm.nodes()[0]!, 'sample_infohashes', { target: Buffer.alloc(19) });
  assert.equal(reply?.kind, 'error');
  assert.equal(reply.kind === 'error' && reply.errorCode, 203);
});

test('a short sample is drawn afresh each time, so announces show at once', async (t) => {
  const small = await startSimSwarm({ nodes: 40, torrents: 3, minPeers: 5, maxPeers: 20, seed: 'bep51-small', bindHostBase: '127.31' });
  t.after(() => small.close());
  const node = small.nodes()[5]!;
  const held = holdingsOf(small).get(addressKey(node))!;
  const infohash = Buffer.alloc(20, 0xab);
  const peers = expectResponse(await client.query(node, 'get_peers', { info_hash: infohash }));
  expectResponse(await client.query(node, 'announce_peer', { info_hash: infohash, port: 6881, token: readBytes(peers.body, 'token')! }));
  const reply = expectResponse(await client.query(node, 'sample_infohashes', { target: infohash }));
  assert.equal(reply.body.num, held.size + 1);
  assert.deepEqual(new Set(samplesOf(reply.body)), new Set([...held, infohash.toString('hex')]));
});

test('sampleIntervalSec and maxSamplesPerReply are options; the sample changes after the interval', async (t) => {
  const quick = await startSimSwarm({ nodes: 30, torrents: 0, seed: 'bep51-quick', bindHostBase: '127.32', sampleIntervalSec: 1, maxSamplesPerReply: 5, catalogue: { torrents: 200, metadataShare: 0 } });
  t.after(() => quick.close());
  const node = quick.nodes()[2]!;
  const first = expectResponse(await client.query(node, 'sample_infohashes', { target: Buffer.alloc(20, 3) }));
  assert.equal(first.body.interval, 1);
  assert.equal(samplesOf(first.body).length, 5);
  const again = expectResponse(await client.query(node, 'sample_infohashes', { target: Buffer.alloc(20, 3) }));
  assert.deepEqual(again.body.samples, first.body.samples);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const later = expectResponse(await client.query(node, 'sample_infohashes', { target: Buffer.alloc(20, 3) }));
  assert.notDeepEqual(later.body.samples, first.body.samples, 'a new sample once the interval has passed');
});

test('BEP 32: want n4+n6 gives nodes and nodes6', async (t) => {
  const dual = await startSimSwarm({ nodes: 30, torrents: 2, minPeers: 5, maxPeers: 10, seed: 'bep51-v6', ipv6: true, bindHostBase: '127.33' });
  t.after(() => dual.close());
  const node = dual.nodes()[1]!;
  const both = expectResponse(await client.query(node, 'sample_infohashes', { target: Buffer.alloc(20, 4), want: ['n4', 'n6'] }));
  assert.ok(decodeCompactNodes(readBytes(both.body, 'nodes')!, 4).length > 0);
  assert.ok(decodeCompactNodes(readBytes(both.body, 'nodes6')!, 6).length > 0);
  const plain = expectResponse(await client.query(node, 'sample_infohashes', { target: Buffer.alloc(20, 4) }));
  assert.equal(plain.body.nodes6, undefined, 'without want: the family the query came in on');
});

test('hostile nodes answer sample_infohashes in their own way without taking the swarm down', async (t) => {
  const hostile = await startSimSwarm({ nodes: 24, torrents: 2, minPeers: 5, maxPeers: 10, seed: 'bep51-hostile', hostileShare: 0.7, bindHostBase: '127.34' });
  t.after(() => hostile.close());
  const behaviours = new Set(hostile.hostileNodes().map((node) => node.behaviour));
  assert.equal(behaviours.size, HOSTILE_BEHAVIOURS.length);
  for (const node of hostile.hostileNodes()) {
    for (let turn = 0; turn < 3; turn++) await client.queryRaw(node, 'sample_infohashes', { target: Buffer.alloc(20, turn) }, { timeoutMs: 300 });
  }
  const honest = expectResponse(await client.query(hostile.nodes()[0]!, 'sample_infohashes', { target: Buffer.alloc(20, 5) }));
  assert.equal(honest.body.interval, 21600);
});

test('bad sampling options are refused with invalid_config', async () => {
  const bad: [SimSwarmOptions, RegExp][] = [
    [{ sampleIntervalSec: 21601 }, /sampleIntervalSec must be an integer in \[0, 21600\]/],
    [{ sampleIntervalSec: 1.5 }, /sampleIntervalSec/],
    [{ maxSamplesPerReply: -1 }, /maxSamplesPerReply must be an integer/],
    [{ maxSamplesPerReply: 100_000 }, /maxSamplesPerReply/],
  ];
  for (const [options, message] of bad) {
    await assert.rejects(startSimSwarm({ nodes: 2, ...options }), (error: unknown) => error instanceof SwarmscopeError && error.code === 'invalid_config' && message.test(error.message));
  }
});
