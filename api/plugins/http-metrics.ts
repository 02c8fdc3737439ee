/**
 * Counts and times every answered request for /metrics. The route label is the route's template
 * (`/api/v1/torrents/:infohash`), never the URL, so an infohash never becomes a label; requests
 * that matched no route share the label `unmatched`.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiMetrics } from '../metrics/api-metrics.ts';
import { rootPlugin } from './root-plugin.ts';

export default rootPlugin<{ metrics: ApiMetrics }>('swarmscope-http-metrics', async (app: FastifyInstance, { metrics }) => {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
});
