import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isBogonAddress } from '../../core/address-class.ts';
import { isSwarmscopeError } from '../../core/errors.ts';
import { startSimSwarm } from '../../sim/index.ts';

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
  assert.deepEqual(swarm.torrents[0], { infohash: infohash.toLowerCase(), peers: 12_000, seeds: 100 });
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
  ];
  for (const options of cases) {
    await assert.rejects(startSimSwarm(options), (error: unknown) => isSwarmscopeError(error) && /invalid_(config|infohash)/.test(error.code), JSON.stringify(options));
  }
});
