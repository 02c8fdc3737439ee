/**
 * The nodes the sampling crawler knows and when each may be sampled again. BEP 51: "interval ... the
 * subset refresh interval in seconds": asking a node again sooner returns the same sample, so a node
 * is not asked before its interval has passed. Nodes never sampled come first (they widen the
 * crawl); then, among the nodes whose interval has ended, the one that said (`num`) it stores the
 * most infohashes, since its next sample is the likeliest to hold unseen ones (ties: the one due
 * longest). Nodes without BEP 51 are set aside for a
 * long while; nodes that stop answering are evicted. Bounded: past the capacity, new nodes are not
 * taken until evictions make room (the crawl is then as wide as memory allows, not wider).
 */
import { addressKey, type NodeContact } from '../../protocol/compact.ts';

/** Memory per node is ~200 bytes: 100,000 nodes is ~20 MiB, a few percent of the real DHT per pass. */
export const DEFAULT_FRONTIER_CAPACITY = 100_000;
/** A node that does not speak BEP 51 may be upgraded; ask again after a day. */
export const UNSUPPORTED_RETRY_MS = 24 * 3_600_000;
/** Even a node that says `interval: 0` is not asked more than once a minute. */
export const MIN_RESAMPLE_MS = 60_000;
/** After a timeout, wait before trying again; three misses in a row and the node is forgotten. */
const FAILURE_RETRY_MS = 5 * 60_000;
const MAX_CONSECUTIVE_FAILURES = 3;

export interface FrontierNode {
  contact: NodeContact;
  /** 0 until first sampled. */
  sampledAtMs: number;
  nextSampleAtMs: number;
  samples: number;
  /** The node's last `num`: infohashes it stores. */
  lastNum: number;
  unsupported: boolean;
  failures: number;
}

export interface FrontierStats {
  known: number;
  neverSampled: number;
  sampled: number;
  unsupported: number;
  evicted: number;
  refusedAtCapacity: number;
}

export class NodeFrontier {
  private readonly nodes = new Map<string, FrontierNode>();
  /** Never-sampled nodes in arrival order (a Set keeps insertion order and O(1) deletes). */
  private readonly fresh = new Set<string>();
  private evicted = 0;
  private refusedAtCapacity = 0;

  constructor(private readonly capacity = DEFAULT_FRONTIER_CAPACITY) {}

  get size(): number {
    return this.nodes.size;
  }

  /** True when the node is new to the frontier. */
  add(contact: NodeContact): boolean {
    const key = addressKey(contact);
    if (this.nodes.has(key)) return false;
    if (this.nodes.size >= this.capacity) {
      this.refusedAtCapacity++;
      return false;
    }
    this.nodes.set(key, { contact, sampledAtMs: 0, nextSampleAtMs: 0, samples: 0, lastNum: 0, unsupported: false, failures: 0 });
    this.fresh.add(key);
    return true;
  }

  /** The next node to sample at `nowMs`, taken out of rotation until it is marked; undefined if none is due. */
  takeDue(nowMs: number): FrontierNode | undefined {
    for (const key of this.fresh) {
      this.fresh.delete(key);
      const node = this.nodes.get(key);
      if (node) return this.hold(node);
    }
    let best: FrontierNode | undefined;
    for (const node of this.nodes.values()) {
      if (node.nextSampleAtMs > nowMs || node.nextSampleAtMs === Infinity) continue;
      if (!best || node.lastNum > best.lastNum || (node.lastNum === best.lastNum && node.nextSampleAtMs < best.nextSampleAtMs)) best = node;
    }
    return best ? this.hold(best) : undefined;
  }

  /** How many nodes have never been sampled (a pass is complete when none is left and none is in flight). */
  get neverSampled(): number {
    return this.fresh.size;
  }

  /** The earliest time any node becomes due (Infinity when none will). */
  nextDueAtMs(): number {
    if (this.fresh.size > 0) return 0;
    let earliest = Infinity;
    for (const node of this.nodes.values()) if (node.nextSampleAtMs < earliest) earliest = node.nextSampleAtMs;
    return earliest;
  }

  markSampled(node: FrontierNode, intervalSec: number, num: number, nowMs: number): void {
    node.sampledAtMs = nowMs;
    node.samples++;
    node.lastNum = num;
    node.failures = 0;
    node.unsupported = false;
    node.nextSampleAtMs = nowMs + Math.max(MIN_RESAMPLE_MS, intervalSec * 1000);
  }

  markUnsupported(node: FrontierNode, nowMs: number): void {
    node.unsupported = true;
    node.sampledAtMs = nowMs;
    node.nextSampleAtMs = nowMs + UNSUPPORTED_RETRY_MS;
  }

  markFailed(node: FrontierNode, nowMs: number): void {
    node.failures++;
    if (node.failures >= MAX_CONSECUTIVE_FAILURES) {
      this.nodes.delete(addressKey(node.contact));
      this.evicted++;
      return;
    }
    node.nextSampleAtMs = nowMs + FAILURE_RETRY_MS;
  }

  stats(): FrontierStats {
    let sampled = 0;
    let unsupported = 0;
    for (const node of this.nodes.values()) {
      if (node.samples > 0) sampled++;
      if (node.unsupported) unsupported++;
    }
    return { known: this.nodes.size, neverSampled: this.fresh.size, sampled, unsupported, evicted: this.evicted, refusedAtCapacity: this.refusedAtCapacity };
  }

  /** Out of rotation while its query is in flight: no two workers ask one node at once. */
  private hold(node: FrontierNode): FrontierNode {
    node.nextSampleAtMs = Infinity;
    return node;
  }
}
