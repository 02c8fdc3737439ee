/**
 * Answers to the four KRPC queries of BEP 5 (plus the BEP 33 scrape flags of get_peers and the
 * BEP 32 IPv6 forms: `nodes6`, `want`, 18-byte values) and BEP 51's sample_infohashes
 * (sample-infohashes.ts), as a libtorrent node gives them. Each
 * handler returns the encoded reply; well-formed queries with bad arguments get error 203
 * (protocol error), unknown methods error 204, as BEP 5 defines the codes.
 */
import { type BencodeDict, isBytes } from '../protocol/bencode.ts';
import { insertPeerIp, mergeScrapeBloom, newScrapeBloom } from '../protocol/bep33-bloom.ts';
import { COMPACT_PEER_V4_BYTES, COMPACT_PEER_V6_BYTES, NODE_ID_BYTES, encodeCompactPeer } from '../protocol/compact.ts';
import { type KrpcQuery, encodeErrorReply, encodeResponse } from '../protocol/krpc.ts';
import { type Contact, closestContacts } from './contact.ts';
import { sampleDistinctIndices } from './random-sample.ts';
import { sampleInfohashes } from './sample-infohashes.ts';
import { BUCKET_SIZE_K } from './routing-tables.ts';
import type { SimContext } from './sim-context.ts';
import type { RemoteAddress, SimNode } from './sim-node.ts';
import type { IpFamily } from './synthetic-addresses.ts';
import { wantedFamilies } from './want-families.ts';
import { JECH_VALUES_PER_REPLY } from './internet-profile.ts';
import type { StoredPeers } from './stored-peers.ts';

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
      reply = findNode(node, query, remote);
      break;
    case 'get_peers':
      reply = getPeers(node, context, query, remote);
      break;
    case 'announce_peer':
      reply = announcePeer(node, context, query, remote);
      break;
    case 'sample_infohashes':
      reply = sampleInfohashes(node, context, query, remote);
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

export function id20(args: BencodeDict, key: string): Buffer | undefined {
  const value = args[key];
  return isBytes(value) && value.length === NODE_ID_BYTES ? value : undefined;
}

/** BEP 5 / BEP 32 compact node info of the K closest known nodes of one family, concatenated. */
function closestNodes(node: SimNode, target: Buffer, family: IpFamily): Buffer {
  const closest: Contact[] = closestContacts(target, node.knownContacts(family), BUCKET_SIZE_K);
  return Buffer.concat(closest.map((contact) => contact.compactNode));
}

/**
 * `nodes` and/or `nodes6` as BEP 32 `want` asks (default: the family the query came in on). A family
 * the swarm does not run (IPv6 without `ipv6`) is left out. With `onlyIfAsked`, nothing unless the
 * query had an explicit `want`.
 */
export function contactFields(node: SimNode, query: KrpcQuery, remote: RemoteAddress, target: Buffer, onlyIfAsked = false): Record<string, Buffer> {
  const { families, explicit } = wantedFamilies(query.args, remote.family);
  const fields: Record<string, Buffer> = {};
  if (onlyIfAsked && !explicit) return fields;
  for (const family of families) {
    const contacts = closestNodes(node, target, family);
    if (contacts.length > 0) fields[family === 4 ? 'nodes' : 'nodes6'] = contacts;
  }
  return fields;
}

/** The string return value is the message of a 203 error. */
function findNode(node: SimNode, query: KrpcQuery, remote: RemoteAddress): Buffer | string {
  const target = id20(query.args, 'target');
  if (!target) return 'find_node needs a 20-byte "target"';
  return encodeResponse(query.transactionId, { id: node.id, ...contactFields(node, query, remote, target) });
}

