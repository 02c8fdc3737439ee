/** Units of the crawler's KRPC side: BEP 51 replies read strictly, the passive node's answers, the query pacer, the frontier. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { NodeFrontier, MIN_RESAMPLE_MS, UNSUPPORTED_RETRY_MS } from '../../collector/discovery/node-frontier.ts';
import { PassiveNode, TOKEN_SECRET_ROTATION_MS } from '../../collector/discovery/passive-node.ts';
import { MAX_SAMPLE_INTERVAL_SEC, SamplesUnsupportedError, readSampleReply } from '../../collector/discovery/sample-infohashes.ts';
import { QueryPacer } from '../../collector/dht/query-pacer.ts';
import { decodeBencode, type BencodeDict } from '../../protocol/bencode.ts';
import { encodeCompactNodes } from '../../protocol/compact.ts';
import { type KrpcQuery, type KrpcResponse, parseKrpcMessage } from '../../protocol/krpc.ts';

const target = { host: '127.0.0.9', port: 6881 };
const response = (body: BencodeDict): KrpcResponse => ({ kind: 'response', transactionId: Buffer.from('aa'), senderId: Buffer.alloc(20, 7), body });

describe('BEP 51 replies', () => {
  it('reads interval, num, distinct samples and usable nodes', () => {
    const a = Buffer.alloc(20, 1);
    const b = Buffer.alloc(20, 2);
    const nodes = encodeCompactNodes([
      { id: Buffer.alloc(20, 3), host: '127.0.0.5', port: 7000 },
      { id: Buffer.alloc(20, 4), host: '8.8.8.8', port: 0 },
    ]);
    const reply = readSampleReply(response({ interval: 21600, num: 57, samples: Buffer.concat([a, b, a, Buffer.alloc(7)]), nodes }), target, 4, true);
    assert.equal(reply.intervalSec, 21600);
    assert.equal(reply.num, 57);
    assert.deepEqual(reply.samples, [a.toString('hex'), b.toString('hex')], 'duplicates and a ragged tail are dropped');
    assert.deepEqual(reply.nodes.map((node) => `${node.host}:${node.port}`), ['127.0.0.5:7000'], 'port 0 is not a usable contact');
  });

  it('clamps hostile numbers and refuses a reply without samples', () => {
    const reply = readSampleReply(response({ interval: -5, num: 1e300, samples: Buffer.alloc(0) }), target, 4, false);
    assert.equal(reply.intervalSec, 0);
    assert.equal(reply.num, Number.MAX_SAFE_INTEGER);
    assert.equal(readSampleReply(response({ interval: 1e12, samples: Buffer.alloc(20) }), target, 4, false).intervalSec, MAX_SAMPLE_INTERVAL_SEC);
    assert.equal(readSampleReply(response({ samples: Buffer.alloc(20) }), target, 4, false).num, 1, 'no num: the samples are all it said');
    assert.throws(() => readSampleReply(response({ nodes: Buffer.alloc(26) }), target, 4, false), SamplesUnsupportedError);
    assert.throws(() => readSampleReply(response({ samples: [Buffer.alloc(20)] as unknown as Buffer }), target, 4, false), SamplesUnsupportedError);
  });
});

describe('passive node', () => {
  const query = (method: string, args: BencodeDict): KrpcQuery => ({ kind: 'query', transactionId: Buffer.from('tt'), method, senderId: randomBytes(20), args: { id: randomBytes(20), ...args } });
  const body = (datagram: Buffer | undefined): BencodeDict => {
    const message = parseKrpcMessage(datagram!);
    assert.equal(message.kind, 'response', `expected a response, got ${JSON.stringify(decodeBencode(datagram!).value)}`);
    return (message as KrpcResponse).body;
  };

  it('records get_peers and token-checked announces, never the querier, and answers as an empty BEP 5 node', () => {
    let clockMs = 0;
    const seen: string[] = [];
    const contact = { id: Buffer.alloc(20, 9), host: '127.0.0.7', port: 7001, family: 4 as const };
    const node = new PassiveNode({ nodeId: Buffer.alloc(20, 1), closestContacts: () => [contact], onInfohash: (infohash, how) => seen.push(`${how}:${infohash.slice(0, 4)}`), nowMs: () => clockMs });
    const infohash = Buffer.alloc(20, 0xab);
    const remote = { host: '127.0.0.2', port: 5000 };
    const reply = body(node.answer(query('get_peers', { info_hash: infohash }), remote));
    assert.ok(Buffer.isBuffer(reply.token));
    assert.equal((reply.nodes as Buffer).length, 26);
    assert.equal(reply.values, undefined, 'it stores nothing, so it gives no values');

    const badToken = parseKrpcMessage(node.answer(query('announce_peer', { info_hash: infohash, port: 6881, token: Buffer.alloc(8) }), remote)!);
    assert.equal(badToken.kind, 'error');
    const otherIp = parseKrpcMessage(node.answer(query('announce_peer', { info_hash: infohash, port: 6881, token: reply.token as Buffer }), { host: '127.0.0.3', port: 5000 })!);
    assert.equal(otherIp.kind, 'error', 'a token is bound to the IP it was given to');
    clockMs += TOKEN_SECRET_ROTATION_MS + 1;
    body(node.answer(query('announce_peer', { info_hash: infohash, port: 6881, token: reply.token as Buffer }), remote));
    clockMs += TOKEN_SECRET_ROTATION_MS + 1;
    assert.equal(parseKrpcMessage(node.answer(query('announce_peer', { info_hash: infohash, port: 6881, token: reply.token as Buffer }), remote)!).kind, 'error', 'older than two rotations');
    assert.deepEqual(seen, ['get_peers:abab', 'announce_peer:abab']);
    assert.equal(node.counters.badTokens, 3);

    const sample = body(node.answer(query('sample_infohashes', { target: infohash }), remote));
    assert.equal(sample.num, 0);
    assert.equal((sample.samples as Buffer).length, 0);
    assert.equal(parseKrpcMessage(node.answer(query('get_peers', { info_hash: Buffer.alloc(3) }), remote)!).kind, 'error');
    assert.equal(parseKrpcMessage(node.answer(query('vote', {}), remote)!).kind, 'error');
    assert.equal(seen.length, 2, 'malformed queries record nothing');
  });
});

describe('query pacer', () => {
  it('spaces sends evenly: never more than the rate in any one-second window', () => {
    const pacer = new QueryPacer(10);
    const sentAtMs: number[] = [];
    for (let nowMs = 0; nowMs < 5000; nowMs += 7) if (pacer.reserve(nowMs) === 0) sentAtMs.push(nowMs);
    for (const start of sentAtMs) assert.ok(sentAtMs.filter((at) => at >= start && at < start + 1000).length <= 10);
    assert.ok(sentAtMs.length >= 48, `${sentAtMs.length} sends in 5 s at 10/s`);
    assert.throws(() => new QueryPacer(0), RangeError);
  });
});

describe('node frontier', () => {
  const contact = (n: number) => ({ id: Buffer.alloc(20, n), host: `127.0.1.${n}`, port: 6881, family: 4 as const });

  it('hands out new nodes first, honours interval, sets aside nodes without BEP 51, evicts the dead, and stays bounded', () => {
    const frontier = new NodeFrontier(3);
    assert.equal(frontier.add(contact(1)), true);
    assert.equal(frontier.add(contact(1)), false);
    frontier.add(contact(2));
    frontier.add(contact(3));
    assert.equal(frontier.add(contact(4)), false, 'at capacity');
    const first = frontier.takeDue(0)!;
    frontier.markSampled(first, 0, 5, 0);
    assert.equal(first.nextSampleAtMs, MIN_RESAMPLE_MS, 'an interval of 0 still waits a minute');
    const second = frontier.takeDue(0)!;
    frontier.markSampled(second, 21600, 5, 0);
    const third = frontier.takeDue(0)!;
    frontier.markUnsupported(third, 0);
    assert.equal(frontier.takeDue(MIN_RESAMPLE_MS - 1), undefined);
    assert.equal(frontier.takeDue(MIN_RESAMPLE_MS), first);
    assert.equal(frontier.takeDue(21_600_000 - 1), undefined, 'the first is in flight until marked');
    assert.equal(frontier.takeDue(UNSUPPORTED_RETRY_MS)?.contact.host, second.contact.host);
    for (let attempt = 0; attempt < 3; attempt++) frontier.markFailed(first, 0);
    assert.equal(frontier.size, 2);
    assert.equal(frontier.stats().evicted, 1);
  });

  it('among due nodes, asks first the one that said it stores the most (BEP 51 num)', () => {
    const frontier = new NodeFrontier();
    for (const n of [1, 2, 3]) frontier.add(contact(n));
    const nums = [3, 500, 40];
    for (const num of nums) frontier.markSampled(frontier.takeDue(0)!, 60, num, 0);
    assert.deepEqual([frontier.takeDue(60_000), frontier.takeDue(60_000), frontier.takeDue(60_000)].map((node) => node?.lastNum), [500, 40, 3]);
  });
});
