/**
 * A set of 64-bit keys in typed arrays: an open-addressing hash table (linear probing, at most half
 * full) for membership and an append-only log for age order, 24–48 bytes a key where a JavaScript
 * Set of short strings costs ~100 (issue 12: a million remembered peers at 10,000 torrents).
 * Keys are two 32-bit halves; the all-zero key marks an empty slot, so it is stored as (0, 1).
 */
const INITIAL_SLOTS = 16;

export class PeerKeySet {
  /** Slot i holds the key's halves at [2i, 2i + 1]; (0, 0) is empty. */
  private table = new Uint32Array(2 * INITIAL_SLOTS);
  /** Keys in insertion order, as pairs of halves. */
  private log = new Uint32Array(2 * INITIAL_SLOTS);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a key; false when it was already there. */
  add(high: number, low: number): boolean {
    if (high === 0 && low === 0) low = 1;
    if (2 * (this.count + 1) > this.table.length / 2) this.resizeTable(this.table.length);
    if (!this.insert(this.table, high >>> 0, low >>> 0)) return false;
    if (2 * this.count + 2 > this.log.length) {
      const grown = new Uint32Array(this.log.length * 2);
      grown.set(this.log);
      this.log = grown;
    }
    this.log[2 * this.count] = high >>> 0;
    this.log[2 * this.count + 1] = low >>> 0;
    this.count++;
    return true;
  }

  /** Forgets all but the `keep` newest keys. */
  keepNewest(keep: number): void {
    if (keep >= this.count) return;
    const kept = this.log.slice(2 * (this.count - keep), 2 * this.count);
    this.table = new Uint32Array(2 * INITIAL_SLOTS);
    this.log = new Uint32Array(Math.max(2 * INITIAL_SLOTS, kept.length));
    this.count = 0;
    for (let index = 0; index < kept.length; index += 2) this.add(kept[index]!, kept[index + 1]!);
  }

  /** Linear probing from the low half (already a uniform hash: an HMAC's bytes). */
  private insert(table: Uint32Array, high: number, low: number): boolean {
    const mask = table.length / 2 - 1;
    for (let slot = (low ^ high) & mask; ; slot = (slot + 1) & mask) {
      const slotHigh = table[2 * slot]!;
      const slotLow = table[2 * slot + 1]!;
      if (slotHigh === 0 && slotLow === 0) {
        table[2 * slot] = high;
        table[2 * slot + 1] = low;
        return true;
      }
      if (slotHigh === high && slotLow === low) return false;
    }
  }

  /** Doubles the table (kept at most half full, so probes stay short). */
  private resizeTable(length: number): void {
    const next = new Uint32Array(length * 2);
    for (let index = 0; index < this.count; index++) this.insert(next, this.log[2 * index]!, this.log[2 * index + 1]!);
    this.table = next;
  }
}
