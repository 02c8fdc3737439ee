/**
 * Kademlia routing tables for every simulated node, built deterministically from the global node
 * list instead of by gossip. BEP 5: a node keeps buckets of at most K = 8 good nodes, one bucket per
 * length of common id prefix, and knows "many nodes close to itself and few far away". Sorting the
 * ids makes each bucket a contiguous range: for node n and depth d, the nodes that share exactly d
 * leading bits with n are the "other half" of n's subtree at depth d. Up to K of them are picked at
 * random (real buckets hold whichever nodes arrived first), so lookups converge in O(log N) hops.
 */
import { NODE_ID_BYTES } from '../protocol/compact.ts';
import type { SeededRandom } from './prng.ts';
import { sampleDistinctIndices } from './random-sample.ts';

/** BEP 5: "Each bucket can only hold K nodes, currently eight." */
export const BUCKET_SIZE_K = 8;
const ID_BITS = NODE_ID_BYTES * 8;

/** All tables in two flat arrays: node i's contacts are `contacts[offsets[i] .. offsets[i + 1])`. */
export interface RoutingTables {
  offsets: Uint32Array;
  contacts: Uint32Array;
}

function bitAt(id: Buffer, bit: number): number {
  return (id[bit >> 3]! >> (7 - (bit & 7))) & 1;
}

/** First index in [low, high) whose id has bit `bit` set; the ids there share all earlier bits. */
function splitPoint(sortedIds: Buffer[], low: number, high: number, bit: number): number {
  let lo = low;
  let hi = high;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (bitAt(sortedIds[mid]!, bit) === 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function buildRoutingTables(ids: readonly Buffer[], random: SeededRandom): RoutingTables {
  const count = ids.length;
  const order = Array.from({ length: count }, (_, index) => index).sort((a, b) => Buffer.compare(ids[a]!, ids[b]!));
  const sortedIds = order.map((index) => ids[index]!);
  const tables: number[][] = new Array(count);
  for (let position = 0; position < count; position++) {
    const table: number[] = [];
    let low = 0;
    let high = count;
    for (let bit = 0; bit < ID_BITS && high - low > 1; bit++) {
      const split = splitPoint(sortedIds, low, high, bit);
      const [siblingLow, siblingHigh] = position < split ? [split, high] : [low, split];
      [low, high] = position < split ? [low, split] : [split, high];
      const size = siblingHigh - siblingLow;
      if (size === 0) continue;
      for (const pick of sampleDistinctIndices(random, size, BUCKET_SIZE_K)) table.push(order[siblingLow + pick]!);
    }
    tables[order[position]!] = table;
  }
  const offsets = new Uint32Array(count + 1);
  for (let index = 0; index < count; index++) offsets[index + 1] = offsets[index]! + tables[index]!.length;
  const contacts = new Uint32Array(offsets[count]!);
  for (let index = 0; index < count; index++) contacts.set(tables[index]!, offsets[index]!);
  return { offsets, contacts };
}
