/**
 * Distinct random indices, for the `values` subset of a get_peers reply. libtorrent picks at most
 * `max_peers_reply` (100) stored peers at random for each reply, so two lookups of a large swarm
 * see different subsets; a simulator that always returned the same 100 would hide the need to
 * query many nodes and repeat lookups.
 */
import type { SeededRandom } from './prng.ts';

/**
 * `count` distinct integers from [0, population), by Robert Floyd's algorithm: O(count) time and
 * memory whatever the population, so sampling 100 of a 50,000-peer swarm stays cheap.
 */
export function sampleDistinctIndices(random: SeededRandom, population: number, count: number): number[] {
  if (count >= population) return Array.from({ length: population }, (_, index) => index);
  const chosen = new Set<number>();
  for (let upper = population - count; upper < population; upper++) {
    const pick = random.nextInt(0, upper);
    chosen.add(chosen.has(pick) ? upper : pick);
  }
  return [...chosen];
}
