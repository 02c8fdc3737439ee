/** Prometheus exposition of this process's registry (api/metrics/api-metrics.ts). */
import type { FastifyPluginAsync } from 'fastify';
import type { ApiMetrics } from '../metrics/api-metrics.ts';

export const metricsRoutes: FastifyPluginAsync<{ metrics: ApiMetrics }> = async (app, { metrics }) => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.scrape();
  });
};
