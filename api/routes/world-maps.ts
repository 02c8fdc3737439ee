/**
 * The spread in space as a map (issue 13): `GET /api/v1/torrents/:infohash/map` and
 * `GET /api/v1/families/:id/map` answer an SVG choropleth of peers by registry country over a range
 * (dashboards/geo/world-map-svg.ts, drawn from the bundled Natural Earth atlas: nothing is fetched).
 * A torrent's map colours the newest sweep of the range, as its geo table's first column; a
 * family's, the sum over members of each one's largest sweep (store/family-spread.ts), as its geo
 * route. The page inlines the SVG; the report draws the same map.
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { worldMapSvg } from '../../dashboards/geo/world-map-svg.ts';
import { detailStoreOf } from '../../store/detail-validation.ts';
import { familyTaggedSums } from '../../store/family-spread.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { ErrorResponse, InfohashParams } from '../schemas/common.ts';
import { FamilyParams, FamilyRangeQuery } from '../schemas/family.ts';
import { GeoQuery } from '../schemas/geo.ts';
import { summarizeTagged } from '../tagged-summary.ts';
import { resolveTimeRange } from '../time-range.ts';
import { resolveTorrentRange, type TorrentRangeDeps } from '../torrent-range-request.ts';
import { MAX_GEO_RANGE_MS } from './torrent-geo.ts';

const SVG_TYPE = 'image/svg+xml; charset=utf-8';
/** A family's counts are one or two wide buckets per member whatever the range (store/family-spread.ts), as its geo route. */
const MAX_FAMILY_RANGE_MS = 10 * 366 * 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

export const worldMapRoutes: FastifyPluginAsync<TorrentRangeDeps & { stateDb: Database.Database }> = async (app, deps) => {
  const families = createFamiliesRepo(deps.stateDb);

  app.get<{ Params: InfohashParams; Querystring: GeoQuery }>(
    '/torrents/:infohash/map',
    { config: { etag: true }, schema: { params: InfohashParams, querystring: GeoQuery, response: { '4xx': ErrorResponse } } },
    async (request, reply) => {
      const { infohash, fromMs, toMs, detail } = resolveTorrentRange(deps, request.params, request.query, MAX_GEO_RANGE_MS);
      const summary = summarizeTagged(await detail.queryTagged({ measurement: 'swarm_geo', infohash, field: 'peers', fromMs, toMs, stepMs: 0, agg: 'avg' }));
      const countries = summary.rows.map(({ tag, peers }) => ({ tag, peers }));
      return reply.type(SVG_TYPE).send(worldMapSvg({ title: `Peers by registry country, newest sweep between ${iso(fromMs)} and ${iso(toMs)}`, countries }));
    },
  );

  app.get<{ Params: FamilyParams; Querystring: FamilyRangeQuery }>(
    '/families/:id/map',
    { config: { etag: true }, schema: { params: FamilyParams, querystring: FamilyRangeQuery, response: { '4xx': ErrorResponse } } },
    async (request, reply) => {
      const family = families.get(request.params.id);
      if (!family) throw new SwarmscopeError('not_found', `no family ${request.params.id}`);
      const detail = detailStoreOf(deps.series);
      if (!detail) throw new SwarmscopeError('internal', `the ${deps.series.kind} store keeps no tagged series`);
      const { fromMs, toMs } = resolveTimeRange(request.query, deps.now(), MAX_FAMILY_RANGE_MS);
      const countries = await familyTaggedSums(detail, 'swarm_geo', family.torrents, fromMs, toMs);
      return reply.type(SVG_TYPE).send(worldMapSvg({ title: `${family.name}: peers by registry country, summed over members, ${iso(fromMs)} to ${iso(toMs)}`, countries }));
    },
  );
};
