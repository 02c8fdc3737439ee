/**
 * Everything `swarmscope report` puts in its file, read from the store once (issue 13): the series
 * (with their gaps), the swarm estimate, the geography, the events, the sweep counts and the
 * methods record, for one torrent or one leak family over a range. Rendering is report-html.ts.
 */
import type Database from 'better-sqlite3';
import { SwarmscopeError } from '../../core/errors.ts';
import { parseInfohash } from '../../core/infohash.ts';
import { detailStoreOf } from '../../store/detail-validation.ts';
import { familyDistinctSeries, familyTaggedSums, familyUniquePeers, FAMILY_DISTINCT_METHOD } from '../../store/family-spread.ts';
import { methodsRecord, type MethodsRecord } from '../../store/methods-record.ts';
import { seriesCoverage, withGapBreaks, type PointOrBreak, type SeriesCoverage } from '../../store/series-coverage.ts';
import { defaultStepMs } from '../../store/series-request.ts';
import { openAlertingState } from '../../store/state/alerting-state.ts';
import { createFamiliesRepo } from '../../store/state/families-repo.ts';
import { createTimelineRepo, type TimelineEvent } from '../../store/state/timeline-repo.ts';
import { swarmEstimateSummary, type SwarmEstimateSummary } from '../../store/swarm-estimate-summary.ts';
import type { SeriesStore, SwarmMetric, TorrentRegistry } from '../../store/types.ts';

/** Points per series: enough for a printed page, few enough to keep the file small. */
export const REPORT_POINTS = 300;
const MAX_EVENTS = 500;

export interface ReportEvent {
  atMs: number;
  kind: string;
  title: string;
  url: string | null;
  source: string;
}

export interface ReportMember {
  infohash: string;
  label: string;
  coverage: SeriesCoverage;
  series: Partial<Record<SwarmMetric, PointOrBreak[]>>;
  estimate: SwarmEstimateSummary | null;
}

export interface ReportData {
  kind: 'torrent' | 'family';
  title: string;
  description: string | null;
  fromMs: number;
  toMs: number;
  stepMs: number;
  generatedAtMs: number;
  members: ReportMember[];
  /** Family only: distinct peers per bucket, the HLL union of the members' sketches. */
  distinct: { points: PointOrBreak[]; method: string; overRange: number | null } | null;
  countries: { tag: string; peers: number }[];
  asns: { tag: string; peers: number }[];
  events: ReportEvent[];
  methods: MethodsRecord;
}

export interface ReportSources {
  series: SeriesStore;
  registry: TorrentRegistry;
  stateDb: Database.Database;
}

export interface ReportRequest {
  torrent?: string;
  family?: string;
  fromMs: number;
  toMs: number;
  nowMs: number;
}

const TORRENT_METRICS: SwarmMetric[] = ['dht_peers', 'bep33_peers', 'tracker_seeders', 'tracker_leechers', 'probe_seeders', 'probe_leechers', 'swarm_estimate', 'swarm_estimate_low', 'swarm_estimate_high', 'unique_peers'];
const FAMILY_MEMBER_METRICS: SwarmMetric[] = ['dht_peers'];

function alertEvents(stateDb: Database.Database, infohashes: readonly string[], fromMs: number, toMs: number): ReportEvent[] {
  const wanted = new Set(infohashes);
  const { events } = openAlertingState(stateDb).events.list({}, { offset: 0, limit: MAX_EVENTS });
  return events
    .filter((event) => event.subject !== null && wanted.has(event.subject) && event.occurredAtMs >= fromMs && event.occurredAtMs <= toMs)
    .map((event) => ({ atMs: event.occurredAtMs, kind: event.type, title: event.type, url: null, source: 'alert' }));
}

/** Timeline events about the torrents and the families they belong to (store/state/timeline-repo.ts). */
function timelineEvents(stateDb: Database.Database, infohashes: readonly string[], fromMs: number, toMs: number): ReportEvent[] {
  const families = createFamiliesRepo(stateDb).list().filter((family) => family.torrents.some((infohash) => infohashes.includes(infohash)));
  const timeline = createTimelineRepo(stateDb);
  const found = new Map<string, TimelineEvent>();
  const collect = (query: Parameters<typeof timeline.list>[0]) => timeline.list({ ...query, fromMs, toMs, limit: MAX_EVENTS }).events.forEach((event) => found.set(event.id, event));
  for (const infohash of infohashes) collect({ infohash });
  if (families.length > 0) collect({ familyIds: families.map((family) => family.id) });
  return [...found.values()].map((event) => ({ atMs: event.atMs, kind: event.kind, title: event.title, url: event.url, source: event.source }));
}

