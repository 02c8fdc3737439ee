/**
 * One HTTP(S) scrape (BEP 48): GET <scrape URL>?info_hash=<20 raw bytes, percent-encoded>&… (several
 * infohashes per request, which most trackers answer in one `files` dictionary keyed by the raw
 * hash). The URL has passed the SSRF guard (core/outbound-guard.ts) and the connection goes to the
 * approved address only; one deadline covers connect to last byte, the body is cut off past
 * `maxBytes`, and redirects are not followed (a tracker has no reason to redirect a scrape).
 */
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import type { CheckedTarget } from '../../core/outbound-guard.ts';
import { requestHop } from '../mirrors/mirror-request.ts';
import { decodeBencode, isBytes, isDict, type BencodeValue } from '../../protocol/bencode.ts';
import type { ScrapeCounts } from './udp-tracker-messages.ts';
import { monotonicMs } from '../../core/clock.ts';

/** ~80 bytes per torrent in a reply; 1 MiB is far more than any batch needs, and bounds a hostile one. */
export const MAX_SCRAPE_REPLY_BYTES = 1024 * 1024;
/** A scrape reply has a few short headers; a tracker sending more is cut off. */
const MAX_HEADER_BYTES = 16 * 1024;

export function scrapeRequestUrl(scrapeUrl: URL, infohashes: readonly string[]): URL {
  const url = new URL(scrapeUrl.href);
  // Percent-encode every byte: URLSearchParams would re-encode the bytes as UTF-8.
  const encoded = infohashes.map((infohash) => `info_hash=${infohash.replace(/(..)/g, '%$1')}`).join('&');
  url.search = url.search ? `${url.search}&${encoded}` : `?${encoded}`;
  return url;
}

/** The counts the tracker reported for the infohashes asked; hashes it does not list are absent. */
export async function httpScrape(target: CheckedTarget, infohashes: readonly string[], timeoutMs: number): Promise<Map<string, ScrapeCounts>> {
  return parseScrapeReply(await fetchBounded(target, scrapeRequestUrl(target.url, infohashes), timeoutMs), infohashes);
}

/** The counts of the wanted infohashes in a BEP 48 scrape reply; an error naming what is wrong with anything else. */
export function parseScrapeReply(body: Buffer, infohashes: readonly string[]): Map<string, ScrapeCounts> {
  let decoded: BencodeValue;
  try {
    decoded = decodeBencode(body).value;
  } catch (error) {
    throw new SwarmscopeError('internal', `the scrape reply is not bencode (${describeError(error)})`);
  }
  if (!isDict(decoded)) throw new SwarmscopeError('internal', 'the scrape reply is not a dictionary');
  const failure = decoded['failure reason'];
  if (isBytes(failure)) throw new SwarmscopeError('internal', `tracker refused: ${failure.toString('utf8', 0, 200).replace(/[\u0000-\u001f\u007f]/g, ' ')}`);
  const files = decoded.files;
  if (!isDict(files)) throw new SwarmscopeError('internal', 'the scrape reply has no "files" dictionary');
  const wanted = new Set(infohashes);
  const counts = new Map<string, ScrapeCounts>();
  for (const [key, entry] of Object.entries(files)) {
    const infohash = Buffer.from(key, 'latin1').toString('hex');
    if (!wanted.has(infohash) || !isDict(entry)) continue;
    const number = (value: BencodeValue | undefined): number => (typeof value === 'number' && value >= 0 ? value : 0);
    counts.set(infohash, { seeders: number(entry.complete), leechers: number(entry.incomplete), completed: number(entry.downloaded) });
  }
  return counts;
}

/** One GET through the mirrors' bounded request (pinned address, hard body cap, one deadline). */
async function fetchBounded(target: CheckedTarget, url: URL, timeoutMs: number): Promise<Buffer> {
  let response;
  try {
    response = await requestHop({ ...target, url }, { method: 'GET', maxBodyBytes: MAX_SCRAPE_REPLY_BYTES, deadlineMs: monotonicMs() + timeoutMs, maxHeaderBytes: MAX_HEADER_BYTES });
  } catch (error) {
    const message = describeError(error);
    throw new SwarmscopeError('internal', /within \d+ ms/.test(message) ? `no answer within ${timeoutMs} ms` : message);
  }
  if (response.status !== 200) throw new SwarmscopeError('internal', `HTTP ${response.status}`);
  if (response.overflowed) throw new SwarmscopeError('internal', `the scrape reply is over ${MAX_SCRAPE_REPLY_BYTES} bytes`);
  return response.body;
}
