/**
 * Answers to the four KRPC queries of BEP 5 (plus the BEP 33 scrape flags of get_peers), as a
 * libtorrent node gives them. Each handler returns the encoded reply; well-formed queries with bad
 * arguments get error 203 (protocol error), unknown methods error 204, as BEP 5 defines the codes.
 */
import { type BencodeDict, isBytes } from '../protocol/bencode.ts';
import { NODE_ID_BYTES, encodeCompactPeer } from '../protocol/compact.ts';
import { type KrpcQuery, encodeErrorReply, encodeResponse } from '../protocol/krpc.ts';
import { type Contact, closestContacts } from './contact.ts';
import { sampleDistinctIndices } from './random-sample.ts';
import { BUCKET_SIZE_K } from './routing-tables.ts';
import { mergeScrapeBloom, insertPeerIp, newScrapeBloom } from './scrape-bloom.ts';
import type { SimContext } from './sim-context.ts';
import type { RemoteAddress, SimNode } from './sim-node.ts';

const MAX_PORT = 65535;

export function answerQuery(node: SimNode, context: SimContext, query: KrpcQuery, remote: RemoteAddress): Buffer {
  const { stats } = context;
  stats.queries[query.method] = (stats.queries[query.method] ?? 0) + 1;
  let reply: Buffer | string;
  switch (query.method) {
    case 'ping':
      reply = encodeResponse(query.transactionId, { id: node.id });
      break;
    case 'find_node':
      reply = findNode(node, query);
      break;
    case 'get_peers':
      reply = getPeers(node, context, query, remote);
      break;
    case 'announce_peer':
      reply = announcePeer(node, context, query, remote);
      break;
    default:
      stats.errorReplies++;
      return encodeErrorReply(query.transactionId, 204, 'Method Unknown');
  }
  if (typeof reply === 'string') {
    stats.errorReplies++;
    return encodeErrorReply(query.transactionId, 203, reply);
  }
  return reply;
}

function id20(args: BencodeDict, key: string): Buffer | undefined {
  const value = args[key];
  return isBytes(value) && value.length === NODE_ID_BYTES ? value : undefined;
}

/** BEP 5 compact node info of the K closest known nodes, concatenated. */
function closestNodes(node: SimNode, target: Buffer): Buffer {
  const closest: Contact[] = closestContacts(target, node.knownContacts(), BUCKET_SIZE_K);
  return Buffer.concat(closest.map((contact) => contact.compactNode));
}

/** The string return value is the message of a 203 error. */
function findNode(node: SimNode, query: KrpcQuery): Buffer | string {
  const target = id20(query.args, 'target');
  if (!target) return 'find_node needs a 20-byte "target"';
  return encodeResponse(query.transactionId, { id: node.id, nodes: closestNodes(node, target) });
}

function getPeers(node: SimNode, context: SimContext, query: KrpcQuery, remote: RemoteAddress): Buffer | string {
  const infohash = id20(query.args, 'info_hash');
  if (!infohash) return 'get_peers needs a 20-byte "info_hash"';
  const infohashHex = infohash.toString('hex');
  // BEP 5: a token always, so the querier can announce to this node whether or not it has peers.
  const token = context.tokens.tokenFor(node.id, remote.address);
  const seeded = node.seeded?.get(infohashHex);
  const announced = node.announced?.list(infohashHex, context.nowMs()) ?? [];
  if (!seeded && announced.length === 0) {
    return encodeResponse(query.transactionId, { id: node.id, token, nodes: closestNodes(node, infohash) });
  }
  if (query.args.scrape === 1) {
    // BEP 33, as libtorrent answers it: the two bloom filters take the place of `values`.
    const seeds = newScrapeBloom();
    const downloaders = newScrapeBloom();
    if (seeded) {
      const blooms = seeded.scrapeBlooms();
      mergeScrapeBloom(seeds, blooms.seeds);
      mergeScrapeBloom(downloaders, blooms.downloaders);
    }
    for (const peer of announced) insertPeerIp(peer.seed ? seeds : downloaders, peer.compact);
    return encodeResponse(query.transactionId, { id: node.id, token, BFsd: seeds, BFpe: downloaders });
  }
  // BEP 33 `noseed`: a seed asking for peers wants downloaders only.
  const noseed = query.args.noseed === 1;
  const seededFrom = seeded ? (noseed ? seeded.seeds : 0) : 0;
  const seededCount = seeded ? seeded.count - seededFrom : 0;
  const extra = noseed ? announced.filter((peer) => !peer.seed) : announced;
  const picks = sampleDistinctIndices(context.valuesRandom, seededCount + extra.length, context.valuesPerReply);
  const values = picks.map((pick) => (pick < seededCount ? seeded!.compactAt(seededFrom + pick) : extra[pick - seededCount]!.compact));
  return encodeResponse(query.transactionId, { id: node.id, token, values });
}

function announcePeer(node: SimNode, context: SimContext, query: KrpcQuery, remote: RemoteAddress): Buffer | string {
  const { args } = query;
  const infohash = id20(args, 'info_hash');
  if (!infohash) return 'announce_peer needs a 20-byte "info_hash"';
  const token = args.token;
  // BEP 5: the token must be one this node handed to this IP in a recent get_peers reply.
  if (!isBytes(token) || !context.tokens.isValid(token, node.id, remote.address)) return 'invalid token';
  // BEP 5 implied_port: use the UDP source port (the peer is behind a NAT that maps both alike).
  const impliedPort = args.implied_port !== undefined && args.implied_port !== 0;
  const port = impliedPort ? remote.port : args.port;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > MAX_PORT) return 'announce_peer needs a "port" in 1..65535';
  const compactPeer = encodeCompactPeer({ host: remote.address, port });
  const infohashHex = infohash.toString('hex');
  // A peer that is already part of the ground truth is stored once, not twice.
  if (!node.seeded?.get(infohashHex)?.contains(compactPeer)) {
    if (node.storeAnnounced(infohashHex, compactPeer, args.seed === 1)) context.stats.announcesStored++;
  }
  return encodeResponse(query.transactionId, { id: node.id });
}
