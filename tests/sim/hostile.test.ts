import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isBogonAddress } from '../../core/address-class.ts';
import { type BencodeDict, decodeBencode, isBytes, isDict } from '../../protocol/bencode.ts';
import { addressKey, decodeCompactNodes, decodeCompactPeer } from '../../protocol/compact.ts';
import { type KrpcMessage, readBytes, readValues } from '../../protocol/krpc.ts';
import { commonPrefixBits } from '../../protocol/node-id.ts';
import { FLOOD_BUDGET_DATAGRAMS_PER_SECOND, FloodBudget } from '../../sim/flood.ts';
import { HOSTILE_BEHAVIOURS, type HostileBehaviour, type SimHostileNode, type SimSwarm, startSimSwarm } from '../../sim/index.ts';
import { SimKrpcClient, expectResponse, type UdpTarget } from '../helpers/sim-krpc-client.ts';

const NODES = 160;
/** 32 hostile nodes: 4 of each behaviour. */
const HOSTILE_SHARE = 0.2;
const KRPC_CAP_BYTES = 8192;

let swarm: SimSwarm;
let client: SimKrpcClient;
let client6: SimKrpcClient;
let seeded: string;

before(async () => {
  swarm = await startSimSwarm({ nodes: NODES, seed: 'hostile', ipv6: true, hostileShare: HOSTILE_SHARE, torrentSpecs: [{ peers: 400, peersV6: 60 }, { peers: 40 }] });
  client = await SimKrpcClient.open();
  client6 = await SimKrpcClient.open('::1');
  seeded = swarm.torrents[0]!.infohash;
});
after(async () => {
  await client.close();
  await client6.close();
  await swarm.close();
});

/** The n-th hostile node with that behaviour, on one family's side; each test uses its own. */
function hostile(behaviour: HostileBehaviour, nth = 0, family: 4 | 6 = 4): SimHostileNode {
  return swarm.hostileNodes(family).filter((node) => node.behaviour === behaviour)[nth]!;
}

const randomInfohash = (fill: number): Buffer => Buffer.alloc(20, fill);

test('hostile nodes: the share, every behaviour in turn, never a bootstrap node, counted in stats()', () => {
  const nodes = swarm.hostileNodes();
  assert.equal(nodes.length, Math.round(NODES * HOSTILE_SHARE));
  for (const behaviour of HOSTILE_BEHAVIOURS) assert.equal(nodes.filter((node) => node.behaviour === behaviour).length, 4, behaviour);
  const bootstrap = new Set(swarm.bootstrap);
  assert.ok(nodes.every((node) => !bootstrap.has(addressKey(node))));
  assert.deepEqual({ ...swarm.stats().hostile.nodes }, Object.fromEntries(HOSTILE_BEHAVIOURS.map((behaviour) => [behaviour, 4])));
  assert.deepEqual(swarm.hostileNodes(6).map((node) => node.id), nodes.map((node) => node.id));
});

test('honest ground truth: holders are the K closest honest nodes; hostile nodes hold nothing and store no announce', async () => {
  const hostileIds = new Set(swarm.hostileNodes().map((node) => node.id));
  for (const { infohash, peers, peersV6 } of swarm.torrents) {
    const honestClosest = swarm.closestNodes(infohash, NODES).filter((node) => !hostileIds.has(node.id)).slice(0, 8);
    assert.deepEqual(swarm.holdersOf(infohash), honestClosest);
    assert.equal(swarm.peersOf(infohash).length, peers + peersV6);
  }
  // A target right on a hostile node: it is the closest node, yet not a holder.
  const sybil = hostile('fabricate', 0);
  assert.equal(swarm.closestNodes(sybil.id)[0]!.id, sybil.id);
  assert.ok(swarm.holdersOf(sybil.id).every((node) => !hostileIds.has(node.id)));
  const token = readBytes(expectResponse(await client.query(sybil, 'get_peers', { info_hash: Buffer.from(sybil.id, 'hex') })).body, 'token')!;
  expectResponse(await client.query(sybil, 'announce_peer', { info_hash: Buffer.from(sybil.id, 'hex'), port: 7001, token }));
  assert.deepEqual(swarm.peersOf(sybil.id), [], 'an announce to a hostile node is not ground truth');
});

