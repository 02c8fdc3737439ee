import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { addressKey, decodeCompactNodes } from '../../protocol/compact.ts';
import { readBytes } from '../../protocol/krpc.ts';
import { SeededRandom } from '../../sim/prng.ts';
import { type SimSwarm, startSimSwarm } from '../../sim/index.ts';
import { iterativeLookup } from '../helpers/sim-iterative-lookup.ts';
import { SimKrpcClient, parseHostPort } from '../helpers/sim-krpc-client.ts';

let swarm: SimSwarm;
let client: SimKrpcClient;

before(async () => {
  swarm = await startSimSwarm({ nodes: 1000, seed: 'lookups', torrentSpecs: [{ peers: 3000 }] });
  client = await SimKrpcClient.open();
});
after(async () => {
  await client.close();
  await swarm.close();
});

test('iterative find_node converges on the 8 closest nodes to a target within a few hops', async () => {
  const random = new SeededRandom('targets');
  const hops: number[] = [];
  for (let round = 0; round < 10; round++) {
    const target = random.bytes(20);
    const result = await iterativeLookup(client, swarm.bootstrap.map(parseHostPort), target);
    const expected = swarm.closestNodes(target.toString('hex')).map(addressKey);
    assert.deepEqual(result.closest.map(addressKey), expected, `round ${round}`);
    hops.push(result.hops);
    // Kademlia needs O(log N) rounds: far fewer queries than nodes.
    assert.ok(result.queried < 80, `queried ${result.queried} of ${swarm.nodeCount}`);
  }
  console.log(`find_node over ${swarm.nodeCount} nodes: rounds of α=3 queries per lookup ${hops.join(', ')}`);
});

test('a get_peers lookup reaches the holders and collects values from the ground truth', async () => {
  const { infohash } = swarm.torrents[0]!;
  const result = await iterativeLookup(client, swarm.bootstrap.map(parseHostPort), Buffer.from(infohash, 'hex'), { method: 'get_peers' });
  assert.deepEqual(result.closest.map(addressKey), swarm.closestNodes(infohash).map(addressKey));
  const truth = new Set(swarm.peersOf(infohash).map(addressKey));
  assert.ok(result.values.size >= 100, `only ${result.values.size} values`);
  for (const value of result.values) assert.ok(truth.has(value));
});

test('a client that queries nodes becomes known to them and is handed out to others (BEP 5)', async (t) => {
  const joiner = await SimKrpcClient.open('127.0.0.9');
  t.after(() => joiner.close());
  // Joining as a real client does: queries to the nodes around its own id, without BEP 43's `ro`.
  const neighbours = swarm.closestNodes(joiner.id.toString('hex'));
  for (const node of neighbours) await joiner.query(node, 'ping');
  for (const node of neighbours) {
    const reply = await client.query(node, 'find_node', { target: joiner.id }, { readOnly: true });
    const nodes = reply?.kind === 'response' ? decodeCompactNodes(readBytes(reply.body, 'nodes')!, 4) : [];
    assert.equal(nodes[0] && addressKey(nodes[0]), addressKey(joiner.address));
    assert.ok(nodes[0]!.id.equals(joiner.id));
  }
  // A read-only client (BEP 43) is not added.
  const readOnly = await SimKrpcClient.open('127.0.0.10');
  t.after(() => readOnly.close());
  const around = swarm.closestNodes(readOnly.id.toString('hex'));
  for (const node of around) await readOnly.query(node, 'ping', {}, { readOnly: true });
  for (const node of around) {
    const reply = await client.query(node, 'find_node', { target: readOnly.id }, { readOnly: true });
    const nodes = reply?.kind === 'response' ? decodeCompactNodes(readBytes(reply.body, 'nodes')!, 4) : [];
    assert.ok(nodes.every((contact) => addressKey(contact) !== addressKey(readOnly.address)));
  }
});
