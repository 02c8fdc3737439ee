import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isBogonAddress } from '../../core/address-class.ts';
import { isSwarmscopeError } from '../../core/errors.ts';
import { type SimSwarmOptions, startSimSwarm } from '../../sim/index.ts';
import { addressKey, decodeCompactPeer } from '../../protocol/compact.ts';
import { readValues } from '../../protocol/krpc.ts';
import { SimKrpcClient } from '../helpers/sim-krpc-client.ts';

test('torrents are seeded from the seed: peer counts in range, public distinct IPs, valid ports', async (t) => {
  const swarm = await startSimSwarm({ nodes: 40, torrents: 4, seed: 11, minPeers: 50, maxPeers: 3000 });
  t.after(() => swarm.close());
  assert.equal(swarm.nodeCount, 40);
  assert.equal(swarm.torrents.length, 4);
  assert.equal(swarm.bootstrap.length, 4);
  for (const torrent of swarm.torrents) {
    assert.match(torrent.infohash, /^[0-9a-f]{40}$/);
    assert.ok(torrent.peers >= 50 && torrent.peers <= 3000, `peers ${torrent.peers}`);
    assert.ok(torrent.seeds >= 0 && torrent.seeds <= torrent.peers);
    const peers = swarm.peersOf(torrent.infohash);
    assert.equal(peers.length, torrent.peers);
    assert.equal(new Set(peers.map((peer) => peer.host)).size, peers.length, 'one peer per IP');
    for (const peer of peers) {
      assert.equal(peer.family, 4);
      assert.equal(isBogonAddress(peer.host), false, `${peer.host} is a bogon`);
      assert.ok(peer.port >= 1024 && peer.port <= 65535);
    }
  }
  assert.deepEqual(swarm.peersOf('00'.repeat(20)), []);
  assert.deepEqual(swarm.peersOf(swarm.torrents[0]!.infohash.toUpperCase()), swarm.peersOf(swarm.torrents[0]!.infohash));
});

test('every node has its own loopback IP and bootstrap addresses are real nodes', async (t) => {
  const swarm = await startSimSwarm({ nodes: 300, torrents: 0, seed: 2 });
  t.after(() => swarm.close());
  const nodes = swarm.nodes();
  assert.equal(new Set(nodes.map((node) => node.host)).size, 300);
  assert.ok(nodes.every((node) => node.host.startsWith('127.1.') && node.port > 0));
  assert.equal(nodes[0]!.host, '127.1.0.1');
  assert.equal(nodes[254]!.host, '127.1.1.1');
  assert.deepEqual(swarm.bootstrap, nodes.slice(0, 4).map((node) => `${node.host}:${node.port}`));
});

test('the same seed reproduces the same swarm; another seed gives another', async (t) => {
  const options = { nodes: 30, torrents: 3, minPeers: 10, maxPeers: 500, bindHostBase: '127.2' };
  const first = await startSimSwarm({ ...options, seed: 'repeat' });
  t.after(() => first.close());
  const second = await startSimSwarm({ ...options, seed: 'repeat', bindHostBase: '127.3' });
  t.after(() => second.close());
  const other = await startSimSwarm({ ...options, seed: 'other', bindHostBase: '127.4' });
  t.after(() => other.close());
  assert.deepEqual(first.torrents, second.torrents);
  assert.deepEqual(first.nodes().map((node) => node.id), second.nodes().map((node) => node.id));
  for (const torrent of first.torrents) assert.deepEqual(first.peersOf(torrent.infohash), second.peersOf(torrent.infohash));
  assert.notDeepEqual(first.torrents, other.torrents);
  // A torrent's draw does not depend on the node count.
  const bigger = await startSimSwarm({ ...options, nodes: 60, seed: 'repeat', bindHostBase: '127.5' });
  t.after(() => bigger.close());
  assert.deepEqual(bigger.torrents, first.torrents);
});