test('fabricate: values for any infohash, public addresses made up afresh for each query', async () => {
  const node = hostile('fabricate', 1);
  const ask = async (fill: number): Promise<Buffer[]> => readValues(expectResponse(await client.query(node, 'get_peers', { info_hash: randomInfohash(fill) })).body);
  const [first, second] = [await ask(1), await ask(1)];
  assert.equal(first.length, 100);
  assert.ok(first.every((value) => value.length === 6 && !isBogonAddress(decodeCompactPeer(value)!.host)));
  const firstKeys = new Set(first.map((value) => value.toString('hex')));
  assert.ok(second.filter((value) => firstKeys.has(value.toString('hex'))).length < 5, 'a new set for each query');
  const truth = new Set(swarm.peersOf(seeded).map(addressKey));
  const forSeeded = readValues(expectResponse(await client.query(node, 'get_peers', { info_hash: Buffer.from(seeded, 'hex') })).body);
  assert.ok(forSeeded.every((value) => !truth.has(addressKey(decodeCompactPeer(value)!))), 'nothing honest in it');
  const over6 = readValues(expectResponse(await client6.query(hostile('fabricate', 1, 6), 'get_peers', { info_hash: randomInfohash(2) })).body);
  assert.equal(over6.length, 25);
  assert.ok(over6.every((value) => value.length === 18 && value[0]! >= 0x20 && value[0]! <= 0x3f && !isBogonAddress(decodeCompactPeer(value)!.host)));
});

test('bogon: every value is a private, loopback, documentation, multicast… address', async () => {
  const over4 = readValues(expectResponse(await client.query(hostile('bogon'), 'get_peers', { info_hash: randomInfohash(3) })).body);
  const over6 = readValues(expectResponse(await client6.query(hostile('bogon', 0, 6), 'get_peers', { info_hash: randomInfohash(3) })).body);
  assert.equal(over4.length, 100);
  assert.equal(over6.length, 25);
  for (const value of [...over4, ...over6]) assert.ok(isBogonAddress(decodeCompactPeer(value)!.host), decodeCompactPeer(value)!.host);
});

test('duplicate: a full reply of a few values repeated, honest ones for a seeded torrent', async () => {
  const node = hostile('duplicate');
  const truth = new Set(swarm.peersOf(seeded).map(addressKey));
  const values = readValues(expectResponse(await client.query(node, 'get_peers', { info_hash: Buffer.from(seeded, 'hex') })).body);
  const distinct = new Set(values.map((value) => addressKey(decodeCompactPeer(value)!)));
  assert.equal(values.length, 100);
  assert.ok(distinct.size <= 4, `${distinct.size} distinct`);
  for (const key of distinct) assert.ok(truth.has(key), `${key} is honest`);
  const unknown = readValues(expectResponse(await client.query(node, 'get_peers', { info_hash: randomInfohash(4) })).body);
  assert.equal(unknown.length, 100);
  assert.ok(new Set(unknown.map((value) => value.toString('hex'))).size <= 4);
});

test('oversized: get_peers answers beyond 8 KiB with 3,000 values, then with hundreds of loopback contacts', async () => {
  const node = hostile('oversized');
  const decode = async (target: UdpTarget, method: string, args: Record<string, Buffer>, c = client): Promise<{ size: number; body: BencodeDict }> => {
    const raw = await c.queryRaw(target, method, args);
    assert.ok(raw, 'a reply');
    const top = decodeBencode(raw.datagram).value;
    assert.ok(isDict(top) && isDict(top.r));
    return { size: raw.datagram.length, body: top.r };
  };
  const values = await decode(node, 'get_peers', { info_hash: randomInfohash(5) });
  assert.ok(values.size > KRPC_CAP_BYTES, `${values.size} bytes`);
  assert.equal((values.body.values as Buffer[]).length, 3000);
  const contacts = await decode(node, 'get_peers', { info_hash: randomInfohash(5) });
  assert.ok(contacts.size > KRPC_CAP_BYTES, `${contacts.size} bytes`);
  const nodes = decodeCompactNodes(contacts.body.nodes as Buffer, 4);
  assert.ok(nodes.length >= 300);
  assert.ok(nodes.every((contact) => contact.host === node.host), 'fake contacts stay on loopback');
  assert.ok((await decode(node, 'find_node', { target: randomInfohash(6) })).size > KRPC_CAP_BYTES);
  const over6 = await decode(hostile('oversized', 1, 6), 'get_peers', { info_hash: randomInfohash(7) }, client6);
  assert.ok(over6.size > KRPC_CAP_BYTES && (over6.body.values as Buffer[]).every((value) => value.length === 18));
  assert.ok(swarm.stats().hostile.oversizedReplies >= 4);
});

test('malformed: garbage, truncated bencode, values as a string, ragged nodes, a 19-byte id, …', async () => {
  const node = hostile('malformed');
  const seen = new Set<string>();
  for (let query = 0; query < 10; query++) {
    const raw = await client.queryRaw(node, query % 2 === 0 ? 'get_peers' : 'ping', query % 2 === 0 ? { info_hash: randomInfohash(8) } : {});
    assert.ok(raw, `reply ${query}`);
    let top;
    try {
      top = decodeBencode(raw.datagram).value;
    } catch {
      seen.add('not bencode');
      continue;
    }
    const body = isDict(top) ? top.r : undefined;
    if (!isDict(body)) seen.add('no body');
    else if (isBytes(body.values)) seen.add('values as a string');
    else if (isBytes(body.id) && body.id.length === 19) seen.add('19-byte id');
    else if (isBytes(body.nodes) && body.nodes.length % 26 !== 0) seen.add('ragged nodes');
    else if (Array.isArray(body.values) && body.values.some((value) => !isBytes(value) || value.length !== 6)) seen.add('values of wrong types');
    else assert.fail(`reply ${query} is well formed: ${raw.datagram.toString('latin1')}`);
  }
  assert.deepEqual([...seen].sort(), ['19-byte id', 'no body', 'not bencode', 'ragged nodes', 'values as a string', 'values of wrong types']);
});

