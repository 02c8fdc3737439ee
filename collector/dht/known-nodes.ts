/**
 * The DHT nodes the collector knows, used as starting points of lookups. A crawler that only
 * reads needs no full Kademlia routing table (BEP 5): an iterative lookup started from any of the
 * known nodes closest to a target converges on the target's k closest. The set is bounded; nodes
 * that keep failing are evicted first.
 */
import { addressKey, type NodeContact } from '../../protocol/compact.ts';
import { compareDistance } from '../../protocol/node-id.ts';

/** Enough starting points to reach any part of the id space in a few hops; bounded memory. */
export const MAX_KNOWN_NODES = 5000;
const MAX_CONSECUTIVE_FAILURES = 3;

interface KnownNode extends NodeContact {
  failures: number;
  lastSeenMs: number;
  /** A bootstrap router: a starting point, but not saved for the next run (that would defeat saving). */
  router: boolean;
}

export class KnownNodes {
  private readonly byAddress = new Map<string, KnownNode>();

  constructor(private readonly capacity = MAX_KNOWN_NODES) {}

  get size(): number {
    return this.byAddress.size;
  }

  /** A node that answered us. */
  markAlive(node: NodeContact, options: { router?: boolean; nowMs?: number } = {}): void {
    const key = addressKey(node);
    const nowMs = options.nowMs ?? Date.now();
    const existing = this.byAddress.get(key);
    if (existing) {
      existing.id = node.id;
      existing.failures = 0;
      existing.lastSeenMs = nowMs;
      return;
    }
    if (this.byAddress.size >= this.capacity) this.evictOne();
    this.byAddress.set(key, { id: node.id, host: node.host, port: node.port, family: node.family, failures: 0, lastSeenMs: nowMs, router: options.router ?? false });
  }

  markFailed(node: { host: string; port: number }): void {
    const key = addressKey(node);
    const existing = this.byAddress.get(key);
    if (!existing) return;
    existing.failures++;
    if (existing.failures >= MAX_CONSECUTIVE_FAILURES) this.byAddress.delete(key);
  }

  closest(target: Buffer, count: number): NodeContact[] {
    return [...this.byAddress.values()].sort((a, b) => compareDistance(target, a.id, b.id)).slice(0, count);
  }

  /** Every known node but the bootstrap routers: what is worth saving for the next run. */
  learned(): NodeContact[] {
    return [...this.byAddress.values()].filter((node) => !node.router);
  }

  private evictOne(): void {
    let victim: KnownNode | undefined;
    for (const node of this.byAddress.values()) {
      if (!victim || node.failures > victim.failures || (node.failures === victim.failures && node.lastSeenMs < victim.lastSeenMs)) victim = node;
    }
    if (victim) this.byAddress.delete(addressKey(victim));
  }
}
