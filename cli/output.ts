/** How commands print: results on stdout, one-line errors on stderr with the catalogue code. */
import { describeError, isSwarmscopeError } from '../core/errors.ts';

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A plain text table: columns padded to their widest cell. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  process.stdout.write(`${[line(headers), ...rows.map(line)].join('\n')}\n`);
}

/** Unmeasured values print as a dash, never as 0. */
export function cell(value: number | string | null | undefined): string {
  return value === null || value === undefined ? '-' : String(value);
}

export function failCommand(error: unknown): never {
  const code = isSwarmscopeError(error) ? error.code : 'internal';
  process.stderr.write(`swarmscope: ${describeError(error).split('\n')[0]} [${code}]\n`);
  const usage = isSwarmscopeError(error) && error.httpStatus < 500 && code !== 'not_found';
  process.exit(usage ? 2 : 1);
}
