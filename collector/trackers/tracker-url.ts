import { redactUrl } from '../../core/redact-url.ts';

/**
 * Tracker URLs from a magnet's `tr` or a .torrent's announce-list, sorted into what can be scraped:
 * `udp://host:port` (BEP 15) or an HTTP(S) announce URL whose scrape URL follows BEP 48 (the last
 * path segment starts with "announce", which becomes "scrape"; anything else has no scrape).
 */

export type TrackerTarget =
  | { kind: 'udp'; url: string; host: string; port: number }
  | { kind: 'http'; url: string; scrapeUrl: string | null };

/**
 * The name a tracker's series is tagged with: scheme, host, port and path, without user info,
 * query string or key-like path segments (core/redact-url.ts): a passkey must never land in the store.
 */
export function trackerTag(url: string): string {
  return redactUrl(url);
}

/** BEP 48: `…/announce[suffix]?query` → `…/scrape[suffix]?query`; null when the URL has no scrape form. */
export function scrapeUrlOf(announceUrl: URL): string | null {
  const slash = announceUrl.pathname.lastIndexOf('/');
  const last = announceUrl.pathname.slice(slash + 1);
  if (!last.startsWith('announce')) return null;
  const scrape = new URL(announceUrl.href);
  scrape.pathname = `${announceUrl.pathname.slice(0, slash + 1)}scrape${last.slice('announce'.length)}`;
  scrape.hash = '';
  return scrape.href;
}

/** undefined for a URL that is no tracker we can scrape (wss://, garbage). */
export function parseTrackerUrl(text: string): TrackerTarget | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return undefined;
  }
  if (url.protocol === 'udp:') {
    const port = Number(url.port);
    if (!url.hostname || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
    return { kind: 'udp', url: url.href, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return { kind: 'http', url: url.href, scrapeUrl: scrapeUrlOf(url) };
  return undefined;
}
