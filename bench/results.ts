/**
 * Machine-readable figures of a benchmark: `reportResult` prints one `bench-result:` line that
 * bench/run.ts collects into bench/results.json (one entry per benchmark, merged with the entries
 * of benchmarks not run this time), so tables can be regenerated from it rather than retyped.
 */
export const RESULT_PREFIX = 'bench-result: ';

export function reportResult(figures: Record<string, unknown>): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(figures)}\n`);
}
