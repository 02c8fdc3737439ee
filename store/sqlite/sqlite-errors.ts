/**
 * Which SQLite failures mean "the store cannot take this write now" (another process holds the lock
 * past busy_timeout, the disk is full or failing) as opposed to a bug or bad input. The former become
 * `store_unavailable`, the code on which a SpoolingSeriesStore keeps samples for later.
 */
import { SwarmscopeError, describeError } from '../../core/errors.ts';

const TRANSIENT_CODES = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|CANTOPEN|READONLY)/;

export function asStoreUnavailable(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.test(code)) {
    return new SwarmscopeError('store_unavailable', `SQLite cannot write now (${code}): ${describeError(error)}`, { cause: error });
  }
  return error;
}
