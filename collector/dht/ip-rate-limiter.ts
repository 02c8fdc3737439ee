/**
 * Politeness towards each remote IP. libtorrent stops answering an IP that sends it more than
 * 5 packets a second on average (dht_block_ratelimit = 5, i.e. 50 in 10 s) and ignores it for
 * 5 minutes (dht_block_timeout). Every outgoing query waits, if needed, until its destination IP
 * has had fewer than `maxPerWindow` packets from us in the last `windowMs`.
 */
import { monotonicMs } from '../../core/clock.ts';

export const DEFAULT_MAX_QUERIES_PER_IP_PER_10S = 40;
const WINDOW_MS = 10_000;
const SWEEP_IDLE_AFTER_MS = 60_000;

export class IpRateLimiter {
  private readonly sent = new Map<string, number[]>();
  private lastSweepMs = monotonicMs();

  constructor(private readonly maxPerWindow = DEFAULT_MAX_QUERIES_PER_IP_PER_10S) {}

  /** Milliseconds to wait before a packet to `ip` may go; 0 means now (and the send is recorded). */
  reserve(ip: string, nowMs = monotonicMs()): number {
    this.forgetIdle(nowMs);
    let times = this.sent.get(ip);
    if (!times) {
      times = [];
      this.sent.set(ip, times);
    }
    while (times.length > 0 && times[0]! <= nowMs - WINDOW_MS) times.shift();
    if (times.length < this.maxPerWindow) {
      times.push(nowMs);
      return 0;
    }
    return times[0]! + WINDOW_MS - nowMs;
  }

  /** Keeps memory bounded by the IPs contacted in the last minute. */
  private forgetIdle(nowMs: number): void {
    if (nowMs - this.lastSweepMs < SWEEP_IDLE_AFTER_MS) return;
    this.lastSweepMs = nowMs;
    for (const [ip, times] of this.sent) if ((times[times.length - 1] ?? 0) <= nowMs - WINDOW_MS) this.sent.delete(ip);
  }

  get trackedIps(): number {
    return this.sent.size;
  }
}
