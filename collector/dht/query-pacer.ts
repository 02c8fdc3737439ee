/**
 * A total query budget for one socket: at most `queriesPerSecond`, spaced evenly (no bursts). The
 * discovery crawler runs under it (`--discovery-rate`) on top of the per-IP politeness that every
 * socket has: the operator's promise to the network is a rate, and an even spacing keeps every
 * one-second window within it whatever the timers do.
 */
export class QueryPacer {
  private readonly gapMs: number;
  private nextSendAtMs = 0;

  constructor(readonly queriesPerSecond: number) {
    if (!(queriesPerSecond > 0) || !Number.isFinite(queriesPerSecond)) throw new RangeError(`queriesPerSecond must be a positive number, got ${queriesPerSecond}`);
    this.gapMs = 1000 / queriesPerSecond;
  }

  /** Milliseconds to wait before the next send; 0 means now (and the send is recorded). */
  reserve(nowMs: number = performance.now()): number {
    if (nowMs < this.nextSendAtMs) return Math.ceil(this.nextSendAtMs - nowMs);
    this.nextSendAtMs = nowMs + this.gapMs;
    return 0;
  }
}
