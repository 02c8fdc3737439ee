/**
 * At most N requests at once to one host (host:port), however many mirrors it serves: many mirrors
 * of one torrent often sit on one CDN or one volunteer's server, and a checker that opens dozens of
 * connections to it at once looks like (and is) a small flood. Waiters are served in arrival order.
 */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly perHost: number) {}

  async run<T>(host: string, work: () => Promise<T>): Promise<T> {
    await this.acquire(host);
    try {
      return await work();
    } finally {
      this.release(host);
    }
  }

  /** Requests running now to this host (tests check the limit holds). */
  inFlight(host: string): number {
    return this.active.get(host) ?? 0;
  }

  private acquire(host: string): Promise<void> {
    const running = this.active.get(host) ?? 0;
    if (running < this.perHost) {
      this.active.set(host, running + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(host) ?? [];
      queue.push(resolve);
      this.waiting.set(host, queue);
    });
  }

  private release(host: string): void {
    const queue = this.waiting.get(host);
    const next = queue?.shift();
    if (queue?.length === 0) this.waiting.delete(host);
    // The slot passes straight to the next waiter, so the count stays at the limit.
    if (next) return next();
    const running = (this.active.get(host) ?? 1) - 1;
    if (running === 0) this.active.delete(host);
    else this.active.set(host, running);
  }
}
