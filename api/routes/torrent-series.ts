/**
 * One metric of one torrent over time, as JSON points or CSV (DESIGN.md §5). Parsing the window and
 * rendering are shared with `swarmscope export` (store/series-request.ts). Removed torrents keep
 * their history, so their series stay readable; only an infohash never watched is a 404.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { resolveSeriesRequest, seriesToCsv, seriesToJson } from '../../store/series-request.ts';
import type { SeriesStore, TorrentRegistry } from '../../store/types.ts';
import { ErrorResponse, InfohashParams } from '../schemas/common.ts';
import { SeriesQuery, SeriesResponse } from '../schemas/series.ts';

/** The most points one answer carries, for explicit steps and raw queries alike. */
export const MAX_SERIES_POINTS = 10_000;

export interface SeriesRoutesOptions {
  series: SeriesStore;
  registry: TorrentRegistry;
  now: () => number;
}

export const torrentSeriesRoutes: FastifyPluginAsync<SeriesRoutesOptions> = async (app, { series, registry, now }) => {
  app.get<{ Params: InfohashParams; Querystring: SeriesQuery }>(
    '/torrents/:infohash/series',
    {
      config: { etag: true },
      schema: { params: InfohashParams, querystring: SeriesQuery, response: { 200: SeriesResponse, '4xx': ErrorResponse } },
    },
    async (request, reply) => {
      const infohash = parseInfohash(request.params.infohash);
      const query = resolveSeriesRequest(
        { ...request.query, infohash },
        { nowMs: now(), fieldName: (field) => `querystring/${field}`, maxPoints: MAX_SERIES_POINTS },
      );
      if (!registry.get(infohash, { includeRemoved: true })) {
        throw new SwarmscopeError('not_found', `torrent ${infohash} has never been on the watchlist`);
      }
      // One point over the cap tells "exactly at the cap" from "over it" without counting first.
      const points = await series.querySeries({ ...query, limit: MAX_SERIES_POINTS + 1 });
      if (points.length > MAX_SERIES_POINTS) {
        throw new SwarmscopeError('invalid_request', `more than ${MAX_SERIES_POINTS} raw samples in this range: give a step (e.g. step=1h) or a shorter range`);
      }
      if (request.query.format === 'csv') {
        // A string with a non-JSON type bypasses the JSON response schema; the ETag hook still applies.
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `inline; filename="${infohash}-${query.metric}.csv"`)
          .send(seriesToCsv(points));
      }
      return seriesToJson(query, points);
    },
  );
};
