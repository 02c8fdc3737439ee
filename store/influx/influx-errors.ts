/**
 * InfluxDB failures sorted into what the rest of swarmscope acts on: `store_unavailable` when the
 * server cannot be reached or is failing (a SpoolingSeriesStore keeps the samples and retries), and
 * anything else (a refused query, a field type conflict) as an `internal` error that retrying cannot
 * fix. influx-client.ts raises the two errors below; the network's own errors arrive as they are.
 */
import { SwarmscopeError, describeError } from '../../core/errors.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EHOSTUNREACH', 'EHOSTDOWN', 'ENETUNREACH', 'ENETDOWN', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
/** InfluxDB's error bodies can be long (a parse error quotes the line); the start says what went wrong. */
const MAX_ERROR_TEXT_CHARS = 500;

/** InfluxDB answered with an HTTP error status; the message carries its own error text. */
export class InfluxHttpError extends Error {
  readonly status: number;

  constructor(status: number, statusText: string | undefined, body: string) {
    const text = influxErrorText(body);
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}${text ? `: ${text}` : ''}`);
    this.name = 'InfluxHttpError';
    this.status = status;
  }
}

/** No complete answer within the request's budget (InfluxClientOptions.requestTimeoutMs). */
export class InfluxTimeoutError extends Error {
  constructor(url: string, timeoutMs: number) {
    super(`no answer from ${url} within ${timeoutMs} ms`);
    this.name = 'InfluxTimeoutError';
  }
}

/** InfluxDB 1.x answers errors as `{"error":"…"}`; a proxy in front of it may answer anything. */
function influxErrorText(body: string): string {
  let text = body.trim();
  try {
    const parsed = JSON.parse(text) as { error?: unknown } | null;
    if (typeof parsed?.error === 'string') text = parsed.error;
  } catch {
    // Not JSON: the text as it came.
  }
  return text.length > MAX_ERROR_TEXT_CHARS ? `${text.slice(0, MAX_ERROR_TEXT_CHARS)}…` : text;
}

/**
 * `partial write: points beyond retention policy dropped=N` (HTTP 400): the points are older than
 * the policy keeps; InfluxDB dropped them and wrote the rest.
 */
export function isBeyondRetention(error: unknown): boolean {
  return error instanceof InfluxHttpError && /points beyond retention policy dropped/.test(error.message);
}

/** node:http puts a system error's code on the error itself; undici's fetch wraps it (`TypeError: fetch failed`, the code on `cause`). */
function networkCode(error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  if (typeof code === 'string') return code;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

function isUnavailable(error: unknown): boolean {
  // 401/403: the server is there but will not let this process in until someone fixes the credentials;
  // the samples must wait in the spool meanwhile, not be dropped as unfixable.
  if (error instanceof InfluxHttpError) return error.status >= 500 || error.status === 401 || error.status === 403;
  if (error instanceof InfluxTimeoutError) return true;
  const code = networkCode(error);
  return code !== undefined && NETWORK_CODES.has(code);
}

/** What went wrong, in words: an AggregateError (every address of a dual-stack name refused) has an empty message, and a wrapper names only itself. */
function failureText(error: unknown): string {
  if (error instanceof AggregateError && !error.message) return error.errors.map(describeError).join('; ') || String(networkCode(error));
  const text = describeError(error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause instanceof Error && !text.includes(cause.message) ? `${text}: ${failureText(cause)}` : text;
}

export function influxError(error: unknown, doing: string): SwarmscopeError {
  if (error instanceof SwarmscopeError) return error;
  return new SwarmscopeError(isUnavailable(error) ? 'store_unavailable' : 'internal', `InfluxDB ${doing}: ${failureText(error)}`, { cause: error });
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
