/**
 * One HTTP(S) scrape (BEP 48): GET <scrape URL>?info_hash=<20 raw bytes, percent-encoded>&… (several
 * infohashes per request, which most trackers answer in one `files` dictionary keyed by the raw
 * hash). The URL has passed the SSRF guard (core/outbound-guard.ts) and the connection goes to the
 * approved address only; one deadline covers connect to last byte, the body is cut off past
 * `maxBytes`, and redirects are not followed (a tracker has no reason to redirect a scrape).
 */
import http from 'node:http';
import https from 'node:https';
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import { pinnedLookup, type CheckedTarget } from '../../core/outbound-guard.ts';
import { decodeBencode, isBytes, isDict, type BencodeValue } from '../../protocol/bencode.ts';
import type { ScrapeCounts } from './udp-tracker-messages.ts';

/** ~80 bytes per torrent in a reply; 1 MiB is far more than any batch needs, and bounds a hostile one. */
export const MAX_SCRAPE_REPLY_BYTES = 1024 * 1024;
const USER_AGENT = 'swarmscope/0.1 (tracker scrape)';

export function scrapeRequestUrl(scrapeUrl: URL, infohashes: readonly string[]): URL {
  const url = new URL(scrapeUrl.href);
  // Percent-encode every byte: URLSearchParams would re-encode the bytes as UTF-8.
  const encoded = infohashes.map((infohash) => `info_hash=${infohash.replace(/(..)/g, '%$1')}`).join('&');
  url.search = url.search ? `${url.search}&${encoded}` : `?${encoded}`;
  return url;
}

/** The counts the tracker reported for the infohashes asked; hashes it does not list are absent. */
export async function httpScrape(target: CheckedTarget, infohashes: readonly string[], timeoutMs: number): Promise<Map<string, ScrapeCounts>> {
  const body = await fetchBounded(target, scrapeRequestUrl(target.url, infohashes), timeoutMs);
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

function fetchBounded(target: CheckedTarget, url: URL, timeoutMs: number): Promise<Buffer> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error: Error | undefined, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (error) reject(error);
      else resolve(body!);
    };
    const request = transport.get(url, { lookup: pinnedLookup(target), agent: false, headers: { 'user-agent': USER_AGENT, accept: 'text/plain, */*' } }, (response) => {
      if (response.statusCode !== 200) {
        settle(new SwarmscopeError('internal', `HTTP ${response.statusCode ?? '?'}`));
        return;
      }
      const chunks: Buffer[] = [];
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > MAX_SCRAPE_REPLY_BYTES) settle(new SwarmscopeError('internal', `the scrape reply is over ${MAX_SCRAPE_REPLY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => settle(undefined, Buffer.concat(chunks)));
      response.on('error', (error) => settle(error));
    });
    const timer = setTimeout(() => settle(new SwarmscopeError('internal', `no answer within ${timeoutMs} ms`)), timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => settle(new SwarmscopeError('internal', error.code ? `${error.code}: ${error.message}` : describeError(error))));
  });
}
