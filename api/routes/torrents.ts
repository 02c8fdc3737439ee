/** The watchlist: list, add, show, stop watching (DESIGN.md §5). */
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { combinedDataVersion } from '../../store/sqlite/data-version.ts';
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

/** Pages kept serialized (a page of 100 is ~65 KiB): at most this many, and this many characters in all. */
const PAGE_CACHE_MAX_ENTRIES = 256;
const PAGE_CACHE_MAX_CHARS = 32 * 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Serialized list pages by (offset, limit), each with the data version it was read at (issue 12: a
 * dashboard polls the same pages; building one reads 100 torrents and their latest samples and
 * serializes 65 KiB). A page is served from here only while the version is unchanged, so never
 * after a write, by this process or another (store/sqlite/data-version.ts). Least recently used
 * pages go first.
 */
class PageCache {
  private readonly pages = new Map<string, { version: string; body: string }>();
  private chars = 0;

  get(key: string, version: string): string | undefined {
    const page = this.pages.get(key);
    if (!page) return undefined;
    this.pages.delete(key);
    if (page.version !== version) {
      this.chars -= page.body.length;
      return undefined;
    }
    this.pages.set(key, page);
    return page.body;
  }

  set(key: string, version: string, body: string): void {
    const old = this.pages.get(key);
    if (old) {
      this.chars -= old.body.length;
      this.pages.delete(key);
    }
    if (body.length > PAGE_CACHE_MAX_CHARS / 4) return;
    for (const [oldestKey, oldest] of this.pages) {
      if (this.pages.size < PAGE_CACHE_MAX_ENTRIES && this.chars + body.length <= PAGE_CACHE_MAX_CHARS) break;
      this.chars -= oldest.body.length;
      this.pages.delete(oldestKey);
    }
    this.pages.set(key, { version, body });
    this.chars += body.length;
  }
}

export const torrentRoutes: FastifyPluginAsync<TorrentRoutesOptions> = async (app, { series, registry, parseTorrentInput }) => {
  function notWatched(infohash: string): SwarmscopeError {
    return new SwarmscopeError('not_found', `torrent ${infohash} is not on the watchlist`);
  }

  // Only when both stores can say whether they changed (SQLite); an InfluxDB series store cannot.
  const dataVersion = combinedDataVersion(registry, series);
  const pageCache = new PageCache();

  app.get<{ Querystring: PageQuery }>(
    '/torrents',
    { schema: { querystring: PageQuery, response: { 200: TorrentList, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const { offset, limit } = request.query;
      // Read before the data: a write in between leaves the newer page under the older version, which is never served.
      const version = dataVersion?.();
      const key = `${offset}/${limit}`;
      const cached = version === undefined ? undefined : pageCache.get(key, version);
      if (cached !== undefined) return reply.type(JSON_TYPE).send(cached);
      const page = registry.list({ offset, limit });
      const latest = page.torrents.length === 0 ? new Map() : await series.latestSamples(page.torrents.map((t) => t.infohash));
      const answer = { torrents: page.torrents.map((torrent) => torrentSummaryJson(torrent, latest.get(torrent.infohash))), total: page.total };
      if (version === undefined) return answer;
      // The route's own serializer (its response schema), as Fastify would have used on `answer`.
      const body = reply.serialize(answer);
      if (typeof body !== 'string') return answer;
      pageCache.set(key, version, body);
      return reply.type(JSON_TYPE).send(body);
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
