/**
 * Nodes outside the simulation that queried a simulated node. BEP 5: "When a node receives a query
 * it should add the sender to its routing table" — that is how a real BitTorrent client joining
 * through the bootstrap address becomes known, so that others' lookups find it. The seeded buckets
 * are already full, so instead of displacing seeded contacts these live in a small side list that
 * find_node and get_peers consider alongside the table. Created only on a node's first such query.
 */
import { type Contact } from './contact.ts';

/** A few buckets' worth: enough for the handful of real clients an interop test runs. */
export const MAX_LEARNED_CONTACTS = 32;
/** BEP 5: a node not heard from for 15 minutes is "questionable"; stop handing it out. */
export const LEARNED_CONTACT_LIFETIME_MS = 15 * 60 * 1000;

interface LearnedContact extends Contact {
  lastSeenMs: number;
}

export class LearnedContacts {
  /** address key → contact; Map order doubles as least-recently-seen first. */
  private readonly byAddress = new Map<string, LearnedContact>();

  remember(addressKey: string, id: Buffer, compactNode: Buffer, nowMs: number): void {
    const known = this.byAddress.get(addressKey);
    if (known && known.id.equals(id)) {
      this.byAddress.delete(addressKey);
      known.lastSeenMs = nowMs;
      this.byAddress.set(addressKey, known);
      return;
    }
    this.byAddress.delete(addressKey);
    if (this.byAddress.size >= MAX_LEARNED_CONTACTS) {
      const oldest = this.byAddress.keys().next().value;
      if (oldest !== undefined) this.byAddress.delete(oldest);
    }
    this.byAddress.set(addressKey, { id: Buffer.from(id), compactNode, lastSeenMs: nowMs });
  }

  /** Contacts seen within the lifetime; stale ones are pruned on the way. */
  live(nowMs: number): Contact[] {
    for (const [key, contact] of this.byAddress) {
      if (nowMs - contact.lastSeenMs <= LEARNED_CONTACT_LIFETIME_MS) break;
      this.byAddress.delete(key);
    }
    return [...this.byAddress.values()];
  }
}
