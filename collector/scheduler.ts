/**
 * Runs sweeps every `intervalMs`, never two at once: a sweep that overruns the interval delays the
 * next one instead of overlapping it (the next starts as soon as it ends).
 */
import { monotonicMs } from '../core/clock.ts';

export interface SchedulerOptions {
  intervalMs: number;
  sweep: () => Promise<void>;
  onError: (error: unknown) => void;
}

export class SweepScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {}

  get isSweeping(): boolean {
    return this.running !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.runOnce();
  }

  private runOnce(): void {
    if (this.stopped) return;
    const startedMs = monotonicMs();
    this.running = this.options
      .sweep()
      .catch((error: unknown) => this.options.onError(error))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const waitMs = Math.max(0, startedMs + this.options.intervalMs - monotonicMs());
        this.timer = setTimeout(() => this.runOnce(), waitMs);
      });
  }

  /** Stops scheduling and waits for a sweep in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
