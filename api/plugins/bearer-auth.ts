/**
 * Writes (every method but GET, HEAD, OPTIONS) need `Authorization: Bearer <token>` (DESIGN.md §5),
 * with the scope the route needs (api/plugins/api-tokens.ts): `write` for the watchlist, mirrors,
 * families, alert rules and the timeline, `admin` for webhooks. Tokens are compared as SHA-256
 * digests with timingSafeEqual: equal-length inputs, so neither the comparison nor the token's
 * length leaks through timing, and every configured token is checked. The check runs on
 * onRequest, before the body is read, so an unauthenticated client cannot make the server buffer a
 * large body. A token never appears in a log line or an error message. With `protectReads` the
 * API's GETs need a `read` token too; /healthz, /readyz, /metrics and /docs stay open.
 */
import type { FastifyInstance } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { allows, scopeOf, tokenSource, type TokenScope } from './api-tokens.ts';
import { rootPlugin } from './root-plugin.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}

export type BearerAuthOptions = {
  apiTokens: readonly string[];
  /** One token per line, re-read when it changes: rotation without a restart. */
  apiTokensFile?: string;
  protectReads?: boolean;
  apiPrefix?: string;
};

export default rootPlugin<BearerAuthOptions>('swarmscope-bearer-auth', async (app: FastifyInstance, options) => {
  const apiPrefix = options.apiPrefix ?? '/api/';
  const tokens = tokenSource({ apiTokens: options.apiTokens, apiTokensFile: options.apiTokensFile, onProblem: (message) => app.log.warn(message) });
  const protectedReadPrefix = options.protectReads ? apiPrefix : undefined;

  /** What a request needs, by the route the router matched (not the raw URL: `/%61pi/…` decodes to `/api/…`). */
  const needed = (method: string, path: string): TokenScope | undefined => {
    if (READ_METHODS.has(method)) return protectedReadPrefix && path.startsWith(protectedReadPrefix) ? 'read' : undefined;
    return path.startsWith(`${apiPrefix}webhooks`) ? 'admin' : 'write';
  };

  app.addHook('onRequest', async (request) => {
    const path = request.routeOptions.url ?? decodeURIComponentSafe(request.url);
    const scope = needed(request.method, path);
    if (!scope) return;
    const configured = tokens.current();
    if (configured.length === 0) {
      const what = scope === 'read' ? 'reads are protected (protectReads) but' : 'writes are disabled because';
      throw new SwarmscopeError(
        'unauthorized',
        `${what} no API token is configured: set SWARMSCOPE_API_TOKENS (comma-separated) or an API tokens file, and send "Authorization: Bearer <token>"`,
      );
    }
    const presented = bearerToken(request.headers.authorization);
    if (presented === undefined) {
      const what = scope === 'read' ? 'reading the API is restricted on this server and' : 'this request changes data and';
      throw new SwarmscopeError('unauthorized', `${what} needs an "Authorization: Bearer <token>" header`);
    }
    const granted = scopeOf(presented, configured);
    if (granted === undefined) throw new SwarmscopeError('unauthorized', 'the bearer token is not one of the configured API tokens');
    if (!allows(granted, scope)) throw new SwarmscopeError('forbidden', `this token's scope is "${granted}"; ${request.method} ${path} needs "${scope}"`);
  });
});

function decodeURIComponentSafe(url: string): string {
  try {
    return decodeURIComponent(url);
  } catch {
    return url;
  }
}
