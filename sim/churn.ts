/**
 * Churn (Internet profile): every second, `churnPerMinute / 60` of the live churnable nodes leave
 * (turn dead) and as many dead ones come back, so the share of dead contacts stays where the
 * profile put it while the set of them moves under a running sweep. Holders of ground truth do not
 * churn: a sweep's ground truth is what the holders store while it runs (README, "Internet profile").
 * One timer for the swarm, unref'd.
 */
import type { NodeKinds } from './node-kinds.ts';
import type { SeededRandom } from './prng.ts';

const TICK_MS = 1000;

export interface ChurnStats {
  left: number;
  joined: number;
}

export class Churn {
  private timer?: NodeJS.Timeout;
  /** Fractions of a node carried to the next tick, so small swarms churn at the right rate too. */
  private carry = 0;

  constructor(
    private readonly nodeKinds: NodeKinds,
    private readonly perMinute: number,
    private readonly random: SeededRandom,
    private readonly stats: ChurnStats,
  ) {}

  start(): void {
    if (this.perMinute <= 0 || this.timer) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  tick(): void {
    const { dead, churnable } = this.nodeKinds;
    const alive: number[] = [];
    const departed: number[] = [];
    for (let index = 0; index < churnable.length; index++) {
      if (churnable[index] === 0) continue;
      (dead[index] === 1 ? departed : alive).push(index);
    }
    this.carry += (alive.length * this.perMinute * TICK_MS) / 60_000;
    const moves = Math.min(Math.floor(this.carry), alive.length, departed.length);
    this.carry -= moves;
    for (let move = 0; move < moves; move++) {
      const leaving = alive.splice(this.random.nextInt(0, alive.length - 1), 1)[0]!;
      const joining = departed.splice(this.random.nextInt(0, departed.length - 1), 1)[0]!;
      dead[leaving] = 1;
      dead[joining] = 0;
      this.stats.left++;
      this.stats.joined++;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
