/**
 * node-influx failures sorted into what the rest of swarmscope acts on: `store_unavailable` when
 * the server cannot be reached or is failing (a SpoolingSeriesStore keeps the samples and retries),
 * anything else (a refused query, a type conflict) as an `internal` error that retrying cannot fix.
 */
import { SwarmscopeError, describeError } from '../../core/errors.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** `partial write: points beyond retention policy dropped=N`: the points are older than the raw policy keeps. */
export function isBeyondRetention(error: unknown): boolean {
  return httpStatus(error) !== undefined && /points beyond retention policy dropped/.test(describeError(error));
}

/** node-influx does not export its error classes; a RequestError carries the HTTP response. */
function httpStatus(error: unknown): number | undefined {
  return (error as { res?: { statusCode?: number } } | null)?.res?.statusCode;
}

/** node-influx's ServiceNotAvailableError: a 5xx answer, a timeout, or every host marked down. */
function isServiceNotAvailable(error: unknown): boolean {
  return (error as object | null)?.constructor?.name === 'ServiceNotAvailableError';
}

export function influxError(error: unknown, doing: string): SwarmscopeError {
  if (error instanceof SwarmscopeError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const unreachable =
    isServiceNotAvailable(error) || (typeof code === 'string' && NETWORK_CODES.has(code)) || [401, 403].includes(httpStatus(error) ?? 0);
  return new SwarmscopeError(unreachable ? 'store_unavailable' : 'internal', `InfluxDB ${doing}: ${describeError(error)}`, { cause: error });
}

/** A /query answer carries per-statement errors with HTTP 200; they are errors all the same. */
export function assertNoStatementErrors(body: unknown, doing: string): InfluxResults {
  const results = ((body as { results?: InfluxResults } | null)?.results ?? []) as InfluxResults;
  const failed = results.find((result) => typeof result.error === 'string');
  if (failed) throw new SwarmscopeError('internal', `InfluxDB ${doing}: ${failed.error}`);
  return results;
}

export type InfluxSeries = { name: string; tags?: Record<string, string>; columns: string[]; values?: unknown[][] };
export type InfluxResults = { statement_id?: number; error?: string; series?: InfluxSeries[] }[];
