/**
 * How a hostile node answers (see hostile-behaviours.ts for the list and the ground-truth rule).
 * Whatever a behaviour does not change is answered as an honest node would, so the node stays a
 * plausible member of everyone's routing table — except that announces are acknowledged and
 * dropped: a hostile node never holds ground truth.
 */
import { encodeCompactPeer } from '../protocol/compact.ts';
import { type KrpcQuery, encodeErrorReply, encodeResponse } from '../protocol/krpc.ts';
import { FLOOD_DATAGRAMS_PER_QUERY, type FloodMemory, floodDatagrams } from './flood.ts';
import type { HostileBehaviour } from './hostile-behaviours.ts';
import { malformedReply } from './malformed-replies.ts';
import type { RemoteAddress } from './node-socket.ts';
import { type OversizedCache, oversizedReply } from './oversized-replies.ts';
import { answerQuery, contactFields, id20 } from './query-handlers.ts';
import { sampleDistinctIndices } from './random-sample.ts';
import { BUCKET_SIZE_K } from './routing-tables.ts';
import type { SimContext } from './sim-context.ts';
import type { SimNode } from './sim-node.ts';
import { type IpFamily, drawCompactPeers } from './synthetic-addresses.ts';
import { TOKEN_BYTES } from './token-secrets.ts';
import { wantedFamilies } from './want-families.ts';

/** `duplicate`: this many distinct addresses, repeated to fill a whole reply. */
const DUPLICATE_DISTINCT_VALUES = 4;
/** `sybil-closer`: a full bucket of fake contacts per family. */
const SYBIL_CONTACTS = BUCKET_SIZE_K;
/**
 * `sybil-closer` ids keep the target's first 17 bytes (136 bits): an honest node shares about
 * log2(N) leading bits with a random target (11 for 2,000 nodes), so a fake is always closer.
 */
const SYBIL_SHARED_PREFIX_BYTES = 17;
/** `bad-token`: every third query gets an error reply instead of an answer. */
const BAD_TOKEN_ERROR_EVERY = 3;

/** Per hostile node: its behaviour, how many queries it has answered, and what it keeps. */
export interface HostileState extends FloodMemory, OversizedCache {
  behaviour: HostileBehaviour;
  turn: number;
}

export interface HostileOutcome {
  reply?: Buffer;
  /** Runs right after the reply is sent (the flood). */
  afterwards?: () => void;
}

/** An honest answer, but announces are acknowledged and thrown away (no ground truth here). */
function plausible(node: SimNode, context: SimContext, query: KrpcQuery, remote: RemoteAddress): Buffer {
  if (query.method === 'announce_peer') return encodeResponse(query.transactionId, { id: node.id });
  return answerQuery(node, context, query, remote);
}

/** `fabricate`, `bogon` and `duplicate`: get_peers values for any infohash. */
function lyingValues(behaviour: HostileBehaviour, context: SimContext, infohashHex: string, family: IpFamily): Buffer[] {
  const random = context.hostileRandom;
  const count = context.valuesPerReply[family];
  if (behaviour === 'fabricate') return drawCompactPeers(random, family, count, 'public');
  if (behaviour === 'bogon') return drawCompactPeers(random, family, count, 'bogon');
  // `duplicate`: honest peers when the torrent is seeded (as a node that harvested them would
  // have), honest-looking made-up ones otherwise; either way each repeated many times.
  const torrent = context.torrentsByInfohash.get(infohashHex);
  const honest = torrent && (family === 4 ? torrent.peers : torrent.peersV6);
  const distinct =
    honest && honest.count > 0
      ? sampleDistinctIndices(random, honest.count, DUPLICATE_DISTINCT_VALUES).map((index) => honest.compactAt(index))
      : drawCompactPeers(random, family, DUPLICATE_DISTINCT_VALUES, 'public');
  return Array.from({ length: count }, (_, index) => distinct[index % distinct.length]!);
}

