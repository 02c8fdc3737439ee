/**
 * How many peers each generated torrent gets. `uniform` (the default, and what every test before
 * issue 12 used) draws uniformly in [minPeers, maxPeers]. `pareto` draws from a power law bounded
 * to [minPeers, maxPeers] (density ∝ x^-(alpha+1)): most swarms are small and a few are very large,
 * as measured on BitTorrent. Su et al. (IJCNS 6(6), 2013, doi:10.4236/ijcns.2013.66032) find 74.6%
 * of torrents with at most 1,000 peers and a hot-spot head; Dán and Carlsson ("Power-law revisited",
 * IPTPS 2010), over 10 million torrents, find a power-law tail on short observation windows (a
 * sweep is one) whose tail bends to exponential over months. The shape `alpha` is not taken from
 * either paper: its default of 0.95 is chosen so that 10,000 torrents of 10–50,000 peers hold about
 * a million peers, the scale issue 12 asks for (`expectedSwarmSize` gives ≈ 101 per swarm). That is
 * more skewed than Su et al.'s crawl of popular torrents (≈ 99% of swarms under 1,000 peers, not
 * 74.6%): a watchlist of leaks holds many small swarms and a few famous ones.
 */
import type { SeededRandom } from './prng.ts';

export const SWARM_SIZE_DISTRIBUTIONS = ['uniform', 'pareto'] as const;
export type SwarmSizeDistribution = (typeof SWARM_SIZE_DISTRIBUTIONS)[number];
/** With [10, 50,000]: mean ≈ 101 peers, so 10,000 torrents ≈ 1,000,000 peers. */
export const DEFAULT_PARETO_ALPHA = 0.95;

export interface SwarmSizeOptions {
  minPeers: number;
  maxPeers: number;
  sizeDistribution: SwarmSizeDistribution;
  sizeAlpha: number;
}

/**
 * One swarm size. The uniform case makes exactly the one `nextInt` draw it always made, so swarms
 * seeded before this option existed keep their sizes (and everything drawn after them).
 */
export function drawSwarmSize(random: SeededRandom, options: SwarmSizeOptions): number {
  const { minPeers, maxPeers } = options;
  if (options.sizeDistribution === 'uniform' || minPeers === maxPeers) return random.nextInt(minPeers, maxPeers);
  const low = Math.max(1, minPeers);
  const u = random.nextFloat();
  return Math.min(maxPeers, Math.max(minPeers, Math.floor(boundedParetoQuantile(u, low, maxPeers, options.sizeAlpha))));
}

/** Inverse CDF of the Pareto distribution with shape `alpha` truncated to [low, high]. */
export function boundedParetoQuantile(u: number, low: number, high: number, alpha: number): number {
  const ratio = (low / high) ** alpha;
  return low / (1 - u * (1 - ratio)) ** (1 / alpha);
}

/** Mean swarm size of the (continuous) bounded Pareto, for sizing a sim to a target peer total. */
export function expectedSwarmSize(low: number, high: number, alpha: number): number {
  const ratio = (low / high) ** alpha;
  if (Math.abs(alpha - 1) < 1e-9) return (low * Math.log(high / low)) / (1 - ratio);
  return ((alpha * low) / (alpha - 1)) * ((1 - (low / high) ** (alpha - 1)) / (1 - ratio));
}
