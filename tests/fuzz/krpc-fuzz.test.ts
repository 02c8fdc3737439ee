/**
 * Fuzz: 100,000+ random and mutated KRPC datagrams reach the collector's DHT socket, both as
 * unsolicited traffic and as replies to its own queries (matching transaction ids, so they go
 * through the reply parsers). The collector must not crash, leak an unhandled rejection, or count
 * a fuzzed value as a peer.
 */
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { test } from 'node:test';
import { DhtClient } from '../../collector/dht/dht-client.ts';
import { encodeBencode, type EncodableValue } from '../../protocol/bencode.ts';
import { encodeCompactNodes } from '../../protocol/compact.ts';
import { parseKrpcMessage } from '../../protocol/krpc.ts';
import { mulberry32 } from '../helpers/mulberry32.ts';

const prng = mulberry32;

const TOTAL_DATAGRAMS = 100_000;

function fuzzer(seed: number) {
  const random = prng(seed);
  const int = (max: number) => Math.floor(random() * max);
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  const pick = <T>(items: T[]): T => items[int(items.length)]!;
  const value = (depth: number): EncodableValue => {
    switch (depth > 3 ? int(2) : int(4)) {
      case 0:
        return int(2) ? int(1 << 30) - (1 << 29) : 0;
      case 1:
        return bytes(pick([0, 1, 6, 18, 19, 20, 21, 26, 38, 256, int(600)]));
      case 2:
        return Array.from({ length: int(5) }, () => value(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['id', 'values', 'nodes', 'nodes6', 'token', 'BFsd', 'x', 'y', 't', 'e', 'r']), value(depth + 1)]));
    }
  };
  /** A reply shaped like a real one, with random sizes and types in its fields. */
  const plausibleReply = (transactionId: Buffer): Buffer =>
    encodeBencode({
      t: int(10) ? transactionId : bytes(int(4)),
      y: pick(['r', 'r', 'r', 'e', 'q', 'z']),
      r: {
        id: bytes(pick([20, 20, 20, 19, 0])),
        token: bytes(int(30)),
        nodes: bytes(pick([26 * 8, 26 * int(20), int(300)])),
        nodes6: bytes(pick([38 * 8, int(300)])),
        values: pick([Array.from({ length: int(150) }, () => bytes(pick([6, 6, 18, 5, 7, 0]))), bytes(12), int(5)]),
        BFsd: bytes(pick([256, 255, 0])),
        BFpe: bytes(pick([256, 257])),
      },
      e: [int(300), bytes(int(40))],
    });
  const mutate = (datagram: Buffer): Buffer => {
    const copy = Buffer.from(datagram);
    const kind = int(4);
    if (kind === 0) for (let flips = 1 + int(8); flips > 0; flips--) copy[int(copy.length)] = int(256);
    if (kind === 1) return copy.subarray(0, int(copy.length));
    if (kind === 2) return Buffer.concat([copy.subarray(0, int(copy.length)), bytes(int(40)), copy.subarray(int(copy.length))]);
    return copy;
  };
  const randomDatagram = (): Buffer => (int(3) === 0 ? bytes(int(1500)) : mutate(encodeBencode(value(0))));
  return { int, plausibleReply, mutate, randomDatagram };
}

