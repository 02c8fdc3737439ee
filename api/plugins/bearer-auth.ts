/**
 * Writes (every method but GET, HEAD, OPTIONS) need `Authorization: Bearer <token>` (DESIGN.md §5).
 * Tokens are compared as SHA-256 digests with timingSafeEqual: equal-length inputs, so neither the
 * comparison nor the token's length leaks through timing, and every configured token is checked.
 * The check runs on onRequest, before the body is read, so an unauthenticated client cannot make
 * the server buffer a large body. A configured token may be given as `sha256:<64 hex>` (its
 * digest), so the config file and environment need not hold the token itself. With `protectReads`
 * the API's GETs need a token too; /healthz, /readyz, /metrics and /docs stay open.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { rootPlugin } from './root-plugin.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

export function tokenMatches(presented: string, tokenDigests: readonly Buffer[]): boolean {
  const digest = sha256(presented);
  let matched = false;
  // No early exit: the time taken does not depend on which token matched.
  for (const expected of tokenDigests) matched = timingSafeEqual(digest, expected) || matched;
  return matched;
}

const DIGEST_TOKEN = /^sha256:([0-9a-f]{64})$/i;

/** A configured token to the digest presented tokens are compared with. */
export function configuredTokenDigest(token: string): Buffer {
  const digest = DIGEST_TOKEN.exec(token)?.[1];
  return digest ? Buffer.from(digest, 'hex') : sha256(token);
}

export default rootPlugin<{ apiTokens: readonly string[]; protectReads?: boolean; apiPrefix?: string }>('swarmscope-bearer-auth', async (app: FastifyInstance, options) => {
  const tokenDigests = options.apiTokens.map((token) => token.trim()).filter((token) => token.length > 0).map(configuredTokenDigest);
  const protectedReadPrefix = options.protectReads ? (options.apiPrefix ?? '/api/') : undefined;

  app.addHook('onRequest', async (request) => {
    // Judge reads by the route the router matched, not the raw URL: `/%61pi/v1/…` decodes to
    // `/api/v1/…` and must not slip past the prefix test. Unmatched URLs are checked as written.
    const path = request.routeOptions.url ?? decodeURIComponentSafe(request.url);
    if (READ_METHODS.has(request.method) && !(protectedReadPrefix && path.startsWith(protectedReadPrefix))) return;
    if (tokenDigests.length === 0) {
      const what = READ_METHODS.has(request.method) ? 'reads are protected (protectReads) but' : 'writes are disabled because';
      throw new SwarmscopeError(
        'unauthorized',
        `${what} no API token is configured: set SWARMSCOPE_API_TOKENS (comma-separated) and send "Authorization: Bearer <token>"`,
      );
    }
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined) {
      const what = READ_METHODS.has(request.method) ? 'reading the API is restricted on this server and' : 'this request changes data and';
      throw new SwarmscopeError('unauthorized', `${what} needs an "Authorization: Bearer <token>" header`);
    }
    if (!tokenMatches(presented, tokenDigests)) {
      throw new SwarmscopeError('unauthorized', 'the bearer token is not one of the configured API tokens');
    }
  });
});

function decodeURIComponentSafe(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
