/**
 * A mirror request that follows redirects the way a downloader would — mirrors commonly redirect
 * to a CDN or a presigned URL — but safely: every hop's URL passes the outbound guard (a public
 * mirror must not be able to bounce the checker to 127.0.0.1 or the cloud metadata address) and
 * connects to the address the guard approved; at most `maxRedirects` hops; a URL seen twice is a
 * loop and is reported as one. The chain is returned (or attached to the error) for the report.
 */
import { SwarmscopeError, describeError } from '../../core/errors.ts';
import type { OutboundGuard } from '../../core/outbound-guard.ts';
import type { RedirectHop } from '../../store/mirror-check.ts';
import type { HostLimiter } from './host-limiter.ts';
import { MirrorRequestError, requestHop, type HopRequest, type HopResponse } from './mirror-request.ts';

/** Browsers allow 20; a mirror that needs more than 5 is misconfigured or hostile. */
export const DEFAULT_MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface FetchContext {
  guard: OutboundGuard;
  limiter: HostLimiter;
  maxRedirects: number;
  maxHeaderBytes: number;
}

export interface FetchResult {
  response: HopResponse;
  finalUrl: string;
  redirects: RedirectHop[];
}

export async function fetchFollowingRedirects(url: string, request: Omit<HopRequest, 'maxHeaderBytes'>, context: FetchContext): Promise<FetchResult> {
  const redirects: RedirectHop[] = [];
  const seen = new Set<string>();
  let current = url;
  try {
    for (;;) {
      seen.add(current);
      const target = await guardHop(context.guard, current);
      const response = await context.limiter.run(target.url.host, () => requestHop(target, { ...request, maxHeaderBytes: context.maxHeaderBytes }));
      if (!REDIRECT_STATUSES.has(response.status)) return { response, finalUrl: current, redirects };
      redirects.push({ url: current, status: response.status });
      current = nextLocation(current, response);
      if (seen.has(current)) throw new MirrorRequestError('redirect_loop', `redirect loop: ${[...redirects.map((hop) => hop.url), current].join(' -> ')}`);
      if (redirects.length > context.maxRedirects) throw new MirrorRequestError('too_many_redirects', `more than ${context.maxRedirects} redirects`);
    }
  } catch (error) {
    const failure = error instanceof MirrorRequestError ? error : new MirrorRequestError('connect', describeError(error));
    failure.redirects = redirects;
    throw failure;
  }
}

async function guardHop(guard: OutboundGuard, url: string) {
  try {
    return await guard.check(url);
  } catch (error) {
    if (!(error instanceof SwarmscopeError)) throw error;
    // The guard says "does not resolve" for DNS failures: those are a mirror's DNS problem, not an attack.
    const kind = error.code === 'invalid_request' ? 'bad_redirect' : /does not resolve|resolves to no address/.test(error.message) ? 'dns' : 'unsafe_target';
    throw new MirrorRequestError(kind, error.message);
  }
}

function nextLocation(current: string, response: HopResponse): string {
  const location = response.headers.location;
  if (!location) throw new MirrorRequestError('bad_redirect', `HTTP ${response.status} without a Location header`);
  try {
    const next = new URL(location, current);
    next.hash = '';
    return next.href;
  } catch {
    throw new MirrorRequestError('bad_redirect', `HTTP ${response.status} to an unreadable Location "${location.slice(0, 200)}"`);
  }
}
