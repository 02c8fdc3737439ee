import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isBogonAddress } from '../../core/address-class.ts';
import { isSwarmscopeError } from '../../core/errors.ts';
import { addressKey, decodeCompactNodes, decodeCompactPeer } from '../../protocol/compact.ts';
import { readBytes, readValues } from '../../protocol/krpc.ts';
import { type SimSwarm, startSimSwarm } from '../../sim/index.ts';
import { estimateBloomSize } from '../../protocol/bep33-bloom.ts';
import { SimKrpcClient, expectResponse, parseHostPort } from '../helpers/sim-krpc-client.ts';

const PEERS_V4 = 300;
const PEERS_V6 = 120;
const SEEDS_V6 = 30;
/** libtorrent's 100 values per reply, divided by 4 for IPv6 (dht_storage.cpp). */
const V6_VALUES_PER_REPLY = 25;

let swarm: SimSwarm;
let client4: SimKrpcClient;
let client6: SimKrpcClient;
let infohash: string;

before(async () => {
  swarm = await startSimSwarm({ nodes: 150, seed: 'ipv6', ipv6: true, torrentSpecs: [{ peers: PEERS_V4, peersV6: PEERS_V6, seedsV6: SEEDS_V6 }, { peers: 20 }] });
  client4 = await SimKrpcClient.open();
  client6 = await SimKrpcClient.open('::1');
  infohash = swarm.torrents[0]!.infohash;
});
after(async () => {
  await client4.close();
  await client6.close();
  await swarm.close();
});

test('every node has an IPv6 side on ::1 with the same id; bootstrap6 lists the bootstrap nodes', () => {
  const v4 = swarm.nodes();
  const v6 = swarm.nodes(6);
  assert.deepEqual(v6.map((node) => node.id), v4.map((node) => node.id));
  assert.ok(v6.every((node) => node.host === '::1' && node.port > 0));
  assert.equal(new Set(v6.map((node) => node.port)).size, v6.length, 'distinct ports on the shared ::1');
  assert.deepEqual(swarm.bootstrap6, v6.slice(0, 4).map((node) => `[::1]:${node.port}`));
  assert.deepEqual(swarm.torrents[0], { infohash, peers: PEERS_V4, seeds: swarm.torrents[0]!.seeds, peersV6: PEERS_V6, seedsV6: SEEDS_V6 });
});

test('get_peers over ::1 returns 18-byte public values from the IPv6 ground truth; over IPv4 only 6-byte ones', async () => {
  const truth = new Set(swarm.peersOf(infohash).map(addressKey));
  assert.equal(truth.size, PEERS_V4 + PEERS_V6);
  const holder6 = swarm.holdersOf(infohash, 6)[0]!;
  const reply = expectResponse(await client6.query(holder6, 'get_peers', { info_hash: Buffer.from(infohash, 'hex') }));
  const values = readValues(reply.body);
  assert.equal(values.length, V6_VALUES_PER_REPLY);
  assert.ok(readBytes(reply.body, 'token'));
  for (const value of values) {
    assert.equal(value.length, 18);
    const peer = decodeCompactPeer(value)!;
    assert.ok(truth.has(addressKey(peer)), `${addressKey(peer)} is not in peersOf()`);
    assert.equal(isBogonAddress(peer.host), false, peer.host);
    assert.ok(value[0]! >= 0x20 && value[0]! <= 0x3f, `${peer.host} is outside 2000::/3`);
    assert.ok(!peer.host.startsWith('2001:db8:'), `${peer.host} is a documentation address`);
  }
  const over4 = expectResponse(await client4.query(swarm.holdersOf(infohash)[0]!, 'get_peers', { info_hash: Buffer.from(infohash, 'hex') }));
  assert.ok(readValues(over4.body).every((value) => value.length === 6));
  assert.equal(readValues(over4.body).length, 100);
});

test('find_node over ::1 answers with well-formed nodes6 of sim nodes (38 bytes each) and no nodes', async () => {
  const reply = expectResponse(await client6.query(swarm.nodes(6)[7]!, 'find_node', { target: Buffer.alloc(20, 0x5a) }, { readOnly: true }));
  assert.equal(reply.body.nodes, undefined);
  const nodes6 = readBytes(reply.body, 'nodes6')!;
  assert.ok(nodes6.length > 0 && nodes6.length % 38 === 0 && nodes6.length <= 8 * 38, `nodes6 of ${nodes6.length} bytes`);
  const known = new Set(swarm.nodes(6).map((node) => `${node.id}@${addressKey(node)}`));
  for (const contact of decodeCompactNodes(nodes6, 6)) {
    assert.equal(contact.host, '::1');
    assert.ok(known.has(`${contact.id.toString('hex')}@${addressKey(contact)}`), addressKey(contact));
  }
});

test('BEP 32 want: n4 and/or n6 are honoured on either family; the default is the querying family', async () => {
  const target = { target: Buffer.alloc(20, 0x11) };
  const node4 = swarm.nodes()[9]!;
  const node6 = swarm.nodes(6)[9]!;
  const keys = async (client: SimKrpcClient, node: typeof node4, want?: string[]): Promise<string[]> => {
    const reply = expectResponse(await client.query(node, 'find_node', want ? { ...target, want } : target, { readOnly: true }));
    return ['nodes', 'nodes6'].filter((key) => reply.body[key] !== undefined);
  };
  assert.deepEqual(await keys(client4, node4), ['nodes']);
  assert.deepEqual(await keys(client6, node6), ['nodes6']);
  assert.deepEqual(await keys(client4, node4, ['n6']), ['nodes6']);
  assert.deepEqual(await keys(client4, node4, ['n4', 'n6']), ['nodes', 'nodes6']);
  assert.deepEqual(await keys(client6, node6, ['n4']), ['nodes']);
  const v4Contacts = decodeCompactNodes(readBytes(expectResponse(await client6.query(node6, 'find_node', { ...target, want: ['n4'] })).body, 'nodes')!, 4);
  assert.ok(v4Contacts.length > 0 && v4Contacts.every((contact) => contact.host.startsWith('127.')));
  // get_peers at a non-holder follows `want` the same way.
  const small = swarm.torrents[1]!.infohash;
  const farNode = swarm.nodes(6).find((node) => !swarm.holdersOf(small, 6).some((holder) => holder.port === node.port))!;
  const far = expectResponse(await client6.query(farNode, 'get_peers', { info_hash: Buffer.from(small, 'hex'), want: ['n4', 'n6'] }));
  assert.ok(readBytes(far.body, 'nodes') && readBytes(far.body, 'nodes6'));
});

