/**
 * Interop for BEP 51: the collector's `sampleInfohashes` against real libtorrent DHT nodes on
 * loopback (Debian's python3-libtorrent; libtorrent-dht.py starts six DHT-only sessions that
 * announce random infohashes to each other), proving the crawler reads a real implementation's
 * replies, not only the sim's; and the sim's reply has the same shape as libtorrent's.
 *
 * Answered by libtorrent 2.0.8.0 (Debian bookworm python3-libtorrent 2.0.8): `interval` 21600
 * (settings_pack dht_sample_infohashes_interval), `num` = torrents stored, `samples` up to 20
 * (dht_max_infohashes_sample_count), `nodes` as find_node, plus `p` (the querier's port, which
 * libtorrent puts in every reply); a 19-byte target is error 203.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { KrpcSocket } from '../../collector/dht/krpc-socket.ts';
import { sampleInfohashes } from '../../collector/discovery/sample-infohashes.ts';
import { addressKey, decodeCompactNodes } from '../../protocol/compact.ts';
import { startSimSwarm } from '../../sim/index.ts';
import { SimKrpcClient, expectResponse } from '../helpers/sim-krpc-client.ts';
import { libtorrentVersion, startLibtorrentDht } from './libtorrent-dht.ts';

const version = libtorrentVersion();
const POLL_DEADLINE_MS = 30_000;

test('sample_infohashes against real libtorrent 2.0 DHT nodes on loopback', { skip: version ? false : `/usr/bin/python3 cannot import libtorrent (apt-get install python3-libtorrent)`, timeout: 60_000 }, async (t) => {
  const dht = await startLibtorrentDht({ nodes: 6, infohashesPerNode: 3 });
  t.after(() => dht.stop());
  t.diagnostic(`libtorrent ${dht.version}: routing tables ${dht.routingTableSizes.join(',')}, ${dht.announcesReceived} announces stored before the first query`);
  assert.match(dht.version, /^2\.0\./);
  const announced = new Set(dht.infohashes);
  const libtorrentNodes = new Set(dht.nodes.map(addressKey));

  const socket = await KrpcSocket.open({ bindHost: '127.0.0.1', loopbackOnly: true });
  t.after(() => socket.close());
  // libtorrent stores announces as they arrive: poll every node until the announced set is seen.
  const found = new Set<string>();
  const deadlineMs = Date.now() + POLL_DEADLINE_MS;
  let rounds = 0;
  while (found.size < announced.size && Date.now() < deadlineMs) {
    rounds++;
    for (const node of dht.nodes) {
      const reply = await sampleInfohashes(socket, node, randomBytes(20), { allowPrivateAddresses: true, timeoutMs: 2000 });
      assert.equal(reply.nodeId.length, 20);
      assert.equal(reply.intervalSec, 21600, 'libtorrent default dht_sample_infohashes_interval');
      assert.ok(reply.samples.length <= 20, 'libtorrent default dht_max_infohashes_sample_count');
      assert.ok(reply.num >= reply.samples.length, `num ${reply.num} counts at least the ${reply.samples.length} samples`);
      assert.ok(reply.num <= announced.size, 'a node stores only what was announced in this private DHT');
      for (const sample of reply.samples) {
        assert.ok(announced.has(sample), `${sample} was announced`);
        found.add(sample);
      }
      assert.ok(reply.nodes.length > 0, 'nodes close to the target');
      for (const contact of reply.nodes) assert.ok(libtorrentNodes.has(addressKey(contact)), `${addressKey(contact)} is one of the libtorrent nodes`);
    }
    if (found.size < announced.size) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  t.diagnostic(`${found.size} of ${announced.size} announced infohashes sampled after ${rounds} round(s)`);
  assert.equal(found.size, announced.size, 'every announced infohash is found among the samples');

  // The raw reply, key by key, next to the sim's: the same BEP 51 fields in the same types. libtorrent
  // also mirrors the querier's UDP port as `p` in every reply (node.cpp, not a BEP); the sim does not.
  const client = await SimKrpcClient.open();
  t.after(() => client.close());
  const sim = await startSimSwarm({ nodes: 20, torrents: 3, minPeers: 5, maxPeers: 10, seed: 'libtorrent-shape', bindHostBase: '127.39' });
  t.after(() => sim.close());
  const target = randomBytes(20);
  const real = expectResponse(await client.query(dht.nodes[0]!, 'sample_infohashes', { target }, { readOnly: true, timeoutMs: 2000 }));
  const simulated = expectResponse(await client.query(sim.nodes()[0]!, 'sample_infohashes', { target }, { readOnly: true }));
  const shape = (body: Record<string, unknown>): Record<string, string> => Object.fromEntries(Object.entries(body).map(([key, value]) => [key, Buffer.isBuffer(value) ? 'bytes' : typeof value]).sort());
  const { p: mirroredPort, ...bep51 } = shape(real.body);
  assert.equal(mirroredPort, 'number');
  assert.equal(real.body.p, client.address.port);
  assert.deepEqual(shape(simulated.body), bep51);
  assert.deepEqual(Object.keys(bep51), ['id', 'interval', 'nodes', 'num', 'samples']);
  assert.equal((real.body.samples as Buffer).length % 20, 0);
  assert.ok(decodeCompactNodes(real.body.nodes as Buffer, 4).length > 0);

  // A malformed query: libtorrent answers error 203, as the sim does.
  for (const node of [dht.nodes[0]!, sim.nodes()[0]!]) {
    const error = await client.query(node, 'sample_infohashes', { target: Buffer.alloc(19) }, { timeoutMs: 2000 });
    assert.equal(error?.kind, 'error');
    assert.equal(error.kind === 'error' && error.errorCode, 203);
  }
});

test('libtorrent keeps a full sample for `interval` seconds, as the sim does', { skip: version ? false : `/usr/bin/python3 cannot import libtorrent (apt-get install python3-libtorrent)`, timeout: 60_000 }, async (t) => {
  // 4 nodes × 10 infohashes: each node stores the 30 the others announced, more than the 20 of a sample.
  const dht = await startLibtorrentDht({ nodes: 4, infohashesPerNode: 10, hostBase: '127.71' });
  t.after(() => dht.stop());
  const socket = await KrpcSocket.open({ bindHost: '127.0.0.1', loopbackOnly: true });
  t.after(() => socket.close());
  const node = dht.nodes[0]!;
  const deadlineMs = Date.now() + POLL_DEADLINE_MS;
  let first = await sampleInfohashes(socket, node, randomBytes(20), { allowPrivateAddresses: true, timeoutMs: 2000 });
  while (first.samples.length < 20 && Date.now() < deadlineMs) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    first = await sampleInfohashes(socket, node, randomBytes(20), { allowPrivateAddresses: true, timeoutMs: 2000 });
  }
  assert.equal(first.samples.length, 20, `a full sample (num ${first.num})`);
  assert.ok(first.num > 20);
  const again = await sampleInfohashes(socket, node, randomBytes(20), { allowPrivateAddresses: true, timeoutMs: 2000 });
  assert.deepEqual(again.samples, first.samples, 'the same sample until the interval has passed');
});