function badToken(node: SimNode, context: SimContext, query: KrpcQuery, remote: RemoteAddress, turn: number): Buffer {
  if (turn % BAD_TOKEN_ERROR_EVERY === BAD_TOKEN_ERROR_EVERY - 1) {
    return turn % 2 === 0 ? encodeErrorReply(query.transactionId, 201, 'A Generic Error Ocurred') : encodeErrorReply(query.transactionId, 202, 'Server Error');
  }
  if (query.method === 'announce_peer') return encodeErrorReply(query.transactionId, 203, 'invalid token');
  const infohash = query.method === 'get_peers' ? id20(query.args, 'info_hash') : undefined;
  if (!infohash) return plausible(node, context, query, remote);
  // A token like any other, except that this node will refuse it.
  const token = context.hostileRandom.bytes(TOKEN_BYTES);
  return encodeResponse(query.transactionId, { id: node.id, token, ...contactFields(node, query, remote, infohash) });
}

/** An id sharing SYBIL_SHARED_PREFIX_BYTES with `target`, never equal to it. */
function closeId(context: SimContext, target: Buffer): Buffer {
  const id = Buffer.from(target);
  context.hostileRandom.bytes(id.length - SYBIL_SHARED_PREFIX_BYTES).copy(id, SYBIL_SHARED_PREFIX_BYTES);
  if (id.equals(target)) id[id.length - 1] = id[id.length - 1]! ^ 1;
  return id;
}

/** `sybil-closer`: a bucket of fake ids next to the target, all at this node's own address. */
function sybilCloser(node: SimNode, context: SimContext, query: KrpcQuery, remote: RemoteAddress, target: Buffer): Buffer {
  const ids = Array.from({ length: SYBIL_CONTACTS }, () => closeId(context, target));
  const body: Record<string, Buffer> = { id: closeId(context, target) };
  for (const family of wantedFamilies(query.args, remote.family).families) {
    if (node.portOf(family) === 0) continue;
    const self = encodeCompactPeer({ host: node.hostOf(family), port: node.portOf(family) });
    body[family === 4 ? 'nodes' : 'nodes6'] = Buffer.concat(ids.flatMap((id) => [id, self]));
  }
  if (query.method === 'get_peers') body.token = context.hostileRandom.bytes(TOKEN_BYTES);
  return encodeResponse(query.transactionId, body);
}

function flood(node: SimNode, state: HostileState, context: SimContext, reply: Buffer, query: KrpcQuery, remote: RemoteAddress): void {
  const { hostile } = context.stats;
  const granted = context.floodBudget.take(FLOOD_DATAGRAMS_PER_QUERY);
  hostile.floodSuppressed += FLOOD_DATAGRAMS_PER_QUERY - granted;
  if (granted === 0) return;
  const datagrams = floodDatagrams(state, context.hostileRandom, reply, query.transactionId, node.id, remote, granted);
  for (const datagram of datagrams) node.send(datagram, remote);
  hostile.floodDatagrams += datagrams.length;
}

export function answerHostile(node: SimNode, state: HostileState, context: SimContext, query: KrpcQuery, remote: RemoteAddress): HostileOutcome {
  const { stats, hostileRandom: random } = context;
  const { behaviour } = state;
  const turn = state.turn++;
  stats.hostile.replies[behaviour] = (stats.hostile.replies[behaviour] ?? 0) + 1;
  const lookupTarget = id20(query.args, query.method === 'find_node' ? 'target' : 'info_hash');
  const isLookup = query.method === 'find_node' || query.method === 'get_peers';
  switch (behaviour) {
    case 'malformed':
      return { reply: malformedReply(turn, { transactionId: query.transactionId, nodeId: node.id, family: remote.family, random }).datagram };
    case 'flood': {
      const reply = plausible(node, context, query, remote);
      return { reply, afterwards: () => flood(node, state, context, reply, query, remote) };
    }
    case 'bad-token':
      return { reply: badToken(node, context, query, remote, turn) };
    case 'oversized':
      if (!isLookup || !lookupTarget) break;
      stats.hostile.oversizedReplies++;
      return { reply: oversizedReply(state, random, query, node.id, remote.family, node.hostOf(remote.family), turn) };
    case 'sybil-closer':
      if (!isLookup || !lookupTarget) break;
      return { reply: sybilCloser(node, context, query, remote, lookupTarget) };
    default: {
      if (query.method !== 'get_peers' || !lookupTarget) break;
      const values = lyingValues(behaviour, context, lookupTarget.toString('hex'), remote.family);
      return { reply: encodeResponse(query.transactionId, { id: node.id, token: random.bytes(TOKEN_BYTES), values }) };
    }
  }
  return { reply: plausible(node, context, query, remote) };
}
