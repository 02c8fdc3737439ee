/**
 * Simulated network conditions between the collector and the simulated nodes: loss and latency.
 * Loss is applied once per query, on the way in (a dropped query and a dropped reply look the same
 * to the querier: a timeout), so `lossRate` is exactly the share of queries that go unanswered.
 * Latency delays each reply by rttMs ± jitterMs (uniform), with one timer per delayed reply and
 * none when the delay is 0. Every decision comes from the seeded PRNG.
 */
import type { SeededRandom } from './prng.ts';

export class NetworkConditions {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly lossRate: number,
    private readonly rttMs: number,
    private readonly jitterMs: number,
    private readonly random: SeededRandom,
  ) {}

  /** True when this incoming query is lost. */
  dropsQuery(): boolean {
    return this.random.chance(this.lossRate);
  }

  replyDelayMs(): number {
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
