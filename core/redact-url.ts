/**
 * Tracker and web-seed URLs as swarmscope shows them: without user info, query string or fragment,
 * and with path segments that look like keys replaced by `…`. Private trackers put a passkey in
 * the query (`?passkey=`) or the path (`/<32 hex>/announce`); the collector needs the full URL to
 * scrape, but a passkey is a credential: it is never served, exported or used as a series tag.
 */

/** A path segment of 16+ letters and digits with both in it (hex passkeys, base64-ish tokens). */
const KEY_LIKE_SEGMENT = /^(?=.*\d)(?=.*[a-z])[a-z0-9_-]{16,}$/i;

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname
      .split('/')
      .map((segment) => (KEY_LIKE_SEGMENT.test(segment) ? '…' : segment))
      .join('/');
    return `${parsed.protocol}//${parsed.host}${path === '/' ? '' : path}`;
  } catch {
    return url.replace(/[?#].*$/, '');
  }
}
