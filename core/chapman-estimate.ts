/**
 * Two-sample capture–recapture (issue 13): the DHT lookup and the peer-wire probes (PEX) are two
 * captures of one swarm; `m` peers were seen by both. Chapman's bias-corrected estimator of the
 * population, N̂ = (n1 + 1)(n2 + 1) / (m + 1) − 1 (Chapman 1951), its variance
 * (n1 + 1)(n2 + 1)(n1 − m)(n2 − m) / ((m + 1)²(m + 2)) (Seber 1970), and a 95% interval on the
 * log-normal scale of the unseen part (Chao 1987), which never falls below what was seen.
 * Assumptions, to be stated wherever the number is shown: a closed population within a sweep,
 * and independent captures (a peer's chance of being in one does not change its chance in the other).
 */

/** Below this overlap the estimator is unstable and biased (Robson & Regier 1964 ask for m > 7). */
export const MIN_OVERLAP = 7;
/** Two-sided 95%: the normal quantile. */
const Z_95 = 1.959963984540054;

export type ChapmanResult =
  | { estimate: number; low: number; high: number; overlap: number; seen: number; variance: number }
  | { estimate: null; reason: string; overlap: number; seen: number };

export function chapmanEstimate(firstCount: number, secondCount: number, overlap: number): ChapmanResult {
  for (const [name, value] of [['firstCount', firstCount], ['secondCount', secondCount], ['overlap', overlap]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number ≥ 0, got ${value}`);
  }
  if (overlap > Math.min(firstCount, secondCount)) throw new RangeError(`overlap ${overlap} exceeds a capture (${firstCount}, ${secondCount})`);
  const seen = firstCount + secondCount - overlap;
  if (firstCount === 0 || secondCount === 0) return { estimate: null, reason: 'one capture is empty: nothing to compare', overlap, seen };
  if (overlap < MIN_OVERLAP) return { estimate: null, reason: `overlap of ${overlap} peers is under ${MIN_OVERLAP}: too small to support an estimate`, overlap, seen };
  const estimate = ((firstCount + 1) * (secondCount + 1)) / (overlap + 1) - 1;
  const variance = ((firstCount + 1) * (secondCount + 1) * (firstCount - overlap) * (secondCount - overlap)) / ((overlap + 1) ** 2 * (overlap + 2));
  const unseen = estimate - seen;
  if (unseen <= 0 || variance === 0) return { estimate, low: estimate, high: estimate, overlap, seen, variance };
  const spread = Math.exp(Z_95 * Math.sqrt(Math.log(1 + variance / unseen ** 2)));
  return { estimate, low: seen + unseen / spread, high: seen + unseen * spread, overlap, seen, variance };
}
