/**
 * A family's spread (DESIGN.md §5): distinct peers across all its torrents over a range (an HLL
 * union, never a sum), the same per bucket beside each member's own series, and the geography.
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import { SwarmscopeError } from '../../core/errors.ts';
import { detailStoreOf } from '../../store/detail-validation.ts';
import { FAMILY_DISTINCT_METHOD, FAMILY_GEO_METHOD, familyDistinctSeries, familyTaggedSums, familyUniquePeers } from '../../store/family-spread.ts';
import { createMirrorStateRepo } from '../../store/mirror-state-repo.ts';
import { resolveSeriesWindow } from '../../store/series-request.ts';
import { type Family, createFamiliesRepo } from '../../store/state/families-repo.ts';
import type { DetailStore, SeriesStore, TorrentRegistry } from '../../store/types.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { FamilyGeo, FamilyParams, FamilyRangeQuery, FamilySeries, FamilySeriesQuery, FamilyUniquePeers } from '../schemas/family.ts';
import { resolveTimeRange } from '../time-range.ts';

/** Like a torrent's unique-peers route: day unions keep ten years cheap. */
const MAX_RANGE_MS = 10 * 366 * 86_400_000;
/** Each bucket of the distinct line is one union per member: fewer buckets than a plain series. */
const MAX_DISTINCT_BUCKETS = 1_000;

export interface FamilySpreadOptions {
  stateDb: Database.Database;
  series: SeriesStore;
  registry: TorrentRegistry;
  now: () => number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export const familySpreadRoutes: FastifyPluginAsync<FamilySpreadOptions> = async (app, { stateDb, series, registry, now }) => {
  const families = createFamiliesRepo(stateDb);
  const mirrorState = createMirrorStateRepo(stateDb);
  const resolve = (id: string): { family: Family; detail: DetailStore } => {
    const family = families.get(id);
    if (!family) throw new SwarmscopeError('not_found', `no family ${id}`);
    const detail = detailStoreOf(series);
    if (!detail) throw new SwarmscopeError('internal', `the ${series.kind} store keeps no sketches`);
    return { family, detail };
  };

  app.get<{ Params: FamilyParams; Querystring: FamilyRangeQuery }>(
    '/families/:id/unique-peers',
    { schema: { params: FamilyParams, querystring: FamilyRangeQuery, response: { 200: FamilyUniquePeers, '4xx': ErrorResponse } } },
    async (request) => {
      const { family, detail } = resolve(request.params.id);
      const { fromMs, toMs } = resolveTimeRange(request.query, now(), MAX_RANGE_MS);
      const latest = await series.latestSamples(family.torrents);
      const newest = [...latest.values()].filter((sample) => sample.atMs >= fromMs && sample.atMs <= toMs);
      // "Now": the union of each member's newest sweep in the range (sweeps of one family end within minutes).
      let peersNow: number | null = null;
      if (newest.length > 0) {
        const earliest = Math.min(...newest.map((sample) => sample.atMs));
        const latestAt = Math.max(...newest.map((sample) => sample.atMs));
        peersNow = await familyUniquePeers(detail, newest.map((sample) => sample.infohash), earliest, latestAt);
      }
      return {
        familyId: family.id,
        from: iso(fromMs),
        to: iso(toMs),
        uniquePeers: await familyUniquePeers(detail, family.torrents, fromMs, toMs),
        peersNow,
        torrents: family.torrents.length,
        mirrors: family.mirrors.length,
        mirrorsUp: family.mirrors.filter((id) => mirrorState.get(id).state === 'up').length,
        method: FAMILY_DISTINCT_METHOD,
      };
    },
  );

  app.get<{ Params: FamilyParams; Querystring: FamilySeriesQuery }>(
    '/families/:id/series',
    { schema: { params: FamilyParams, querystring: FamilySeriesQuery, response: { 200: FamilySeries, '4xx': ErrorResponse } } },
    async (request) => {
      const { family, detail } = resolve(request.params.id);
      const { metric, step, from, to } = request.query;
      const window = resolveSeriesWindow({ from, to, step, agg: 'avg' }, { nowMs: now(), fieldName: (field) => `querystring/${field}`, maxPoints: MAX_DISTINCT_BUCKETS });
      if (window.stepMs === 0) throw new SwarmscopeError('invalid_request', 'querystring/step: a family series needs buckets (a step above 0)');
      const torrents = [];
      for (const infohash of family.torrents) {
        const points = await series.querySeries({ infohash, metric, fromMs: window.fromMs, toMs: window.toMs, stepMs: window.stepMs, agg: 'avg' });
        torrents.push({ infohash, label: registry.get(infohash, { includeRemoved: true })?.label ?? null, points: points.map(([atMs, value]) => [iso(atMs), value] as [string, number]) });
      }
      const distinct = await familyDistinctSeries(detail, family.torrents, window.fromMs, window.toMs, window.stepMs);
      return {
        familyId: family.id,
        metric,
        step: window.stepMs / 1000,
        torrents,
        distinctPeers: { points: distinct.map(([atMs, value]) => [iso(atMs), value] as [string, number]), method: FAMILY_DISTINCT_METHOD },
      };
    },
  );

  app.get<{ Params: FamilyParams; Querystring: FamilyRangeQuery }>(
    '/families/:id/geo',
    { schema: { params: FamilyParams, querystring: FamilyRangeQuery, response: { 200: FamilyGeo, '4xx': ErrorResponse } } },
    async (request) => {
      const { family, detail } = resolve(request.params.id);
      const { fromMs, toMs } = resolveTimeRange(request.query, now(), MAX_RANGE_MS);
      const countries = await familyTaggedSums(detail, 'swarm_geo', family.torrents, fromMs, toMs);
      const asns = await familyTaggedSums(detail, 'swarm_asn', family.torrents, fromMs, toMs);
      return {
        familyId: family.id,
        from: iso(fromMs),
        to: iso(toMs),
        countries: countries.map(({ tag, peers }) => ({ country: tag, peers })),
        asns: asns.map(({ tag, peers }) => ({ asn: tag, peers })),
        method: FAMILY_GEO_METHOD,
      };
    },
  );
};
