/**
 * How the demo's swarms grow: logistic growth (a leak spreads fast once enough peers seed it, then
 * saturates) times a daily cycle (more peers in the evening of the big regions), on a clock where a
 * simulated day passes in a couple of real minutes, so the page shows graphs that move within the
 * first minute. The share of seeds rises as early downloaders finish and keep seeding.
 */
import { createHash } from 'node:crypto';
import type { SimSwarm } from '../../sim/index.ts';

export interface DemoSwarm {
  label: string;
  source: string;
  /** Peers the swarm levels off at. */
  capacity: number;
  /** Simulated days after the demo starts when the swarm reaches half its capacity. */
  midpointDays: number;
  /** How fast it grows: about 4.4 widths from 10 % to 90 %. */
  widthDays: number;
  /** Where in its daily cycle the swarm starts (0..1 of a day): swarms peak at different hours. */
  phase: number;
}

/** Three model-like swarms: one already spreading, one taking off, one just leaked. */
export const DEMO_SWARMS: readonly DemoSwarm[] = [
  { label: 'Demo: LLaMA-like 65B leak', source: 'swarmscope demo (simulated)', capacity: 2400, midpointDays: 0.8, widthDays: 0.35, phase: 0 },
  { label: 'Demo: Mistral-like 7B release', source: 'swarmscope demo (simulated)', capacity: 1200, midpointDays: 1.6, widthDays: 0.3, phase: 0.3 },
  { label: 'Demo: Grok-like 314B release', source: 'swarmscope demo (simulated)', capacity: 600, midpointDays: 2.5, widthDays: 0.4, phase: 0.6 },
];

const DAILY_SWING = 0.15;

/** Stable across runs, so a demo restarted on the same --data-dir continues the same series. */
export function demoInfohash(swarm: DemoSwarm): string {
  return createHash('sha1').update(`swarmscope demo: ${swarm.label}`).digest('hex');
}

export function demoPeers(swarm: DemoSwarm, simulatedDays: number): { peers: number; seeds: number } {
  const grown = swarm.capacity / (1 + Math.exp(-(simulatedDays - swarm.midpointDays) / swarm.widthDays));
  const daily = 1 + DAILY_SWING * Math.sin(2 * Math.PI * (simulatedDays + swarm.phase));
  const peers = Math.max(1, Math.round(grown * daily));
  const seeds = Math.round(peers * (0.1 + 0.5 * (grown / swarm.capacity)));
  return { peers, seeds };
}

export interface GrowthOptions {
  /** Real milliseconds per simulated day. */
  dayMs: number;
  /** How often peer counts are updated. */
  tickMs: number;
  nowMs?: () => number;
}

/** Moves every swarm's ground truth along its curve (sim `setPeerCount`); returns a stop function. */
export function driveGrowth(sim: SimSwarm, swarms: readonly DemoSwarm[], options: GrowthOptions): () => void {
  const now = options.nowMs ?? Date.now;
  const startMs = now();
  const tick = (): void => {
    const days = (now() - startMs) / options.dayMs;
    for (const swarm of swarms) {
      const { peers, seeds } = demoPeers(swarm, days);
      sim.setPeerCount(demoInfohash(swarm), peers, { seeds });
    }
  };
  tick();
  const timer = setInterval(tick, options.tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
