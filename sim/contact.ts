/**
 * A node as it appears in a `nodes` reply: its id and its compact node info (BEP 5: 20-byte id +
 * 4-byte IPv4 + 2-byte port), encoded once and reused in every reply that lists it.
 */
import { compareDistance } from '../protocol/node-id.ts';

export interface Contact {
  id: Buffer;
  /** 26 bytes of compact node info. */
  compactNode: Buffer;
}

/**
 * The `k` contacts closest (XOR, BEP 5) to `target`, closest first. An insertion into a list of at
 * most k: O(n·k) for the ~100 contacts of a node, cheaper than sorting them all per query.
 */
export function closestContacts(target: Buffer, candidates: Iterable<Contact>, k: number): Contact[] {
  const best: Contact[] = [];
  for (const candidate of candidates) {
    if (best.length === k && compareDistance(target, candidate.id, best[k - 1]!.id) >= 0) continue;
    let position = best.length;
    while (position > 0 && compareDistance(target, candidate.id, best[position - 1]!.id) < 0) position--;
    // An equal id (the same node learned twice) is not worth two slots.
    if (position > 0 && best[position - 1]!.id.equals(candidate.id)) continue;
    best.splice(position, 0, candidate);
    if (best.length > k) best.pop();
  }
  return best;
}