test('announce_peer over ::1 stores an IPv6 peer, served over udp6 only and counted in peersOf', async () => {
  const target = Buffer.alloc(20, 0x66);
  const node = swarm.holdersOf(target.toString('hex'), 6)[0]!;
  const token = readBytes(expectResponse(await client6.query(node, 'get_peers', { info_hash: target })).body, 'token')!;
  expectResponse(await client6.query(node, 'announce_peer', { info_hash: target, port: 6881, token }));
  const later = expectResponse(await client6.query(node, 'get_peers', { info_hash: target }));
  assert.deepEqual(readValues(later.body).map((value) => addressKey(decodeCompactPeer(value)!)), ['[::1]:6881']);
  assert.deepEqual(swarm.peersOf(target.toString('hex')), [{ host: '::1', port: 6881, family: 6 }]);
  const node4 = swarm.holdersOf(target.toString('hex'))[0]!;
  const over4 = expectResponse(await client4.query(node4, 'get_peers', { info_hash: target }));
  assert.deepEqual(readValues(over4.body), [], 'an IPv6 peer is not handed to an IPv4 querier');
});

test('BEP 33 scrape answers from the querying family, as libtorrent does', async () => {
  const { seeds } = swarm.torrents[0]!;
  const scrape = async (client: SimKrpcClient, node: { host: string; port: number }): Promise<{ seeds: number; downloaders: number }> => {
    const body = expectResponse(await client.query(node, 'get_peers', { info_hash: Buffer.from(infohash, 'hex'), scrape: 1 })).body;
    return { seeds: estimateBloomSize(readBytes(body, 'BFsd')!), downloaders: estimateBloomSize(readBytes(body, 'BFpe')!) };
  };
  const over6 = await scrape(client6, swarm.holdersOf(infohash, 6)[0]!);
  const over4 = await scrape(client4, swarm.holdersOf(infohash)[0]!);
  // Bloom estimates at these sizes are within a few percent.
  assert.ok(Math.abs(over6.seeds - SEEDS_V6) < 4 && Math.abs(over6.downloaders - (PEERS_V6 - SEEDS_V6)) < 8, JSON.stringify(over6));
  assert.ok(Math.abs(over4.seeds - seeds) < 15 && Math.abs(over4.downloaders - (PEERS_V4 - seeds)) < 15, JSON.stringify(over4));
});

test('generated torrents get 20–40% IPv6 peers; their IPv4 peers do not depend on ipv6', async (t) => {
  const options = { nodes: 10, torrents: 4, seed: 'v6-share', minPeers: 100, maxPeers: 2000, bindHostBase: '127.6' };
  const with6 = await startSimSwarm({ ...options, ipv6: true });
  t.after(() => with6.close());
  const without = await startSimSwarm({ ...options, bindHostBase: '127.7' });
  t.after(() => without.close());
  assert.deepEqual(without.bootstrap6, []);
  assert.throws(() => without.nodes(6), /without ipv6/);
  with6.torrents.forEach((torrent, index) => {
    const plain = without.torrents[index]!;
    assert.deepEqual([torrent.infohash, torrent.peers, torrent.seeds], [plain.infohash, plain.peers, plain.seeds]);
    assert.equal(plain.peersV6, 0);
    assert.ok(torrent.peersV6 >= Math.floor(torrent.peers * 0.2) && torrent.peersV6 <= Math.ceil(torrent.peers * 0.4), `${torrent.peersV6} of ${torrent.peers}`);
    assert.ok(torrent.seedsV6 <= torrent.peersV6);
    const v6 = with6.peersOf(torrent.infohash).filter((peer) => peer.family === 6);
    assert.equal(v6.length, torrent.peersV6);
    assert.equal(new Set(v6.map((peer) => peer.host)).size, v6.length, 'one IPv6 peer per address');
  });
  assert.deepEqual(with6.peersOf(with6.torrents[0]!.infohash).filter((peer) => peer.family === 4), without.peersOf(without.torrents[0]!.infohash));
});

test('IPv6 peers without ipv6 are refused before any socket opens', async () => {
  const refused = (pattern: RegExp) => (error: unknown) => isSwarmscopeError(error) && error.code === 'invalid_config' && pattern.test(error.message);
  await assert.rejects(startSimSwarm({ nodes: 5, torrentSpecs: [{ peers: 5, peersV6: 3 }] }), refused(/peersV6 needs ipv6/));
  await assert.rejects(startSimSwarm({ nodes: 5, ipv6: true, torrentSpecs: [{ peers: 5, peersV6: 3, seedsV6: 4 }] }), refused(/seedsV6/));
});

test('a bootstrap6 address answers ping over udp6', async () => {
  const reply = expectResponse(await client6.query(parseHostPort(swarm.bootstrap6[0]!), 'ping', {}, { readOnly: true }));
  assert.equal(reply.senderId.toString('hex'), swarm.nodes(6)[0]!.id);
});
