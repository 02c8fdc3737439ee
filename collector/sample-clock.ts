/**
 * The times samples are stamped with. They are the system's UTC clock, with two promises a series
 * needs and the raw clock does not keep when it is stepped (NTP correcting a drifted clock, a VM
 * resumed, an operator's `date -s`):
 *
 * - **Never backwards.** After a backward step the stamps are smeared back onto UTC instead of
 *   jumping: they go on from the last one at half the monotonic clock's rate until UTC catches up,
 *   i.e. for twice the step (the leap-smear idea: Google's public NTP smears a leap second over
 *   24 h). So a sweep never lands inside time already measured, never collides with an older sample,
 *   and the "latest sample" pointers keep moving; the price is that sweeps in the smear look twice
 *   as close together as they were, which the step's record says. A step back of more than
 *   `maxSmearMs` is taken as it is (two days of half-speed stamps would distort more than a clean
 *   break); its record says so too.
 * - **Steps are noticed.** Between two reads the wall clock should advance as much as the monotonic
 *   one; a difference over `stepThresholdMs` is a step. NTP slews a clock by at most 500 ppm
 *   (ntpd, RFC 5905 §11.3: 0.5 ms/s), i.e. under 0.5 s between two sweeps 15 minutes apart, so a 2 s
 *   threshold sees steps and not slewing. Each step is reported (the collector writes it in the
 *   sweep log, where gaps and the methods record read it).
 */
import { monotonicMs } from '../core/clock.ts';

export const CLOCK_STEP_THRESHOLD_MS = 2_000;
/** The longest backward step that is smeared (over twice its length): six hours. */
export const MAX_CLOCK_SMEAR_MS = 6 * 3_600_000;
/** Stamps in a smear advance this much per monotonic millisecond, so a step of D is absorbed in D / (1 − rate). */
export const SMEAR_RATE = 0.5;

export interface ClockStep {
  /** The stamp the step was seen at (for a smeared backward step, where the smear begins). */
  atMs: number;
  /** Wall clock minus where it should have been: > 0 forward, < 0 backward. */
  stepMs: number;
  /** How far the stamps jumped ahead of where they should have been: the span no time passed in (0 for a backward step). */
  skippedMs: number;
  /** A backward step smeared over the next 2 × |stepMs| of stamps (true), or followed as it is (false). */
  smeared: boolean;
}

export interface SampleClockOptions {
  wallMs?: () => number;
  monotonicMs?: () => number;
  /** The newest stamp already written (e.g. the sweep log's last sweep): stamps start after it. */
  floorMs?: number;
  stepThresholdMs?: number;
  maxSmearMs?: number;
  onStep?: (step: ClockStep) => void;
}

export class SampleClock {
  private readonly wall: () => number;
  private readonly monotonic: () => number;
  private readonly stepThresholdMs: number;
  private readonly maxSmearMs: number;
  private last?: { wallMs: number; monotonicMs: number; stampMs: number };

  constructor(private readonly options: SampleClockOptions = {}) {
    this.wall = options.wallMs ?? Date.now;
    this.monotonic = options.monotonicMs ?? monotonicMs;
    this.stepThresholdMs = options.stepThresholdMs ?? CLOCK_STEP_THRESHOLD_MS;
    this.maxSmearMs = options.maxSmearMs ?? MAX_CLOCK_SMEAR_MS;
  }

  /** Now, as a sample stamp. */
  nowMs(): number {
    const wallMs = this.wall();
    const monoMs = this.monotonic();
    const previous = this.last;
    let stampMs: number;
    if (!previous) {
      const floorMs = this.options.floorMs;
      // A floor ahead of the wall clock: the clock went back while the collector was not running.
      if (floorMs !== undefined && floorMs >= wallMs) {
        const smeared = floorMs - wallMs <= this.maxSmearMs;
        stampMs = smeared ? floorMs + 1 : wallMs;
        this.options.onStep?.({ atMs: stampMs, stepMs: wallMs - floorMs, skippedMs: 0, smeared });
      } else {
        stampMs = wallMs;
      }
    } else {
      const elapsedMs = Math.max(0, monoMs - previous.monotonicMs);
      const expectedWallMs = previous.wallMs + elapsedMs;
      const stepMs = wallMs - expectedWallMs;
      stampMs = this.stampAfter(previous.stampMs, elapsedMs, wallMs);
      if (Math.abs(stepMs) > this.stepThresholdMs) {
        // Against the stamp this read would have had without the step (a smear may have been on).
        const skippedMs = Math.max(0, stampMs - this.stampAfter(previous.stampMs, elapsedMs, expectedWallMs));
        this.options.onStep?.({ atMs: stampMs, stepMs: Math.round(stepMs), skippedMs, smeared: stepMs < 0 && stampMs > wallMs });
      }
    }
    this.last = { wallMs, monotonicMs: monoMs, stampMs };
    return stampMs;
  }

  /** Behind the last stamp's timeline: smear towards UTC, unless the step is too large to. */
  private stampAfter(previousStampMs: number, elapsedMs: number, wallMs: number): number {
    const behindMs = previousStampMs + elapsedMs - wallMs;
    if (behindMs <= 0 || behindMs > this.maxSmearMs) return wallMs;
    return Math.max(wallMs, Math.floor(previousStampMs + elapsedMs * SMEAR_RATE));
  }
}
