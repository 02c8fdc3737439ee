/**
 * A minimal iterative Kademlia lookup (BEP 5 / Kademlia §2.3) from the test side: query the α
 * closest unqueried nodes, merge the `nodes` they return, and stop once the K closest known nodes
 * have all answered. Enough to show that the simulated routing tables converge like the real DHT.
 */
import type { EncodableValue } from '../../protocol/bencode.ts';
import { decodeCompactNodes, type NodeContact, addressKey } from '../../protocol/compact.ts';
import { readBytes } from '../../protocol/krpc.ts';
import { compareDistance } from '../../protocol/node-id.ts';
import type { SimKrpcClient, UdpTarget } from './sim-krpc-client.ts';

export interface LookupResult {
  /** The K closest nodes that answered, closest first. */
  closest: NodeContact[];
  /** Rounds of parallel queries until convergence. */
  hops: number;
  queried: number;
  /** For get_peers lookups: every `values` entry seen, as host:port strings. */
  values: Set<string>;
}

export async function iterativeLookup(
  client: SimKrpcClient,
  bootstrap: UdpTarget[],
  target: Buffer,
  options: { method?: 'find_node' | 'get_peers'; alpha?: number; k?: number } = {},
): Promise<LookupResult> {
  const { method = 'find_node', alpha = 3, k = 8 } = options;
  const self = addressKey(client.address);
  const known = new Map<string, NodeContact | UdpTarget>();
  const state = new Map<string, 'queried' | 'answered' | 'failed'>();
  const values = new Set<string>();
  for (const node of bootstrap) known.set(addressKey(node), node);
  let hops = 0;
  let queried = 0;
  const byDistance = (): NodeContact[] =>
    [...known.entries()]
      .filter((entry): entry is [string, NodeContact] => 'id' in entry[1] && state.get(entry[0]) !== 'failed')
      .map(([, node]) => node)
      .sort((a, b) => compareDistance(target, a.id, b.id));
  for (;;) {
    // Bootstrap entries have no id yet: ask them first, then always the closest unqueried ones.
    const withoutId = [...known.entries()].filter(([key, node]) => !('id' in node) && !state.has(key)).map(([, node]) => node);
    const candidates = withoutId.length > 0 ? withoutId : byDistance().slice(0, k).filter((node) => !state.has(addressKey(node)));
    if (candidates.length === 0) break;
    hops++;
    await Promise.all(
      candidates.slice(0, withoutId.length > 0 ? candidates.length : alpha).map(async (node) => {
        const key = addressKey(node);
        state.set(key, 'queried');
        queried++;
        const args: Record<string, EncodableValue> = method === 'find_node' ? { target } : { info_hash: target };
        const reply = await client.query(node, method, args, { readOnly: true });
        if (reply?.kind !== 'response') {
          state.set(key, 'failed');
          return;
        }
        state.set(key, 'answered');
        known.set(key, { ...node, id: reply.senderId, family: 4 } as NodeContact);
        const nodes = readBytes(reply.body, 'nodes');
        for (const contact of nodes ? decodeCompactNodes(nodes, 4) : []) {
          const contactKey = addressKey(contact);
          if (contactKey !== self && !known.has(contactKey)) known.set(contactKey, contact);
        }
        const list = reply.body.values;
        if (Array.isArray(list)) for (const value of list) if (Buffer.isBuffer(value) && value.length === 6) values.add(`${value[0]}.${value[1]}.${value[2]}.${value[3]}:${value.readUInt16BE(4)}`);
      }),
    );
  }
  const closest = byDistance().filter((node) => state.get(addressKey(node)) === 'answered').slice(0, k);
  return { closest, hops, queried, values };
}
