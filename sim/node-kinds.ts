/**
 * Which implementation each simulated node runs, and which nodes are dead (Internet profile,
 * internet-profile.ts). Bootstrap nodes and hostile nodes are left as they are: a bootstrap node
 * that never answers would only test the bootstrap retry, and hostile nodes have their own
 * behaviours. Dead nodes stay in every routing table (their contacts keep being handed out, as on
 * the real DHT, where a large share of the contacts in a reply never answer) but drop every packet.
 */
import type { InternetKnobs } from './internet-profile.ts';
import type { SeededRandom } from './prng.ts';

/** libtorrent 2.0 (the default), or one of the other implementations the profile mixes in. */
export type NodeKind = 'libtorrent' | 'store-nothing' | 'nodes-only' | 'slice50';

export interface NodeKinds {
  kinds: NodeKind[];
  /** 1 = the node drops every packet (NAT, departed); churn (churn.ts) flips it. */
  dead: Uint8Array;
  /** Nodes churn may flip: honest, not bootstrap. Holders are taken out once torrents are placed. */
  churnable: Uint8Array;
}

export function assignNodeKinds(count: number, bootstrapCount: number, isHostile: (index: number) => boolean, knobs: InternetKnobs, random: SeededRandom): NodeKinds {
  const kinds: NodeKind[] = new Array<NodeKind>(count).fill('libtorrent');
  const dead = new Uint8Array(count);
  const churnable = new Uint8Array(count);
  for (let index = bootstrapCount; index < count; index++) {
    if (isHostile(index)) continue;
    churnable[index] = 1;
    if (random.chance(knobs.deadShare)) dead[index] = 1;
    const draw = random.nextFloat();
    if (draw < knobs.storeNothingShare) kinds[index] = 'store-nothing';
    else if (draw < knobs.storeNothingShare + knobs.nodesOnlyShare) kinds[index] = 'nodes-only';
    else if (draw < knobs.storeNothingShare + knobs.nodesOnlyShare + knobs.slice50Share) kinds[index] = 'slice50';
  }
  return { kinds, dead, churnable };
}

/**
 * Whether announces reach a node: alive, and it hands out tokens (BEP 5: announce_peer needs one).
 * Announcers store on the k closest such nodes; a `store-nothing` one takes its slot and keeps
 * nothing, as a full or storage-less node does on the real DHT.
 */
export function receivesAnnounces(nodeKinds: NodeKinds, index: number): boolean {
  return nodeKinds.dead[index] === 0 && nodeKinds.kinds[index] !== 'nodes-only';
}
