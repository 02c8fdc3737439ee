/**
 * A background loop that runs one pass at a time: after each pass it sleeps until the pass asks
 * (or the poll interval, whichever is sooner), and `nudge` cuts the sleep short when new work is
 * known to exist (a sweep just wrote samples, an event was just stored). Passes never overlap,
 * and `stop` waits for the running one, so state is never written after the store is closed.
 */

export interface PollLoop {
  nudge(): void;
  stop(): Promise<void>;
}

export interface PollLoopOptions {
  /** One pass; returns how long to wait before the next (undefined = the poll interval). */
  pass: () => Promise<number | undefined>;
  intervalMs: number;
  onError: (error: unknown) => void;
}

export function startPollLoop(options: PollLoopOptions): PollLoop {
  let stopped = false;
  let nudged = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, Math.max(0, ms));
    });

  const running = (async () => {
    while (!stopped) {
      nudged = false;
      let waitMs: number | undefined;
      try {
        waitMs = await options.pass();
      } catch (error) {
        options.onError(error);
      }
      if (stopped) break;
      // A nudge during the pass means work arrived after it looked: go again at once.
      if (nudged) continue;
      await sleep(Math.min(waitMs ?? options.intervalMs, options.intervalMs));
      clearTimeout(timer);
      wake = undefined;
    }
  })();

  return {
    nudge() {
      nudged = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}

/** Background work driven by a poll loop: subclasses say what one pass does. */
export abstract class PolledWork {
  private loop?: PollLoop;

  constructor(private readonly loopOptions: Omit<PollLoopOptions, 'pass'>) {}

  /** One pass; returns how long to wait before the next (undefined = the poll interval). */
  abstract pass(): Promise<number | undefined>;

  start(): void {
    this.loop ??= startPollLoop({ ...this.loopOptions, pass: () => this.pass() });
  }

  /** New work is known to exist: run a pass now rather than at the next poll. */
  nudge(): void {
    this.loop?.nudge();
  }

  /** Waits for the pass in progress, so nothing is written after the caller closes the store. */
  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = undefined;
  }
}