test('torrentSpecs fix exact swarm sizes, seeds and infohashes', async (t) => {
  const infohash = 'AB'.repeat(20);
  const swarm = await startSimSwarm({
    nodes: 20,
    seed: 5,
    torrentSpecs: [{ infohash, peers: 12_000, seeds: 100 }, { peers: 0 }, { peers: 1 }],
  });
  t.after(() => swarm.close());
  assert.deepEqual(swarm.torrents[0], { infohash: infohash.toLowerCase(), peers: 12_000, seeds: 100, peersV6: 0, seedsV6: 0 });
  assert.equal(swarm.peersOf(infohash).length, 12_000);
  assert.equal(swarm.torrents[1]!.peers, 0);
  assert.equal(swarm.torrents[2]!.peers, 1);
  assert.equal(swarm.closestNodes(infohash).length, 8);
});

test('bad options are refused with invalid_config before any socket opens', async () => {
  const cases = [
    { nodes: 0 },
    { minPeers: 10, maxPeers: 5 },
    { lossRate: 1.5 },
    { rttMs: -1 },
    { bindHostBase: '10.1' },
    { torrentSpecs: [{ peers: 5 }, { infohash: 'not-a-hash', peers: 5 }] },
    { torrentSpecs: [{ infohash: 'a'.repeat(40), peers: 5 }, { infohash: 'A'.repeat(40), peers: 1 }] },
    { torrentSpecs: [{ peers: 5, seeds: 6 }] },
    { hostileShare: 1.5 },
    { hostileBehaviours: ['fabricate', 'rude'] },
    { hostileBehaviours: [] },
  ];
  for (const options of cases) {
    await assert.rejects(startSimSwarm(options as SimSwarmOptions), (error: unknown) => isSwarmscopeError(error) && /invalid_(config|infohash)/.test(error.code), JSON.stringify(options));
  }
});

test('setPeerCount grows and shrinks a swarm deterministically, and its holders serve the new set', async (t) => {
  const swarm = await startSimSwarm({ nodes: 30, seed: 'grow', ipv6: true, bindHostBase: '127.8', torrentSpecs: [{ peers: 50, seeds: 10, peersV6: 5 }] });
  const client = await SimKrpcClient.open();
  t.after(async () => {
    await client.close();
    await swarm.close();
  });
  const { infohash } = swarm.torrents[0]!;
  const v4 = (): string[] => swarm.peersOf(infohash).filter((peer) => peer.family === 4).map(addressKey);
  const before = v4();
  assert.deepEqual(swarm.setPeerCount(infohash, 80), { infohash, peers: 80, seeds: 10, peersV6: 5, seedsV6: swarm.torrents[0]!.seedsV6 });
  assert.equal(swarm.torrents[0]!.peers, 80, 'the torrents list is updated in place');
  const grown = v4();
  assert.deepEqual(grown.slice(0, 50), before, 'the first 50 peers are the same peers');
  assert.equal(new Set(grown).size, 80);
  const holder = swarm.holdersOf(infohash)[3]!;
  const reply = await client.query(holder, 'get_peers', { info_hash: Buffer.from(infohash, 'hex') });
  const served = reply?.kind === 'response' ? readValues(reply.body).map((value) => addressKey(decodeCompactPeer(value)!)) : [];
  assert.deepEqual(new Set(served), new Set(grown));
  swarm.setPeerCount(infohash, 20, { seeds: 3 });
  assert.deepEqual(v4(), before.slice(0, 20));
  assert.equal(swarm.torrents[0]!.seeds, 3);
  swarm.setPeerCount(infohash, 9, { family: 6 });
  assert.equal(swarm.peersOf(infohash).filter((peer) => peer.family === 6).length, 9);
  // The same seed regrows the same peers in another swarm.
  const twin = await startSimSwarm({ nodes: 5, seed: 'grow', bindHostBase: '127.9', torrentSpecs: [{ peers: 80, seeds: 10 }] });
  t.after(() => twin.close());
  assert.deepEqual(twin.peersOf(infohash).map(addressKey), grown);
  assert.throws(() => swarm.setPeerCount('00'.repeat(20), 5), /no seeded torrent/);
  assert.throws(() => swarm.setPeerCount(infohash, -1), /peer count/);
});