test(`fuzz: ${TOTAL_DATAGRAMS.toLocaleString('en')} random and mutated KRPC datagrams hit the collector's socket`, async (t) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));

  const fuzz = fuzzer(20261127);
  let sent = 0;
  // Eight fuzzing "nodes": each answers every query with a fuzzed reply carrying the query's
  // transaction id (so it reaches the reply parsers), now and then with an honest-looking one.
  const FUZZ_NODES = 8;
  const fuzzNodes: dgram.Socket[] = [];
  for (let index = 0; index < FUZZ_NODES; index++) {
    const node = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => node.bind(0, '127.0.0.1', resolve));
    t.after(() => node.close());
    const nodeId = Buffer.alloc(20, 16 + index);
    node.on('message', (message, remote) => {
      let transactionId: Buffer = Buffer.from('aa');
      try {
        transactionId = parseKrpcMessage(message).transactionId;
      } catch {
        // The collector only sends well-formed queries; keep going regardless.
      }
      const reply = fuzz.int(8) === 0 ? encodeBencode({ t: transactionId, y: 'r', r: { id: nodeId, token: Buffer.from('tok') } }) : fuzz.mutate(fuzz.plausibleReply(transactionId));
      node.send(reply, remote.port, remote.address);
      sent++;
    });
    fuzzNodes.push(node);
  }

  // An honest node, the bootstrap: every reply points the collector at the fuzzing node, so each
  // lookup reaches it, and the honest node stays known however the fuzzing node misbehaves.
  const honest = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => honest.bind(0, '127.0.0.1', resolve));
  t.after(() => honest.close());
  const fuzzContact = encodeCompactNodes(fuzzNodes.map((node, index) => ({ id: Buffer.alloc(20, 16 + index), host: '127.0.0.1', port: node.address().port })));
  honest.on('message', (message, remote) => {
    try {
      const query = parseKrpcMessage(message);
      honest.send(encodeBencode({ t: query.transactionId, y: 'r', r: { id: Buffer.alloc(20, 9), nodes: fuzzContact, token: Buffer.from('t') } }), remote.port, remote.address);
    } catch {
      // Only the collector talks to this node.
    }
  });

  // Fuzzed `nodes` fields name arbitrary addresses: loopback-only mode keeps every query on this machine.
  const dht = await DhtClient.open({
    bindHost: '127.0.0.1',
    bindHost6: null,
    port: 0,
    bootstrap: [`127.0.0.1:${honest.address().port}`],
    bootstrapTimeoutMs: 5000,
    allowPrivateAddresses: true,
    loopbackOnly: true,
    queryTimeoutMs: 100,
    maxQueriesPerIpPer10s: 1_000_000,
  });
  t.after(() => dht.close());
  await dht.bootstrap();

  // Unsolicited traffic from a second socket, interleaved with lookups that draw fuzzed replies.
  const blaster = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => blaster.bind(0, '127.0.0.1', resolve));
  t.after(() => blaster.close());
  const target = dht.address;
  let lookups = 0;
  let blasted = 0;
  while (sent < TOTAL_DATAGRAMS) {
    const lookup = dht.lookup(Buffer.alloc(20, lookups % 256).toString('hex'));
    // Bursts of 100, each waiting until the collector has read the last one, so the datagrams are
    // processed by the collector rather than dropped by a full socket buffer.
    for (let burst = 0; burst < 20; burst++) {
      for (let index = 0; index < 100 && sent < TOTAL_DATAGRAMS; index++, sent++, blasted++) blaster.send(fuzz.randomDatagram(), target.port, target.host);
      for (let spins = 0; spins < 5000 && dht.counters.datagramsReceived < blasted; spins++) await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await lookup;
    lookups++;
    // One node cannot corroborate its own values: whatever it fuzzes, nothing may count as a peer.
    assert.equal(result.peers.size, 0, `lookup ${lookups} counted ${result.peers.size} fuzzed values as peers`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const counters = dht.counters;
  t.diagnostic(`${sent} datagrams sent over ${lookups} lookups; collector saw ${counters.datagramsReceived}: malformed ${counters.malformedDropped}, unexpected ${counters.unexpectedDropped}, responses ${counters.responsesReceived}, bogon values ${counters.bogonValuesDropped}, malformed values ${counters.malformedValuesDropped}, nodes over cap ${counters.nodesOverCap}, non-loopback contacts refused ${counters.nonLoopbackRefused}; RSS ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`);
  assert.ok(sent >= TOTAL_DATAGRAMS);
  assert.ok(counters.datagramsReceived >= 0.95 * TOTAL_DATAGRAMS, `${counters.datagramsReceived} of ${sent} datagrams reached the collector`);
  assert.ok(counters.responsesReceived > 200, 'fuzzed replies went through the reply parsers');
  assert.ok(counters.malformedDropped > 1000, 'malformed datagrams were seen and dropped');
  assert.deepEqual(unhandled, []);
});
