/**
 * The `oversized` hostile behaviour: replies far beyond the 8 KiB a KRPC message needs
 * (MAX_KRPC_DATAGRAM_BYTES), either get_peers `values` by the thousand or a `nodes` / `nodes6`
 * string of hundreds of fake contacts. A collector must cap what it reads from one node.
 *
 * The lists are made once per node and family and then reused, so the cost per query is one
 * encode; every fake contact points at loopback (this node's own address, random ports) so that a
 * collector which follows them never sends a packet off the machine.
 */
import { NODE_ID_BYTES, ipv6ToBytes } from '../protocol/compact.ts';
import { encodeResponse } from '../protocol/krpc.ts';
import type { SeededRandom } from './prng.ts';
import { type IpFamily, MAX_PEER_PORT, MIN_PEER_PORT, drawCompactPeers, ipBytesOf } from './synthetic-addresses.ts';
import { TOKEN_BYTES } from './token-secrets.ts';

/** "e.g. 3,000 values" (issue 3): 24 KB over IPv4, 63 KB over IPv6 — still one UDP datagram (< 65,507 bytes). */
export const OVERSIZED_VALUES = 3000;
/** Hundreds of fake contacts: 10.4 KB as `nodes`, 15.2 KB as `nodes6`. */
export const OVERSIZED_CONTACTS = 400;

export interface OversizedCache {
  values?: Partial<Record<IpFamily, Buffer[]>>;
  contacts?: Partial<Record<IpFamily, Buffer>>;
}

function fakeContacts(random: SeededRandom, family: IpFamily, host: string): Buffer {
  const ip = family === 4 ? Buffer.from(host.split('.').map(Number)) : ipv6ToBytes(host);
  const entryBytes = NODE_ID_BYTES + ipBytesOf(family) + 2;
  const out = Buffer.alloc(OVERSIZED_CONTACTS * entryBytes);
  for (let index = 0; index < OVERSIZED_CONTACTS; index++) {
    const offset = index * entryBytes;
    random.bytes(NODE_ID_BYTES).copy(out, offset);
    ip.copy(out, offset + NODE_ID_BYTES);
    out.writeUInt16BE(random.nextInt(MIN_PEER_PORT, MAX_PEER_PORT), offset + NODE_ID_BYTES + ip.length);
  }
  return out;
}

/**
 * get_peers alternates between thousands of values and hundreds of contacts (`turn` odd or even);
 * find_node always gets the contacts. The family is the one the query came in on.
 */
export function oversizedReply(
  cache: OversizedCache,
  random: SeededRandom,
  query: { transactionId: Buffer; method: string },
  nodeId: Buffer,
  family: IpFamily,
  host: string,
  turn: number,
): Buffer {
  if (query.method === 'get_peers' && turn % 2 === 0) {
    const values = ((cache.values ??= {})[family] ??= drawCompactPeers(random, family, OVERSIZED_VALUES, 'public'));
    return encodeResponse(query.transactionId, { id: nodeId, token: random.bytes(TOKEN_BYTES), values });
  }
  const contacts = ((cache.contacts ??= {})[family] ??= fakeContacts(random, family, host));
  const body: Record<string, Buffer> = { id: nodeId, [family === 4 ? 'nodes' : 'nodes6']: contacts };
  if (query.method === 'get_peers') body.token = random.bytes(TOKEN_BYTES);
  return encodeResponse(query.transactionId, body);
}
