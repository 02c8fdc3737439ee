/** Several torrents' series on one time axis, as JSON or CSV (DESIGN.md §5 `GET /api/v1/compare`). */
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { resolveSeriesRequest } from '../../store/series-request.ts';
import type { SeriesStore, TorrentRegistry } from '../../store/types.ts';
import { alignSeries, compareToCsv } from '../compare-series.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { CompareQuery, CompareResponse } from '../schemas/compare.ts';
import { MAX_SERIES_POINTS } from './torrent-series.ts';

export interface CompareRoutesOptions {
  series: SeriesStore;
  registry: TorrentRegistry;
  now: () => number;
}

export const compareRoutes: FastifyPluginAsync<CompareRoutesOptions> = async (app, { series, registry, now }) => {
  app.get<{ Querystring: CompareQuery }>(
    '/compare',
    { config: { etag: true }, schema: { querystring: CompareQuery, response: { 200: CompareResponse, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const infohashes = [...new Set(request.query.infohash.map((text) => parseInfohash(text)))];
      const nowMs = now();
      const queries = infohashes.map((infohash) =>
        resolveSeriesRequest({ ...request.query, infohash }, { nowMs, fieldName: (field) => `querystring/${field}`, maxPoints: MAX_SERIES_POINTS }),
      );
      const torrents = infohashes.map((infohash) => {
        const torrent = registry.get(infohash, { includeRemoved: true });
        if (!torrent) throw new SwarmscopeError('not_found', `torrent ${infohash} has never been on the watchlist`);
        return { infohash, label: torrent.label };
      });
      const results = await Promise.all(queries.map((query) => series.querySeries({ ...query, limit: MAX_SERIES_POINTS + 1 })));
      const rows = alignSeries(results);
      if (results.some((points) => points.length > MAX_SERIES_POINTS) || rows.length > MAX_SERIES_POINTS) {
        throw new SwarmscopeError('invalid_request', `more than ${MAX_SERIES_POINTS} points in this range: give a step (e.g. step=1h) or a shorter range`);
      }
      const first = queries[0]!;
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `inline; filename="compare-${first.metric}.csv"`)
          .send(compareToCsv(infohashes, rows));
      }
      return { metric: first.metric, step: first.stepMs / 1000, agg: first.agg, torrents, points: rows };
    },
  );
};