function getPeers(node: SimNode, context: SimContext, query: KrpcQuery, remote: RemoteAddress): Buffer | string {
  const infohash = id20(query.args, 'info_hash');
  if (!infohash) return 'get_peers needs a 20-byte "info_hash"';
  const infohashHex = infohash.toString('hex');
  // A minimal implementation answers get_peers as it answers find_node: contacts, nothing else.
  if (node.kind === 'nodes-only') return encodeResponse(query.transactionId, { id: node.id, ...contactFields(node, query, remote, infohash) });
  // BEP 5: a token always, so the querier can announce to this node whether or not it has peers.
  const token = context.tokens.tokenFor(node.id, remote.address);
  const torrent = node.seeded?.get(infohashHex);
  const allAnnounced = node.announced?.list(infohashHex, context.nowMs()) ?? [];
  if (!torrent && allAnnounced.length === 0) {
    return encodeResponse(query.transactionId, { id: node.id, token, ...contactFields(node, query, remote, infohash) });
  }
  // libtorrent keeps a peer list per family and answers from the one the query came in on
  // (dht_storage.cpp `requester.is_v4() ? peers4 : peers6`): values, and BEP 33 filters alike.
  const seededList = torrent && (remote.family === 4 ? torrent.peers : torrent.peersV6);
  // What this node stores of it: the whole list, or its capped subset (Internet profile).
  const seeded = seededList && node.storedOf(infohashHex, seededList);
  const entryBytes = remote.family === 4 ? COMPACT_PEER_V4_BYTES : COMPACT_PEER_V6_BYTES;
  const announced = allAnnounced.filter((peer) => peer.compact.length === entryBytes);
  // A querier that named families in `want` gets those contacts even from a holder.
  const asked = contactFields(node, query, remote, infohash, true);
  // jech/dht knows nothing of BEP 33: `scrape` and `noseed` are ignored, values come as a slice.
  if (node.kind === 'slice50') return encodeResponse(query.transactionId, { id: node.id, token, values: circularSlice(context, seeded, announced.map((peer) => peer.compact)), ...asked });
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
    return encodeResponse(query.transactionId, { id: node.id, token, BFsd: seeds, BFpe: downloaders, ...asked });
  }
  // BEP 33 `noseed`: a seed asking for peers wants downloaders only.
  const noseed = query.args.noseed === 1;
  const seededFrom = seeded ? (noseed ? seeded.seeds : 0) : 0;
  const seededCount = seeded ? seeded.count - seededFrom : 0;
  const extra = noseed ? announced.filter((peer) => !peer.seed) : announced;
  const picks = sampleDistinctIndices(context.valuesRandom, seededCount + extra.length, context.valuesPerReply[remote.family]);
  const values = picks.map((pick) => (pick < seededCount ? seeded!.compactAt(seededFrom + pick) : extra[pick - seededCount]!.compact));
  return encodeResponse(query.transactionId, { id: node.id, token, values, ...asked });
}

/**
 * jech/dht `send_nodes_peers`: "We treat the storage as a circular list, and serve a randomly
 * chosen slice ... we limit ourselves to 50 peers." Consecutive entries from a random start.
 */
function circularSlice(context: SimContext, seeded: StoredPeers | undefined, announced: Buffer[]): Buffer[] {
  const seededCount = seeded?.count ?? 0;
  const total = seededCount + announced.length;
  if (total === 0) return [];
  const start = context.storageRandom.nextInt(0, total - 1);
  const values: Buffer[] = [];
  for (let step = 0; step < Math.min(total, JECH_VALUES_PER_REPLY); step++) {
    const at = (start + step) % total;
    values.push(at < seededCount ? seeded!.compactAt(at) : announced[at - seededCount]!);
  }
  return values;
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
  // BEP 32: an announce over udp6 stores an IPv6 peer (18 bytes), one over udp4 an IPv4 peer.
  const compactPeer = encodeCompactPeer({ host: remote.address, port });
  const infohashHex = infohash.toString('hex');
  const torrent = node.seeded?.get(infohashHex);
  // A node without storage answers as if it stored the peer (as jech/dht does when its storage
  // fails: "we lie to the requestor", so it does not backtrack) and keeps nothing.
  if (node.kind === 'store-nothing') return encodeResponse(query.transactionId, { id: node.id });
  // A peer that is already part of the ground truth is stored once, not twice.
  if (!(torrent && (remote.family === 4 ? torrent.peers : torrent.peersV6).contains(compactPeer))) {
    if (node.storeAnnounced(infohashHex, compactPeer, args.seed === 1)) context.stats.announcesStored++;
  }
  return encodeResponse(query.transactionId, { id: node.id });
}
