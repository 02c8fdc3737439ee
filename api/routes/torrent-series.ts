/**
 * One metric of one torrent over time, as JSON points or CSV (DESIGN.md §5). Parsing the window and
 * rendering are shared with `swarmscope export` (store/series-request.ts). Removed torrents keep
 * their history, so their series stay readable; only an infohash never watched is a 404. Every
 * answer says where it has no measurement (`gaps`, and a null point that breaks the line) and
 * carries the methods record of its range (store/methods-record.ts).
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { methodsRecord } from '../../store/methods-record.ts';
import { seriesCoverage } from '../../store/series-coverage.ts';
import { resolveSeriesRequest, seriesToCsv, seriesToJson } from '../../store/series-request.ts';
import type { SeriesStore, TorrentRegistry } from '../../store/types.ts';
import { ErrorResponse, InfohashParams } from '../schemas/common.ts';
import { SeriesQuery, SeriesResponse } from '../schemas/series.ts';

/** The most points one answer carries, for explicit steps and raw queries alike. */
export const MAX_SERIES_POINTS = 10_000;

export interface SeriesRoutesOptions {
  series: SeriesStore;
  registry: TorrentRegistry;
  /** Holds the sweep log: every answer carries its gaps and methods record (issue 13). */
  stateDb: Database.Database;
  now: () => number;
}

export const torrentSeriesRoutes: FastifyPluginAsync<SeriesRoutesOptions> = async (app, { series, registry, stateDb, now }) => {
  app.get<{ Params: InfohashParams; Querystring: SeriesQuery }>(
    '/torrents/:infohash/series',
    {
      config: { etag: true },
      schema: { params: InfohashParams, querystring: SeriesQuery, response: { 200: SeriesResponse, '4xx': ErrorResponse } },
    },
    async (request, reply) => {
      const infohash = parseInfohash(request.params.infohash);
      const nowMs = now();
      const query = resolveSeriesRequest(
        { ...request.query, infohash },
        { nowMs, fieldName: (field) => `querystring/${field}`, maxPoints: MAX_SERIES_POINTS },
      );
      const torrent = registry.get(infohash, { includeRemoved: true });
      if (!torrent) {
        throw new SwarmscopeError('not_found', `torrent ${infohash} has never been on the watchlist`);
      }
      // One point over the cap tells "exactly at the cap" from "over it" without counting first.
      const points = await series.querySeries({ ...query, limit: MAX_SERIES_POINTS + 1 });
      if (points.length > MAX_SERIES_POINTS) {
        throw new SwarmscopeError('invalid_request', `more than ${MAX_SERIES_POINTS} raw samples in this range: give a step (e.g. step=1h) or a shorter range`);
      }
      const coverage = seriesCoverage(stateDb, registry, { infohash, fromMs: query.fromMs, toMs: query.toMs, nowMs }, { torrent });
      // A CSV is a download, an export: it always carries the record. JSON carries it on request, so
      // the page's polling answers stay small and keep their ETag (the record names the instant it was made).
      const wantsMethods = request.query.format === 'csv' || request.query.methods === true;
      const methods = wantsMethods ? methodsRecord(stateDb, series.kind, { infohash, metric: query.metric, fromMs: query.fromMs, toMs: query.toMs, coverage }, nowMs) : undefined;
      const extras = { gaps: coverage.gaps, ...(methods ? { methods } : {}) };
      if (request.query.format === 'csv') {
        // A string with a non-JSON type bypasses the JSON response schema; the ETag hook still applies.
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `inline; filename="${infohash}-${query.metric}.csv"`)
          .send(seriesToCsv(points, { ...extras, stepMs: query.stepMs }));
      }
      return seriesToJson(query, points, extras);
    },
  );
};
