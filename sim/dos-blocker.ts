/**
 * libtorrent's DHT denial-of-service blocker (src/kademlia/dos_blocker.cpp), per simulated node:
 * each source IP gets a count and a window that starts at its first packet. When the count reaches
 * rate × 10 (50 with `dht_block_ratelimit` = 5) while the window (10 s) is still open, the IP is
 * ignored for `blockTimeoutSec` (300 s, `dht_block_timeout`) after that packet: every packet
 * meanwhile is dropped. Reaching the count after the window closed
 * starts a new window instead. The sim logs each block, so a test can count what a collector
 * triggered. libtorrent keeps 20 entries and evicts the quietest; a sim node sees few IPs, so
 * entries are kept per IP and dropped once their window and block are over.
 */
const WINDOW_MS = 10_000;

interface Entry {
  count: number;
  /** End of the window, or of the block once blocked. */
  limitMs: number;
}

export interface BlockEvent {
  ip: string;
  atMs: number;
}

export class DosBlocker {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ratePerSec: number,
    private readonly blockTimeoutMs: number,
    private readonly onBlock: (event: BlockEvent) => void,
  ) {}

  /** False when the packet from `ip` must be dropped. */
  incoming(ip: string, nowMs: number): boolean {
    if (this.ratePerSec <= 0) return true;
    const threshold = this.ratePerSec * 10;
    const entry = this.entries.get(ip);
    if (!entry) {
      if (this.entries.size > 1000) this.forgetIdle(nowMs);
      this.entries.set(ip, { count: 1, limitMs: nowMs + WINDOW_MS });
      return true;
    }
    entry.count++;
    if (entry.count < threshold) return true;
    if (nowMs < entry.limitMs) {
      if (entry.count === threshold) {
        entry.limitMs = nowMs + this.blockTimeoutMs;
        this.onBlock({ ip, atMs: nowMs });
      }
      return false;
    }
    entry.count = 0;
    entry.limitMs = nowMs + WINDOW_MS;
    return true;
  }

  private forgetIdle(nowMs: number): void {
    for (const [ip, entry] of this.entries) if (entry.limitMs < nowMs) this.entries.delete(ip);
  }
}
