/** BEP 33's size estimate of a scrape bloom filter: n ≈ ln(c / m) / (k · ln(1 − 1/m)), c = zero bits, m = 2048, k = 2. */
export function estimateBloomSize(bloom: Buffer): number {
  const bits = bloom.length * 8;
  let zeros = 0;
  for (const byte of bloom) for (let bit = 0; bit < 8; bit++) if ((byte & (1 << bit)) === 0) zeros++;
  return Math.log(zeros / bits) / (2 * Math.log(1 - 1 / bits));
}
