/**
 * A cap on the TCP connections all probes hold at once, shared by every torrent of a sweep (the
 * sweep measures several torrents in parallel, each with its own sample of peers).
 */
export class ConnectionSlots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most slots ever held at once (tests check the cap). */
  peakInUse = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`connection slots must be a positive integer, got ${limit}`);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.peakInUse = Math.max(this.peakInUse, this.active);
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
