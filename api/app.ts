/**
 * Builds the Fastify application without listening (api/server.ts listens), so tests drive it
 * with `inject` and the CLI decides host and port. Cross-cutting plugins first (they must see
 * every route), then the routes, each plugin given only the dependencies it uses.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createOutboundGuard } from '../core/outbound-guard.ts';
import { createMirrorRegistry } from '../store/mirror-registry.ts';
import { createSqliteMirrorSeries } from '../store/mirror-series-sqlite.ts';
import { createMirrorStateRepo } from '../store/mirror-state-repo.ts';
import { openAlertingState } from '../store/state/alerting-state.ts';
import { parseInfohashOnly, type ApiDeps } from './deps.ts';
import { createApiMetrics } from './metrics/api-metrics.ts';
import { registerCollectorMetrics } from './metrics/metrics-source.ts';
import bearerAuth from './plugins/bearer-auth.ts';
import errorHandler, { MAX_PARAM_LENGTH, renderError, sendError } from './plugins/error-handler.ts';
import etag from './plugins/etag.ts';
import httpMetrics from './plugins/http-metrics.ts';
import { registerOpenApi } from './plugins/openapi.ts';
import { registerRateLimit } from './plugins/rate-limit.ts';
import securityHeaders from './plugins/security-headers.ts';
import validation from './plugins/validation.ts';
import { alertRoutes } from './routes/alerts.ts';
import { compareRoutes } from './routes/compare.ts';
import { discoveryRoutes } from './routes/discoveries.ts';
import { familyRoutes } from './routes/families.ts';
import { familySpreadRoutes } from './routes/family-spread.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { methodsRoutes } from './routes/methods.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { mirrorRoutes } from './routes/mirrors.ts';
import { mirrorSeriesRoutes } from './routes/mirrors-series.ts';
import { pageRoutes } from './routes/page.ts';
import { torrentGeoRoutes } from './routes/torrent-geo.ts';
import { torrentSeriesRoutes } from './routes/torrent-series.ts';
import { timelineRoutes } from './routes/timeline.ts';
import { torrentUniquePeersRoutes } from './routes/torrent-unique-peers.ts';
import { torrentRoutes } from './routes/torrents.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { worldMapRoutes } from './routes/world-maps.ts';

/** .torrent files of large model releases reach a few MiB, and base64 adds a third. */
export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
export const API_PREFIX = '/api/v1';
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 1200;
const API_VERSION = '0.1.0';

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const now = deps.now ?? Date.now;
  const state = openAlertingState(deps.stateDb);
  const metrics = deps.metrics ?? createApiMetrics();
  metrics.watchOutboxDepth(() => state.outbox.pendingCount());
  if (deps.metricsSource) registerCollectorMetrics(metrics, deps.metricsSource);
  const guard = deps.outboundGuard ?? createOutboundGuard({ allowPrivateTargets: deps.allowPrivateTargets ?? [] });

  const app = Fastify({
    ...loggerOptions(deps.logger),
    bodyLimit: bodyLimitBytes,
    // `/api/v1/torrents/` and `/api/v1/torrents` are the same resource to a person typing a URL.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Errors the router raises before any plugin runs leave in the API's error shape too.
    frameworkErrors: (error, request, reply) => sendError(reply, renderError(error, request, bodyLimitBytes)),
  });

  // The API speaks JSON only: a text/plain body is a 415 that says so, not a confusing "body must be object".
  app.removeContentTypeParser('text/plain');

  await app.register(securityHeaders);
  await app.register(errorHandler, { bodyLimitBytes });
  await app.register(validation);
  // Before authentication, so guessing tokens is rate-limited too.
  await registerRateLimit(app, deps.rateLimit ?? { max: DEFAULT_RATE_LIMIT_PER_MINUTE });
  await app.register(bearerAuth, {
    apiTokens: deps.apiTokens ?? [],
    ...(deps.apiTokensFile ? { apiTokensFile: deps.apiTokensFile } : {}),
    protectReads: deps.protectReads ?? false,
    apiPrefix: `${API_PREFIX}/`,
  });
  await app.register(etag);
  await app.register(httpMetrics, { metrics });
  await registerOpenApi(app, API_VERSION);

  await app.register(healthRoutes, { readiness: deps.readiness });
  await app.register(metricsRoutes, { metrics });
  await app.register(torrentRoutes, {
    prefix: API_PREFIX,
    series: deps.series,
    registry: deps.registry,
    parseTorrentInput: deps.parseTorrentInput ?? parseInfohashOnly,
  });
  await app.register(torrentSeriesRoutes, { prefix: API_PREFIX, series: deps.series, registry: deps.registry, stateDb: deps.stateDb, now });
  await app.register(methodsRoutes, { prefix: API_PREFIX, stateDb: deps.stateDb, storeKind: deps.series.kind, now });
  await app.register(torrentGeoRoutes, { prefix: API_PREFIX, series: deps.series, registry: deps.registry, now });
  await app.register(worldMapRoutes, { prefix: API_PREFIX, series: deps.series, registry: deps.registry, stateDb: deps.stateDb, now });
  await app.register(torrentUniquePeersRoutes, { prefix: API_PREFIX, series: deps.series, registry: deps.registry, now });
  await app.register(discoveryRoutes, { prefix: API_PREFIX, stateDb: deps.stateDb, now });
  await app.register(familyRoutes, { prefix: API_PREFIX, stateDb: deps.stateDb, registry: deps.registry });
  await app.register(familySpreadRoutes, { prefix: API_PREFIX, stateDb: deps.stateDb, series: deps.series, registry: deps.registry, now });
  await app.register(compareRoutes, { prefix: API_PREFIX, series: deps.series, registry: deps.registry, now });
  await app.register(alertRoutes, { prefix: API_PREFIX, state, registry: deps.registry, now });
  await app.register(webhookRoutes, { prefix: API_PREFIX, state, guard, now });
  await app.register(eventRoutes, { prefix: API_PREFIX, state });
  await app.register(timelineRoutes, { prefix: API_PREFIX, stateDb: deps.stateDb, now });
  const mirrors = createMirrorRegistry(deps.stateDb);
  const mirrorStates = createMirrorStateRepo(deps.stateDb);
  await app.register(mirrorRoutes, { prefix: API_PREFIX, mirrors, states: mirrorStates, torrents: deps.registry, guard, now });
  // SQLite stores keep the mirror series in the state file; an InfluxDB deployment passes its own.
  await app.register(mirrorSeriesRoutes, { prefix: API_PREFIX, mirrors, series: deps.mirrorSeries ?? createSqliteMirrorSeries(deps.stateDb), now });
  await app.register(pageRoutes, {});

  // Not `ready()` yet: the caller may still register more; inject and listen boot it.
  return app;
}

/** Fastify 5 takes logger options as `logger` but a ready pino instance (the CLI's) as `loggerInstance`. */
function loggerOptions(logger: ApiDeps['logger']): { logger: boolean | object } | { loggerInstance: FastifyBaseLogger } {
  if (typeof logger === 'object' && logger !== null && typeof (logger as FastifyBaseLogger).child === 'function') {
    return { loggerInstance: logger as FastifyBaseLogger };
  }
  return { logger: logger ?? false };
}
