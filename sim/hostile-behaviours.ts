/**
 * The misbehaviours a share of simulated nodes can show, so the collector can be tested against a
 * DHT that lies (issue 3, "hostile network"), and which nodes get which. Each hostile node acts on
 * its own: there is no collusion between them.
 *
 * Hostile nodes sit in the routing tables like any other node, so lookups meet them, but they never
 * hold ground truth: a torrent's peers are stored on the K closest *honest* nodes, and announces
 * sent to a hostile node are acknowledged and thrown away. "Ground truth" therefore always means the
 * honest peers, whatever the hostile nodes claim.
 */
import type { SeededRandom } from './prng.ts';
import { sampleDistinctIndices } from './random-sample.ts';

export const HOSTILE_BEHAVIOURS = [
  /** get_peers for any infohash: `values` made up afresh for each query (public addresses). */
  'fabricate',
  /** get_peers for any infohash: private, loopback, documentation, multicast… addresses. */
  'bogon',
  /** get_peers: a few addresses (honest ones for a seeded torrent) repeated many times. */
  'duplicate',
  /** Replies far beyond the 8 KiB KRPC cap: thousands of values, or hundreds of fake contacts. */
  'oversized',
  /** Garbage, truncated bencode and wrong types (values as a string, ragged nodes, 19-byte ids). */
  'malformed',
  /** Hands out tokens it then refuses, and answers some queries with error replies. */
  'bad-token',
  /** Answers, then sends ~50 unsolicited datagrams (random bytes, replays with other transaction ids). */
  'flood',
  /** Returns contacts with ids right next to the target that all point back to itself. */
  'sybil-closer',
] as const;

export type HostileBehaviour = (typeof HOSTILE_BEHAVIOURS)[number];

/**
 * Node index → behaviour. `round(nodes × share)` nodes, drawn from the seeded stream among the
 * nodes that are not bootstrap nodes (bootstrap routers are run by known parties, as
 * router.bittorrent.com is; a collector needs one honest way in), then given the behaviours in turn
 * so that every behaviour is present as soon as there are as many hostile nodes as behaviours.
 */
export function assignHostileNodes(
  nodeCount: number,
  bootstrapCount: number,
  share: number,
  behaviours: readonly HostileBehaviour[],
  random: SeededRandom,
): Map<number, HostileBehaviour> {
  const eligible = nodeCount - bootstrapCount;
  const count = Math.min(eligible, Math.round(nodeCount * share));
  const assigned = new Map<number, HostileBehaviour>();
  if (count <= 0 || behaviours.length === 0) return assigned;
  sampleDistinctIndices(random, eligible, count).forEach((pick, turn) => {
    assigned.set(bootstrapCount + pick, behaviours[turn % behaviours.length]!);
  });
  return assigned;
}
