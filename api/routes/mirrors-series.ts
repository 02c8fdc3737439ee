/**
 * One metric of one mirror over time (DESIGN.md §5 `GET /api/v1/mirrors/:id/series`), with the
 * torrent series' conventions: the window, step and aggregation are resolved by
 * store/series-request.ts, the same caps apply, and `format=csv` gives `time,value` lines. A removed
 * mirror keeps its history, so its series stay readable; only an id never registered is a 404.
 */
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import type { MirrorRegistry } from '../../store/mirror-registry.ts';
import type { MirrorSeriesStore } from '../../store/mirror-series.ts';
import { resolveSeriesWindow, seriesToCsv } from '../../store/series-request.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { MirrorParams } from '../schemas/mirror.ts';
import { MirrorSeriesQuery, MirrorSeriesResponse } from '../schemas/mirror-series.ts';
import { MAX_SERIES_POINTS } from './torrent-series.ts';

export interface MirrorSeriesRoutesOptions {
  mirrors: MirrorRegistry;
  series: MirrorSeriesStore;
  now: () => number;
}

export const mirrorSeriesRoutes: FastifyPluginAsync<MirrorSeriesRoutesOptions> = async (app, { mirrors, series, now }) => {
  app.get<{ Params: MirrorParams; Querystring: MirrorSeriesQuery }>(
    '/mirrors/:id/series',
    {
      config: { etag: true },
      schema: { params: MirrorParams, querystring: MirrorSeriesQuery, response: { 200: MirrorSeriesResponse, '4xx': ErrorResponse } },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { metric, format } = request.query;
      const window = resolveSeriesWindow(request.query, { nowMs: now(), fieldName: (field) => `querystring/${field}`, maxPoints: MAX_SERIES_POINTS });
      if (!mirrors.get(id, { includeRemoved: true })) throw new SwarmscopeError('not_found', `no mirror ${id}`);
      // One point over the cap tells "exactly at the cap" from "over it" without counting first.
      const points = await series.queryMirrorSeries({ mirrorId: id, metric, ...window, limit: MAX_SERIES_POINTS + 1 });
      if (points.length > MAX_SERIES_POINTS) {
        throw new SwarmscopeError('invalid_request', `more than ${MAX_SERIES_POINTS} raw samples in this range: give a step (e.g. step=1h) or a shorter range`);
      }
      if (format === 'csv') {
        return reply.type('text/csv; charset=utf-8').header('content-disposition', `inline; filename="${id}-${metric}.csv"`).send(seriesToCsv(points));
      }
      return {
        mirror: id,
        metric,
        step: window.stepMs / 1000,
        agg: window.agg,
        points: points.map(([atMs, value]): [string, number] => [new Date(atMs).toISOString(), value]),
      };
    },
  );
};
