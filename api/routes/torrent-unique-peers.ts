/**
 * Distinct peers of a torrent over any range, `GET /api/v1/torrents/:infohash/unique-peers?from=&to=`:
 * the estimate of the union of the range's HyperLogLog sketches (DetailStore.mergedSketch), so
 * "distinct peers this week" is a merge of the week, never a sum of daily counts (DESIGN.md §9).
 */
import type { FastifyPluginAsync } from 'fastify';
import { HyperLogLog } from '../../core/hyperloglog.ts';
import { ErrorResponse, InfohashParams } from '../schemas/common.ts';
import { GeoQuery, UniquePeersResponse } from '../schemas/geo.ts';
import { resolveTorrentRange, type TorrentRangeDeps } from '../torrent-range-request.ts';

/** Day unions keep long ranges cheap (store/sketch-days.ts): ten years is ~3,650 sketches. */
const MAX_UNIQUE_RANGE_MS = 10 * 366 * 86_400_000;

export const torrentUniquePeersRoutes: FastifyPluginAsync<TorrentRangeDeps> = async (app, deps) => {
  app.get<{ Params: InfohashParams; Querystring: GeoQuery }>(
    '/torrents/:infohash/unique-peers',
    { config: { etag: true }, schema: { params: InfohashParams, querystring: GeoQuery, response: { 200: UniquePeersResponse, '4xx': ErrorResponse } } },
    async (request) => {
      const { infohash, fromMs, toMs, detail } = resolveTorrentRange(deps, request.params, request.query, MAX_UNIQUE_RANGE_MS);
      const merged = await detail.mergedSketch(infohash, fromMs, toMs);
      return {
        infohash,
        from: new Date(fromMs).toISOString(),
        to: new Date(toMs).toISOString(),
        uniquePeers: merged ? Math.round(HyperLogLog.deserialize(merged).estimate()) : null,
      };
    },
  );
};
