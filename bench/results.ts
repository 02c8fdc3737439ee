/**
 * Machine-readable figures of a benchmark: `reportResult` prints one `bench-result:` line that
 * bench/run.ts collects into bench/results.json (one entry per benchmark, merged with the entries
 * of benchmarks not run this time), so tables can be regenerated from it rather than retyped.
 * `rows` are the benchmark's own lines of the README table (bench/readme-table.ts): it knows which
 * figure is the headline, what its baseline in the same run was, and the target it is held to.
 */
export const RESULT_PREFIX = 'bench-result: ';

export interface TableRow {
  /** What was measured, with the parameters that matter (sizes, concurrency). */
  figure: string;
  value: string;
  /** The baseline measured in the same run, if any. */
  baseline?: string;
  /** The target it is held to (issue 12), if any. */
  target?: string;
}

export function reportResult(figures: Record<string, unknown>, rows: TableRow[] = []): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(rows.length > 0 ? { ...figures, tableRows: rows } : figures)}\n`);
}

/** Thousands separators, so table figures read like the README's prose: 27187 → "27,187". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}