test('bad-token: hands out tokens, refuses them, and answers some queries with errors', async () => {
  const node = hostile('bad-token');
  const infohash = randomInfohash(9);
  const replies: (KrpcMessage | undefined)[] = [];
  let token: Buffer | undefined;
  for (let round = 0; round < 3; round++) {
    const peers = await client.query(node, 'get_peers', { info_hash: infohash });
    replies.push(peers);
    if (peers?.kind === 'response') token = readBytes(peers.body, 'token');
    if (token) replies.push(await client.query(node, 'announce_peer', { info_hash: infohash, port: 6881, token }));
  }
  assert.ok(token && token.length > 0, 'a token was handed out');
  const announces = replies.filter((_, index) => index % 2 === 1);
  assert.ok(announces.every((reply) => reply?.kind === 'error'), 'every announce refused');
  assert.ok(replies.some((reply) => reply?.kind === 'error' && reply.errorCode === 203));
  assert.ok(replies.some((reply) => reply?.kind === 'error' && (reply.errorCode === 201 || reply.errorCode === 202)));
  assert.deepEqual(swarm.peersOf(infohash.toString('hex')), []);
});

test('flood: after answering, ~50 unsolicited datagrams under other transaction ids', async () => {
  const node = hostile('flood');
  const before = swarm.stats().hostile.floodDatagrams;
  let reply: KrpcMessage | undefined;
  const received = await client.collect(async () => {
    reply = await client.query(node, 'ping', {});
  }, 200);
  assert.equal(expectResponse(reply).senderId.toString('hex'), node.id);
  const fromNode = received.filter((datagram) => addressKey(datagram.from) === addressKey(node));
  assert.ok(fromNode.length >= 45 && fromNode.length <= 52, `${fromNode.length} datagrams`);
  assert.equal(swarm.stats().hostile.floodDatagrams - before, 50);
  const ownId = (reply as KrpcMessage).transactionId;
  const matching = fromNode.filter(({ datagram }) => {
    try {
      const top = decodeBencode(datagram).value;
      return isDict(top) && isBytes(top.t) && top.t.equals(ownId);
    } catch {
      return false;
    }
  });
  assert.equal(matching.length, 1, 'only the real reply carries our transaction id');
});

test('the flood budget caps what all flooding nodes together send per second', () => {
  let nowMs = 0;
  const budget = new FloodBudget(() => nowMs);
  let granted = 0;
  for (let burst = 0; burst < 200; burst++) granted += budget.take(50);
  assert.equal(granted, FLOOD_BUDGET_DATAGRAMS_PER_SECOND);
  nowMs += 10;
  assert.equal(budget.take(500), FLOOD_BUDGET_DATAGRAMS_PER_SECOND / 100);
});

test('sybil-closer: contacts with ids right next to the target, all pointing back at itself', async () => {
  const node = hostile('sybil-closer');
  const target = randomInfohash(0x3c);
  const honestBest = commonPrefixBits(target, Buffer.from(swarm.holdersOf(target.toString('hex'))[0]!.id, 'hex'));
  const reply = expectResponse(await client.query(node, 'find_node', { target }));
  const contacts = decodeCompactNodes(readBytes(reply.body, 'nodes')!, 4);
  assert.equal(contacts.length, 8);
  for (const contact of contacts) {
    assert.equal(addressKey(contact), addressKey(node));
    assert.ok(commonPrefixBits(target, contact.id) >= 136 && commonPrefixBits(target, contact.id) > honestBest);
  }
  assert.ok(commonPrefixBits(target, reply.senderId) >= 136, 'it even answers with a close id');
  const node6 = hostile('sybil-closer', 0, 6);
  const over6 = expectResponse(await client6.query(node6, 'get_peers', { info_hash: target, want: ['n4', 'n6'] }));
  assert.ok(decodeCompactNodes(readBytes(over6.body, 'nodes6')!, 6).every((contact) => addressKey(contact) === addressKey(node6)));
  assert.ok(decodeCompactNodes(readBytes(over6.body, 'nodes')!, 4).every((contact) => addressKey(contact) === addressKey(node)));
});

test('after all that, honest nodes still answer and every behaviour was counted', async () => {
  const honest = swarm.holdersOf(seeded)[0]!;
  assert.equal(readValues(expectResponse(await client.query(honest, 'get_peers', { info_hash: Buffer.from(seeded, 'hex') })).body).length, 100);
  const { replies } = swarm.stats().hostile;
  for (const behaviour of HOSTILE_BEHAVIOURS) assert.ok((replies[behaviour] ?? 0) > 0, behaviour);
});
