/**
 * Simulated network conditions between the collector and the simulated nodes: loss and latency.
 * Loss is applied once per query, on the way in (a dropped query and a dropped reply look the same
 * to the querier: a timeout), so `lossRate` is exactly the share of queries that go unanswered.
 * Latency delays each reply by rttMs ± jitterMs (uniform), with one timer per delayed reply and
 * none when the delay is 0. The Internet profile (internet-profile.ts) draws the delay from a
 * log-normal through a median and a 95th percentile instead: long-tailed, as RTTs on the Internet
 * are. Every decision comes from the seeded PRNG.
 */
import type { SeededRandom } from './prng.ts';

/** A log-normal delay with a tail this long is a lost reply in all but name: cap it. */
const MAX_DELAY_MS = 30_000;

export class NetworkConditions {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly lossRate: number,
    private readonly rttMs: number,
    private readonly jitterMs: number,
    private readonly random: SeededRandom,
    /** When set, delays are exp(mu + sigma·Z) ms, Z standard normal, and rttMs/jitterMs are unused. */
    private readonly logNormal?: { mu: number; sigma: number },
  ) {}

  /** True when this incoming query is lost. */
  dropsQuery(): boolean {
    return this.random.chance(this.lossRate);
  }

  replyDelayMs(): number {
    if (this.logNormal) {
      // Box–Muller: two uniform draws make one standard normal one.
      const z = Math.sqrt(-2 * Math.log(1 - this.random.nextFloat())) * Math.cos(2 * Math.PI * this.random.nextFloat());
      return Math.min(MAX_DELAY_MS, Math.exp(this.logNormal.mu + this.logNormal.sigma * z));
    }
    if (this.rttMs === 0 && this.jitterMs === 0) return 0;
    const spreadMs = this.jitterMs === 0 ? 0 : (this.random.nextFloat() * 2 - 1) * this.jitterMs;
    return Math.max(0, this.rttMs + spreadMs);
  }

  /** Runs `send` now or after the simulated delay; never after close(). */
  schedule(send: () => void): void {
    if (this.closed) return;
    const delayMs = this.replyDelayMs();
    if (delayMs <= 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      if (!this.closed) send();
    }, delayMs);
    this.pending.add(timer);
  }

  /** Cancels replies still in flight so that closing the swarm leaves no timers behind. */
  close(): void {
    this.closed = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }
}
