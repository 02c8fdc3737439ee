/**
 * Is a URL there, and what does the server say about it: HEAD first (no body); when HEAD is refused
 * or says too little, a one-byte Range GET (`bytes=0-0`), which presigned CDN URLs and some servers
 * answer where HEAD fails (a signature made for GET, 405 Method Not Allowed, 501). Reports the
 * status, the time to the response headers, the size (Content-Length, or the total of a
 * Content-Range), ETag and Last-Modified, the redirects followed, and the failure if any.
 */
import type { ProbeReport } from '../../store/mirror-check.ts';
import { fetchFollowingRedirects, type FetchContext, type FetchResult } from './follow-redirects.ts';
import { MirrorRequestError } from './mirror-request.ts';
import type { MirrorTarget } from './mirror-urls.ts';
import { monotonicMs } from '../../core/clock.ts';

/** HEAD answers after which a GET may still work: Bad Request, Forbidden (signed for GET), Method Not Allowed, Not Implemented. */
const RETRY_WITH_GET = new Set([400, 403, 405, 501]);

function headerText(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? null : text.slice(0, 256);
}

function wholeNumber(text: string | undefined): number | null {
  return text !== undefined && /^\d{1,16}$/.test(text) ? Number(text) : null;
}

/** The full size of the resource: Content-Range's total for a 206 or 416, else Content-Length. */
export function resourceBytes(result: FetchResult, method: 'HEAD' | 'GET'): number | null {
  const { status, headers } = result.response;
  if (status === 206 || status === 416) return wholeNumber(/\/(\d+)\s*$/.exec(String(headers['content-range'] ?? ''))?.[1]);
  if (method === 'GET' && status !== 200) return null;
  return wholeNumber(headers['content-length']);
}

function report(target: MirrorTarget, method: 'HEAD' | 'GET', result: FetchResult): ProbeReport {
  const { status, headers, latencyMs } = result.response;
  const ok = status >= 200 && status < 300;
  return {
    url: target.url,
    file: target.file,
    method,
    status,
    latencyMs,
    bytes: ok || status === 416 ? resourceBytes(result, method) : null,
    etag: ok ? headerText(headers.etag) : null,
    lastModified: ok ? headerText(headers['last-modified']) : null,
    redirects: result.redirects,
    error: ok ? null : { kind: 'http', message: `HTTP ${status}${result.finalUrl !== target.url ? ` from ${result.finalUrl}` : ''}` },
  };
}

function failed(target: MirrorTarget, method: 'HEAD' | 'GET', error: MirrorRequestError): ProbeReport {
  return { url: target.url, file: target.file, method, status: null, latencyMs: null, bytes: null, etag: null, lastModified: null, redirects: error.redirects, error: { kind: error.kind, message: error.message } };
}

export async function probeTarget(target: MirrorTarget, context: FetchContext, timeoutMs: number): Promise<ProbeReport> {
  const deadlineMs = monotonicMs() + timeoutMs;
  let head: ProbeReport;
  try {
    const result = await fetchFollowingRedirects(target.url, { method: 'HEAD', maxBodyBytes: 0, deadlineMs }, context);
    head = report(target, 'HEAD', result);
  } catch (error) {
    if (!(error instanceof MirrorRequestError)) throw error;
    return failed(target, 'HEAD', error);
  }
  const saysTooLittle = head.status !== null && head.status >= 200 && head.status < 300 && head.bytes === null;
  if (!RETRY_WITH_GET.has(head.status ?? 0) && !saysTooLittle) return head;
  try {
    const result = await fetchFollowingRedirects(target.url, { method: 'GET', range: { start: 0, end: 0 }, maxBodyBytes: 1, deadlineMs }, context);
    return report(target, 'GET', result);
  } catch (error) {
    if (!(error instanceof MirrorRequestError)) throw error;
    // The GET failed outright: HEAD's answer is the better account of the mirror.
    return head;
  }
}
