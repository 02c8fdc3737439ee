/**
 * The torrent view's time charts: peers by source on one chart (each source measures something
 * else, and the legend says what), cumulative unique peers, and seeders against leechers. Each API
 * series is requested once per range and shared by the charts that show it.
 */
import { api, csvUrl } from '../api.js';
import { h } from '../dom.js';
import { aggregationOf, metricInfo, sourceMetrics } from '../metrics.js';
import { seriesStyle } from '../palette.js';
import { alignPoints, sumPoints } from '../series-align.js';

export const CHARTS = [
  {
    id: 'peers',
    title: 'Peers by source',
    caption: 'Each source counts differently; none of them counts people (several peers can share one address).',
    yLabel: 'peers',
    metrics: ['dht_peers', 'bep33_peers', 'tracker_peers', 'probe_peers'],
  },
  {
    id: 'unique',
    title: 'Unique peers since watching began',
    caption: 'A distinct count over the whole history: it grows when new peers join, never by counting the same peer twice.',
    yLabel: 'peers (cumulative)',
    metrics: ['unique_peers'],
  },
  {
    id: 'seeders',
    title: 'Seeders and leechers',
    caption: 'Seeders hold the whole file; leechers are still downloading.',
    yLabel: 'peers',
    metrics: ['tracker_seeders', 'tracker_leechers', 'bep33_seeders', 'probe_seeders', 'probe_leechers'],
  },
];

/** Every API series the charts need, each once. */
export function neededMetrics() {
  return [...new Set(CHARTS.flatMap((chart) => chart.metrics.flatMap(sourceMetrics)))];
}

/** Fetches each series; a failed one is recorded as an error and drawn as "no data", the others still show. */
export async function loadSeries(infohash, resolved, signal) {
  const metrics = neededMetrics();
  const answers = await Promise.allSettled(
    metrics.map((metric) => api.series(infohash, { metric, agg: aggregationOf(metric), ...resolved.query }, { signal })),
  );
  const points = new Map();
  const errors = [];
  answers.forEach((answer, index) => {
    if (answer.status === 'fulfilled') points.set(metrics[index], answer.value.points);
    else if (answer.reason?.name !== 'AbortError') errors.push(`${metrics[index]}: ${answer.reason?.message ?? answer.reason}`);
  });
  return { points, errors };
}

function pointsOf(metric, points) {
  const [first, second] = sourceMetrics(metric);
  return second ? sumPoints(points.get(first), points.get(second)) : points.get(first) ?? [];
}

export function chartSpecs(points, events, resolved) {
  return CHARTS.map((chart) => ({
    range: resolved,
    id: chart.id,
    title: chart.title,
    caption: chart.caption,
    yLabel: chart.yLabel,
    series: chart.metrics.map((metric, index) => ({ ...metricInfo(metric), ...seriesStyle(index) })),
    data: alignPoints(chart.metrics.map((metric) => pointsOf(metric, points))),
    events,
  }));
}

/** One CSV link per API series, for the same range, step and aggregation as the charts. */
export function csvLinks(infohash, resolved) {
  return h(
    'ul',
    { class: 'csv-links' },
    neededMetrics().map((metric) =>
      h('li', {}, h('a', {
        href: csvUrl(`/api/v1/torrents/${infohash}/series`, { metric, agg: aggregationOf(metric), ...resolved.query }),
        download: `${infohash}-${metric}.csv`,
      }, metricInfo(metric).label)),
    ),
  );
}
