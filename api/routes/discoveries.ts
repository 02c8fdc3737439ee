/** Torrents found by sampling the DHT that look like model weights, highest score first (DESIGN.md §5). */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import { parseTimeMs } from '../../core/duration.ts';
import { createDiscoveriesRepo } from '../../store/state/discoveries-repo.ts';
import { discoveryToJson } from '../../store/state/discovery-json.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { DiscoveryList, DiscoveryQuery } from '../schemas/discovery.ts';

export const discoveryRoutes: FastifyPluginAsync<{ stateDb: Database.Database; now: () => number }> = async (app, { stateDb, now }) => {
  const discoveries = createDiscoveriesRepo(stateDb);
  app.get<{ Querystring: DiscoveryQuery }>(
    '/discoveries',
    { schema: { querystring: DiscoveryQuery, response: { 200: DiscoveryList, '4xx': ErrorResponse } } },
    async (request) => {
      const { offset, limit, minScore, since } = request.query;
      const sinceMs = since === undefined ? undefined : parseTimeMs(since, now(), 'querystring/since', { errorCode: 'invalid_request' });
      const page = discoveries.list({ minScore, sinceMs, offset, limit });
      return { discoveries: page.discoveries.map(discoveryToJson), total: page.total };
    },
  );
};
