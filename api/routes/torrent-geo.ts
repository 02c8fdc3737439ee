/**
 * Where a torrent's peers are, over a range (DESIGN.md §5 `GET /api/v1/torrents/:infohash/geo`):
 * peers per country (top 20 + other), per autonomous system (top 10 + other) and per client, from
 * the tagged series the collector wrote (never from addresses: none are stored). Each list gives
 * the newest sweep of the range and the mean over the range (api/tagged-summary.ts).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TaggedMeasurement } from '../../store/types.ts';
import { ErrorResponse, InfohashParams } from '../schemas/common.ts';
import { GeoQuery, GeoResponse } from '../schemas/geo.ts';
import { summarizeTagged } from '../tagged-summary.ts';
import { resolveTorrentRange, type TorrentRangeDeps } from '../torrent-range-request.ts';

/** Raw sweeps are read for the means: 31 days of 15-minute sweeps is ~3,000 per tag. */
export const MAX_GEO_RANGE_MS = 31 * 86_400_000;

export const torrentGeoRoutes: FastifyPluginAsync<TorrentRangeDeps> = async (app, deps) => {
  app.get<{ Params: InfohashParams; Querystring: GeoQuery }>(
    '/torrents/:infohash/geo',
    { config: { etag: true }, schema: { params: InfohashParams, querystring: GeoQuery, response: { 200: GeoResponse, '4xx': ErrorResponse } } },
    async (request) => {
      const { infohash, fromMs, toMs, detail } = resolveTorrentRange(deps, request.params, request.query, MAX_GEO_RANGE_MS);
      const summary = async (measurement: TaggedMeasurement) =>
        summarizeTagged(await detail.queryTagged({ measurement, infohash, field: 'peers', fromMs, toMs, stepMs: 0, agg: 'avg' }));
      const [countries, asns, clients] = await Promise.all([summary('swarm_geo'), summary('swarm_asn'), summary('swarm_client')]);
      const atMs = countries.atMs ?? asns.atMs;
      return {
        infohash,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        at: atMs === null ? null : new Date(atMs).toISOString(),
        sweeps: countries.sweeps,
        countries: countries.rows.map(({ tag, ...values }) => ({ country: tag, ...values })),
        asns: asns.rows.map(({ tag, ...values }) => ({ asn: tag, ...values })),
        clients: clients.rows.map(({ tag, ...values }) => ({ client: tag, ...values })),
      };
    },
  );
};
