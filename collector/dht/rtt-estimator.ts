/**
 * Query timeouts that follow the network instead of a fixed 2 s: the smoothed round-trip time and
 * its variation, as TCP computes its retransmission timeout (RFC 6298: SRTT, RTTVAR, RTO = SRTT +
 * 4·RTTVAR). On a 50 ms network a dead node then costs ~250 ms instead of the stock 2 s.
 */
const ALPHA = 1 / 8;
const BETA = 1 / 4;

export class RttEstimator {
  private smoothedMs?: number;
  private variationMs = 0;
  samples = 0;

  constructor(
    /** Never wait less: an event loop busy with a sweep delays replies too. */
    private readonly minTimeoutMs: number,
    /** Never wait more, and the timeout before any sample: the configured query timeout. */
    private readonly maxTimeoutMs: number,
  ) {}

  record(rttMs: number): void {
    this.samples++;
    if (this.smoothedMs === undefined) {
      this.smoothedMs = rttMs;
      this.variationMs = rttMs / 2;
      return;
    }
    this.variationMs = (1 - BETA) * this.variationMs + BETA * Math.abs(this.smoothedMs - rttMs);
    this.smoothedMs = (1 - ALPHA) * this.smoothedMs + ALPHA * rttMs;
  }

  /**
   * The timeout of a query; `backoffs` doubles it once per earlier attempt at the same node that
   * timed out, as RFC 6298 §5.5 backs off the retransmission timer. A node that is slow rather than
   * gone (a long-RTT path, a busy event loop at either end) then answers the retry instead of being
   * dropped from the lookup after two short waits.
   */
  timeoutMs(backoffs = 0): number {
    if (this.smoothedMs === undefined) return this.maxTimeoutMs;
    const rtoMs = Math.max(this.minTimeoutMs, this.smoothedMs + 4 * this.variationMs);
    return Math.round(Math.min(this.maxTimeoutMs, rtoMs * 2 ** Math.max(0, backoffs)));
  }

  get smoothedRttMs(): number | undefined {
    return this.smoothedMs;
  }
}