async function member(sources: ReportSources, infohash: string, metrics: readonly SwarmMetric[], request: ReportRequest, stepMs: number): Promise<ReportMember> {
  const torrent = sources.registry.get(infohash, { includeRemoved: true });
  const coverage = seriesCoverage(sources.stateDb, sources.registry, { infohash, fromMs: request.fromMs, toMs: request.toMs, nowMs: request.nowMs });
  const series: ReportMember['series'] = {};
  for (const metric of metrics) {
    const points = await sources.series.querySeries({ infohash, metric, fromMs: request.fromMs, toMs: request.toMs, stepMs, agg: metric === 'unique_peers' ? 'last' : 'avg' });
    series[metric] = withGapBreaks(points, coverage.gaps, stepMs);
  }
  const latest = (await sources.series.latestSamples([infohash])).get(infohash);
  return {
    infohash,
    label: torrent?.label ?? torrent?.name ?? infohash,
    coverage,
    series,
    estimate: latest && latest.atMs <= request.toMs ? swarmEstimateSummary(latest.values) : null,
  };
}

export async function reportData(sources: ReportSources, request: ReportRequest): Promise<ReportData> {
  const detail = detailStoreOf(sources.series);
  if (!detail) throw new SwarmscopeError('internal', `the ${sources.series.kind} store keeps no tagged series or sketches`);
  const stepMs = defaultStepMs(request.toMs - request.fromMs + 1, REPORT_POINTS);
  let kind: ReportData['kind'];
  let title: string;
  let description: string | null = null;
  let infohashes: string[];
  if (request.torrent !== undefined) {
    const infohash = parseInfohash(request.torrent);
    const torrent = sources.registry.get(infohash, { includeRemoved: true });
    if (!torrent) throw new SwarmscopeError('not_found', `torrent ${infohash} has never been on the watchlist`);
    kind = 'torrent';
    title = torrent.label ?? torrent.name ?? infohash;
    description = torrent.name && torrent.name !== title ? torrent.name : null;
    infohashes = [infohash];
  } else {
    const families = createFamiliesRepo(sources.stateDb);
    const family = families.get(request.family ?? '') ?? families.findByName(request.family ?? '');
    if (!family) throw new SwarmscopeError('not_found', `no leak family "${request.family}" (swarmscope family ls lists them)`);
    kind = 'family';
    title = family.name;
    description = family.description ?? null;
    infohashes = family.torrents;
  }
  const metrics = kind === 'torrent' ? TORRENT_METRICS : FAMILY_MEMBER_METRICS;
  const members: ReportMember[] = [];
  for (const infohash of infohashes) members.push(await member(sources, infohash, metrics, request, stepMs));
  const distinct =
    kind === 'family'
      ? {
          points: (await familyDistinctSeries(detail, infohashes, request.fromMs, request.toMs, stepMs)).map(([atMs, value]): PointOrBreak => [atMs, value]),
          method: FAMILY_DISTINCT_METHOD,
          overRange: await familyUniquePeers(detail, infohashes, request.fromMs, request.toMs),
        }
      : null;
  const events = [...alertEvents(sources.stateDb, infohashes, request.fromMs, request.toMs), ...timelineEvents(sources.stateDb, infohashes, request.fromMs, request.toMs)].sort((a, b) => a.atMs - b.atMs);
  const first = members[0];
  const methods =
    kind === 'torrent' && first
      ? methodsRecord(sources.stateDb, sources.series.kind, { infohash: first.infohash, fromMs: request.fromMs, toMs: request.toMs, coverage: first.coverage }, request.nowMs)
      : methodsRecord(sources.stateDb, sources.series.kind, undefined, request.nowMs);
  return {
    kind,
    title,
    description,
    fromMs: request.fromMs,
    toMs: request.toMs,
    stepMs,
    generatedAtMs: request.nowMs,
    members,
    distinct,
    countries: await familyTaggedSums(detail, 'swarm_geo', infohashes, request.fromMs, request.toMs),
    asns: await familyTaggedSums(detail, 'swarm_asn', infohashes, request.fromMs, request.toMs),
    events,
    methods,
  };
}
