/**
 * Builds the Fastify application without listening (api/server.ts listens), so tests drive it
 * with `inject` and the CLI decides host and port. Cross-cutting plugins first (they must see
 * every route), then the routes, each plugin given only the dependencies it uses.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { parseInfohashOnly, type ApiDeps } from './deps.ts';
import bearerAuth from './plugins/bearer-auth.ts';
import errorHandler from './plugins/error-handler.ts';
import etag from './plugins/etag.ts';
import validation from './plugins/validation.ts';
import { healthRoutes } from './routes/health.ts';
import { torrentSeriesRoutes } from './routes/torrent-series.ts';
import { torrentRoutes } from './routes/torrents.ts';

/** .torrent files of large model releases reach a few MiB, and base64 adds a third. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
export const API_PREFIX = '/api/v1';

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const app = Fastify({
    ...loggerOptions(deps.logger),
    bodyLimit: bodyLimitBytes,
    // `/api/v1/torrents/` and `/api/v1/torrents` are the same resource to a person typing a URL.
    routerOptions: { ignoreTrailingSlash: true },
  });

  // The API speaks JSON only: a text/plain body is a 415 that says so, not a confusing "body must be object".
  app.removeContentTypeParser('text/plain');

  await app.register(errorHandler, { bodyLimitBytes });
  await app.register(validation);
  await app.register(bearerAuth, { apiTokens: deps.apiTokens ?? [] });
  await app.register(etag);

  await app.register(healthRoutes, { readiness: deps.readiness });
  await app.register(torrentRoutes, {
    prefix: API_PREFIX,
    series: deps.series,
    registry: deps.registry,
    parseTorrentInput: deps.parseTorrentInput ?? parseInfohashOnly,
  });
  await app.register(torrentSeriesRoutes, {
    prefix: API_PREFIX,
    series: deps.series,
    registry: deps.registry,
    now: deps.now ?? Date.now,
  });

  // Not `ready()` yet: the caller may still register more (the built-in page, /docs); inject and listen boot it.
  return app;
}

/** Fastify 5 takes logger options as `logger` but a ready pino instance (the CLI's) as `loggerInstance`. */
function loggerOptions(logger: ApiDeps['logger']): { logger: boolean | object } | { loggerInstance: FastifyBaseLogger } {
  if (typeof logger === 'object' && logger !== null && typeof (logger as FastifyBaseLogger).child === 'function') {
    return { loggerInstance: logger as FastifyBaseLogger };
  }
  return { logger: logger ?? false };
}
