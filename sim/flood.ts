/**
 * The `flood` hostile behaviour: after answering a query, a node sends the querier a burst of
 * unsolicited datagrams — replays of its replies under other transaction ids (neighbours of the
 * querier's own, which a collector with sequential ids might mistake for answers to other queries,
 * and random ones), made-up get_peers answers, error replies and random bytes. A collector must
 * match replies by transaction id *and* source address, and survive the noise.
 *
 * Bounded so that the swarm stays cheap next to the collector it tests (2 cores shared): a fixed
 * burst per query, a few remembered replies per node, and one token bucket for the whole swarm.
 */
import { type BencodeDict, decodeBencode, encodeBencode, isDict } from '../protocol/bencode.ts';
import { encodeErrorReply, encodeResponse } from '../protocol/krpc.ts';
import type { SeededRandom } from './prng.ts';
import type { RemoteAddress } from './node-socket.ts';
import { drawCompactPeers } from './synthetic-addresses.ts';
import { TOKEN_BYTES } from './token-secrets.ts';

/** "~50 unsolicited datagrams" per query (issue 3): enough to drown a naive reply matcher. */
export const FLOOD_DATAGRAMS_PER_QUERY = 50;
/** Swarm-wide ceiling on flood datagrams, per second; the rest are counted as suppressed. */
export const FLOOD_BUDGET_DATAGRAMS_PER_SECOND = 5000;
/** Replies a flooding node remembers for later replays (to other queriers too). */
const FLOOD_REPLAY_MEMORY = 8;
/** Random junk stays under a typical MTU, like a real spoofed packet. */
const MAX_FLOOD_GARBAGE_BYTES = 512;
/** Fake get_peers answers in a flood carry a handful of made-up values. */
const FLOOD_FAKE_VALUES = 10;
/** Transaction ids at most this far from the querier's own count as neighbours. */
const MAX_NEIGHBOUR_DISTANCE = 25;
/** Of each burst: neighbour replays, random-id replays, fake answers, error replies, random bytes. */
const FLOOD_KINDS = 5;

/** A token bucket shared by every flooding node of a swarm. */
export class FloodBudget {
  private tokens = FLOOD_BUDGET_DATAGRAMS_PER_SECOND;
  private lastRefillMs: number;

  constructor(private readonly nowMs: () => number) {
    this.lastRefillMs = nowMs();
  }

  /** How many of `wanted` datagrams may be sent now. */
  take(wanted: number): number {
    const now = this.nowMs();
    this.tokens = Math.min(FLOOD_BUDGET_DATAGRAMS_PER_SECOND, this.tokens + ((now - this.lastRefillMs) * FLOOD_BUDGET_DATAGRAMS_PER_SECOND) / 1000);
    this.lastRefillMs = now;
    const granted = Math.min(wanted, Math.floor(this.tokens));
    this.tokens -= granted;
    return granted;
  }
}

/** What one flooding node keeps between queries. */
export interface FloodMemory {
  recent?: BencodeDict[];
}

function withTransactionId(body: BencodeDict, transactionId: Buffer): Buffer {
  return encodeBencode({ ...body, t: transactionId });
}

/** The querier's transaction id plus `distance`, carried over its last two bytes. */
function neighbourId(transactionId: Buffer, distance: number): Buffer {
  const out = Buffer.from(transactionId);
  if (out.length >= 2) out.writeUInt16BE((out.readUInt16BE(out.length - 2) + distance) & 0xffff, out.length - 2);
  else out[0] = (out[0]! + distance) & 0xff;
  return out;
}

/**
 * The burst that follows `reply` (the node's answer to the query with `transactionId`), as
 * datagrams ready to send. `reply` joins the node's memory for later replays.
 */
export function floodDatagrams(memory: FloodMemory, random: SeededRandom, reply: Buffer, transactionId: Buffer, nodeId: Buffer, remote: RemoteAddress, count: number): Buffer[] {
  const decoded = decodeBencode(reply).value;
  const current = isDict(decoded) ? decoded : undefined;
  const recent = (memory.recent ??= []);
  const out: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    const randomId = random.bytes(transactionId.length || 2);
    switch (index % FLOOD_KINDS) {
      case 0:
        if (current) out.push(withTransactionId(current, neighbourId(transactionId, random.nextInt(1, MAX_NEIGHBOUR_DISTANCE))));
        break;
      case 1: {
        const old = recent[random.nextInt(0, Math.max(0, recent.length - 1))] ?? current;
        if (old) out.push(withTransactionId(old, randomId));
        break;
      }
      case 2:
        out.push(encodeResponse(randomId, { id: nodeId, token: random.bytes(TOKEN_BYTES), values: drawCompactPeers(random, remote.family, FLOOD_FAKE_VALUES, 'public') }));
        break;
      case 3:
        out.push(encodeErrorReply(randomId, 202, 'Server Error'));
        break;
      default:
        out.push(random.bytes(random.nextInt(1, MAX_FLOOD_GARBAGE_BYTES)));
    }
  }
  if (current) {
    recent.push(current);
    if (recent.length > FLOOD_REPLAY_MEMORY) recent.shift();
  }
  return out;
}
