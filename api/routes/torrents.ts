/** The watchlist: list, add, show, stop watching (DESIGN.md §5). */
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import type { SeriesStore, TorrentRegistry } from '../../store/types.ts';
import type { ParseTorrentInput } from '../deps.ts';
import { ErrorResponse, InfohashParams, PageQuery } from '../schemas/common.ts';
import { AddTorrentBody, TorrentDetail, TorrentList } from '../schemas/torrent.ts';
import { torrentDetailJson, torrentSummaryJson } from '../torrent-json.ts';

export interface TorrentRoutesOptions {
  series: SeriesStore;
  registry: TorrentRegistry;
  parseTorrentInput: ParseTorrentInput;
}

const SOURCE_KEYS = ['magnet', 'infohash', 'torrent'] as const;

export const torrentRoutes: FastifyPluginAsync<TorrentRoutesOptions> = async (app, { series, registry, parseTorrentInput }) => {
  function notWatched(infohash: string): SwarmscopeError {
    return new SwarmscopeError('not_found', `torrent ${infohash} is not on the watchlist`);
  }

  app.get<{ Querystring: PageQuery }>(
    '/torrents',
    { schema: { querystring: PageQuery, response: { 200: TorrentList, '4xx': ErrorResponse } } },
    async (request) => {
      const { offset, limit } = request.query;
      const page = registry.list({ offset, limit });
      const latest = page.torrents.length === 0 ? new Map() : await series.latestSamples(page.torrents.map((t) => t.infohash));
      return { torrents: page.torrents.map((torrent) => torrentSummaryJson(torrent, latest.get(torrent.infohash))), total: page.total };
    },
  );

  app.post<{ Body: AddTorrentBody }>(
    '/torrents',
    { schema: { body: AddTorrentBody, response: { 200: TorrentDetail, 201: TorrentDetail, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const body = request.body;
      const given = SOURCE_KEYS.filter((key) => body[key] !== undefined);
      if (given.length !== 1) {
        const got = given.length === 0 ? 'none' : given.map((key) => `body/${key}`).join(' and ');
        throw new SwarmscopeError('invalid_request', `give exactly one of body/magnet, body/infohash or body/torrent (got ${got})`);
      }
      // Parsing comes first: bad input is refused before anything is written.
      const parsed = parseTorrentInput({ magnet: body.magnet, infohash: body.infohash, torrentBase64: body.torrent });
      const known = registry.get(parsed.infohash, { includeRemoved: true });
      const tags = body.tags?.map((tag) => tag.trim()).filter((tag) => tag.length > 0);
      const { torrent, created } = registry.add({
        ...parsed,
        label: body.label ?? parsed.label,
        tags,
        // Keep a shipped entry's citation; only entries that start here are marked as coming from the API.
        source: known ? undefined : (parsed.source ?? 'api'),
      });
      const latest = (await series.latestSamples([torrent.infohash])).get(torrent.infohash);
      reply.code(created ? 201 : 200).header('location', `${app.prefix}/torrents/${torrent.infohash}`);
      return torrentDetailJson(torrent, latest);
    },
  );

  app.get<{ Params: InfohashParams }>(
    '/torrents/:infohash',
    { schema: { params: InfohashParams, response: { 200: TorrentDetail, '4xx': ErrorResponse } } },
    async (request) => {
      const infohash = parseInfohash(request.params.infohash);
      const torrent = registry.get(infohash);
      if (!torrent) throw notWatched(infohash);
      const latest = (await series.latestSamples([infohash])).get(infohash);
      return torrentDetailJson(torrent, latest);
    },
  );

  app.delete<{ Params: InfohashParams }>(
    '/torrents/:infohash',
    { schema: { params: InfohashParams, response: { '4xx': ErrorResponse } } },
    async (request, reply) => {
      const infohash = parseInfohash(request.params.infohash);
      // A tombstone, not a delete: the series stay queryable and a shipped entry stays removed.
      if (!registry.remove(infohash)) throw notWatched(infohash);
      return reply.code(204).send();
    },
  );
};
