/**
 * `from` / `to` of a range query as people write them (ISO 8601, `now`, `-24h`, epoch ms), for
 * routes that take a range but no step: the default is the last 24 h, and a range longer than
 * `maxRangeMs` is refused with a message that says what to do.
 */
import { parseTimeMs } from '../core/duration.ts';
import { SwarmscopeError } from '../core/errors.ts';
import { DEFAULT_WINDOW_MS } from '../store/series-request.ts';

export function resolveTimeRange(query: { from?: string; to?: string }, nowMs: number, maxRangeMs: number): { fromMs: number; toMs: number } {
  const asRequestError = { errorCode: 'invalid_request' } as const;
  const toMs = query.to === undefined ? nowMs : parseTimeMs(query.to, nowMs, 'querystring/to', asRequestError);
  const fromMs = query.from === undefined ? toMs - DEFAULT_WINDOW_MS : parseTimeMs(query.from, nowMs, 'querystring/from', asRequestError);
  if (fromMs > toMs) throw new SwarmscopeError('invalid_request', 'querystring/from is after querystring/to: swap them');
  if (toMs - fromMs > maxRangeMs) {
    throw new SwarmscopeError('invalid_request', `the range is longer than ${Math.round(maxRangeMs / 86_400_000)} days: give a shorter one (from and to)`);
  }
  return { fromMs, toMs };
}
