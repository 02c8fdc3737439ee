/**
 * The event timeline (DESIGN.md §5, issue 13): `GET /api/v1/events/timeline` lists events (JSON, or
 * `format=csv` for a spreadsheet), `POST` adds one (token), `DELETE …/:id` removes one (token).
 * Asked about a torrent, it also gives the events of the families the torrent belongs to; asked
 * about a family, also those of its torrents — what a graph of either should annotate.
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { timelineEventToJson, timelineToCsv } from '../../store/state/timeline-files.ts';
import { createTimelineRepo, type TimelineQuery as RepoQuery } from '../../store/state/timeline-repo.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { NewTimelineBody, TimelineEventJson, TimelineList, TimelineParams, TimelineQuery } from '../schemas/timeline.ts';
import { resolveTimeRange } from '../time-range.ts';

/** The timeline spans years (a leak and its aftermath): any range is a cheap indexed read. */
const MAX_TIMELINE_RANGE_MS = 100 * 366 * 86_400_000;

export interface TimelineRoutesOptions {
  stateDb: Database.Database;
  now: () => number;
}

export const timelineRoutes: FastifyPluginAsync<TimelineRoutesOptions> = async (app, { stateDb, now }) => {
  const timeline = createTimelineRepo(stateDb, now);
  const families = createFamiliesRepo(stateDb);

  app.get<{ Querystring: TimelineQuery }>(
    '/events/timeline',
    { config: { etag: true }, schema: { querystring: TimelineQuery, response: { 200: TimelineList, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const { query } = request;
      const range = resolveTimeRange({ from: query.from ?? '0', to: query.to }, now(), MAX_TIMELINE_RANGE_MS);
      const filter: RepoQuery = { fromMs: range.fromMs, toMs: range.toMs, offset: query.offset, limit: query.limit, ...(query.kind ? { kind: query.kind } : {}) };
      if (query.infohash !== undefined && query.family !== undefined) throw new SwarmscopeError('invalid_request', 'querystring: give infohash or family, not both');
      if (query.infohash !== undefined) {
        const infohash = parseInfohash(query.infohash);
        Object.assign(filter, { infohash, familyIds: families.list().filter((family) => family.torrents.includes(infohash)).map((family) => family.id) });
      }
      if (query.family !== undefined) {
        const family = families.get(query.family);
        if (!family) throw new SwarmscopeError('not_found', `no family ${query.family}`);
        // A family's graph shows its own events and its torrents'; one query per member keeps the index in use.
        const own = timeline.list({ ...filter, familyIds: [family.id], offset: 0, limit: 1000 }).events;
        const members = family.torrents.flatMap((infohash) => timeline.list({ ...filter, infohash, offset: 0, limit: 1000 }).events);
        const merged = [...new Map([...own, ...members].map((event) => [event.id, event])).values()].sort((a, b) => a.atMs - b.atMs);
        const page = merged.slice(query.offset, query.offset + query.limit);
        return query.format === 'csv' ? reply.type('text/csv; charset=utf-8').send(timelineToCsv(page)) : { events: page.map(timelineEventToJson), total: merged.length };
      }
      const { events, total } = timeline.list(filter);
      if (query.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'inline; filename="timeline.csv"').send(timelineToCsv(events));
      return { events: events.map(timelineEventToJson), total };
    },
  );

  app.post<{ Body: NewTimelineBody }>(
    '/events/timeline',
    { schema: { body: NewTimelineBody, response: { 200: TimelineEventJson, 201: TimelineEventJson, '4xx': ErrorResponse } } },
    async (request, reply) => {
      const body = request.body;
      const atMs = Date.parse(body.at);
      if (Number.isNaN(atMs)) throw new SwarmscopeError('invalid_request', `body/at: "${body.at}" is not an ISO 8601 time`);
      const { event, created } = timeline.add(
        {
          atMs,
          kind: body.kind,
          title: body.title,
          url: body.url ?? null,
          source: body.source ?? 'api',
          infohash: body.infohash === undefined ? null : parseInfohash(body.infohash),
          familyId: body.family ?? null,
        },
        'body',
      );
      // The same event again is not an error: it answers the stored one, 200 instead of 201.
      return reply.code(created ? 201 : 200).send(timelineEventToJson(event));
    },
  );

  app.delete<{ Params: TimelineParams }>('/events/timeline/:id', { schema: { params: TimelineParams, response: { '4xx': ErrorResponse } } }, async (request, reply) => {
    if (!timeline.remove(request.params.id)) throw new SwarmscopeError('not_found', `no timeline event ${request.params.id}`);
    return reply.code(204).send();
  });
};
