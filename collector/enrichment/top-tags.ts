/**
 * Keeps tagged series bounded (DESIGN.md §4): the N largest groups by name, everything else summed
 * into `other`, so a torrent has at most N + 1 series per measurement whatever its spread.
 */

export const OTHER_TAG = 'other';

/** [tag, count] for the top `n` (largest first, ties by name), then `other` with the rest plus `unplaced`, when non-zero. */
export function topWithOther(counts: ReadonlyMap<string, number>, n: number, unplaced = 0): [string, number][] {
  const sorted = [...counts].sort(([tagA, a], [tagB, b]) => b - a || (tagA < tagB ? -1 : tagA > tagB ? 1 : 0));
  const top = sorted.slice(0, n);
  const rest = sorted.slice(n).reduce((sum, [, count]) => sum + count, unplaced);
  return rest > 0 ? [...top, [OTHER_TAG, rest]] : top;
}
