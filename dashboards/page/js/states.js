/**
 * The page's non-data states, one look each: loading, empty ("no sample yet"), not available (a
 * part this server does not have), and error (with the API's own message, which says what to do).
 */
import { h } from './dom.js';

const ROLES = { loading: 'status', empty: 'status', unavailable: 'status', error: 'alert' };

export function notice(kind, title, detail) {
  return h('div', { class: `notice notice-${kind}`, role: ROLES[kind] ?? 'status', dataset: { state: kind } }, h('strong', {}, title), detail ? h('p', {}, detail) : null);
}

export const loading = (what = 'Loading…') => notice('loading', what);

/** An ApiError (or anything thrown) as the right notice: missing routes are "not available", not failures. */
export function errorNotice(error, what) {
  if (error && error.status === 404 && error.isMissingRoute) return notice('unavailable', `${what} not available`, 'This swarmscope server does not offer it (yet).');
  if (error && error.status === 0) return notice('error', `${what}: the server cannot be reached`, error.message);
  return notice('error', `${what} could not be loaded`, error && error.message ? error.message : String(error));
}
