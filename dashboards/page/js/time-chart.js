/**
 * Time-series charts on uPlot (served from node_modules by the API: no CDN). One figure per chart:
 * a heading, the plot, and a legend that says what each line measures and with which unit, since
 * "DHT peers" and "BEP 33 estimate" count different things. Y axes start at zero so growth is never
 * exaggerated. A chart whose id is shown again is updated in place (no flicker on refresh).
 *
 * `window.swarmscopeCharts` maps chart ids to their uPlot instances: a hook for the browser tests
 * and for anyone inspecting the data behind a chart from the console.
 */
import uPlot from '../vendor/uplot.esm.js';
import { h, replaceChildren } from './dom.js';
import { eventMarkers } from './event-markers.js';
import { formatDateTime, formatValue } from './format.js';
import { countValues } from './series-align.js';
import { notice } from './states.js';

export const charts = new Map();
window.swarmscopeCharts = charts;

const HEIGHT = 280;
const plugins = new WeakMap();

function options(spec, width, markers) {
  return {
    width,
    height: HEIGHT,
    scales: {
      // The axis spans the range asked for, not just the data: a torrent sampled for two hours of a
      // 7-day range shows as two hours at the right, which is what happened.
      x: { time: true, range: (_u, min, max) => (spec.range ? [spec.range.fromMs / 1000, spec.range.toMs / 1000] : [min, max]) },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
    },
    axes: [
      { stroke: '#333', grid: { stroke: '#e4e4e4' }, ticks: { stroke: '#bbb' }, space: 70 },
      { label: spec.yLabel, labelSize: 22, size: 64, stroke: '#333', grid: { stroke: '#e4e4e4' }, values: (_u, ticks) => ticks.map(formatValue) },
    ],
    series: [
      { label: 'Time', value: (_u, seconds) => (seconds === null ? '—' : formatDateTime(seconds * 1000)) },
      ...spec.series.map((series) => ({
        label: series.label,
        stroke: series.colour,
        dash: series.dash,
        width: 2,
        // Buckets with no sample are absent (undefined, joined across); a gap the API reports is a
        // null, and the line breaks there rather than bridging time nothing was measured.
        spanGaps: false,
        points: { size: 5 },
        value: (_u, value) => formatValue(value),
      })),
    ],
    legend: { live: true },
    plugins: [markers],
  };
}

function legend(spec) {
  return h(
    'dl',
    { class: 'chart-legend' },
    spec.series.map((series, index) => [
      h('dt', {}, h('span', { class: 'swatch', style: `--swatch:${series.colour}`, 'aria-hidden': 'true', dataset: { dash: series.dash.length > 0 ? 'dashed' : 'solid' } }), series.label),
      h('dd', {}, series.what, countValues(spec.data[index + 1] ?? []) === 0 ? h('em', {}, ' (no data in this range)') : null),
    ]),
  );
}

function summary(spec) {
  const parts = spec.series.map((series, index) => {
    const column = spec.data[index + 1] ?? [];
    const last = [...column].reverse().find((value) => value !== null && value !== undefined);
    return `${series.label}: ${last === undefined ? 'no data' : `latest ${formatValue(last)}`}`;
  });
  return `${spec.title}. ${parts.join('; ')}.`;
}

/**
 * Draws `spec` into `slot` (an element this chart owns). spec: { id, title, caption?, yLabel,
 * series: [{ label, what, colour, dash }], data: aligned uPlot columns, events: [{ atMs, type, text }],
 * range?: { fromMs, toMs } (the time axis), emptyText? }
 */
export function renderTimeChart(slot, spec) {
  const hasData = spec.data.slice(1).some((column) => countValues(column) > 0);
  const signature = JSON.stringify([spec.id, spec.yLabel, spec.series.map((series) => series.label)]);
  const existing = charts.get(spec.id);
  if (hasData && existing && slot.dataset.signature === signature && slot.isConnected) {
    existing.setData(spec.data);
    plugins.get(existing)?.setEvents(spec.events ?? []);
    slot.querySelector('.chart-plot')?.setAttribute('aria-label', summary(spec));
    slot.querySelector('.chart-legend')?.replaceWith(legend(spec));
    return existing;
  }
  destroyChart(spec.id);
  slot.dataset.signature = signature;
  const plot = h('div', { class: 'chart-plot', role: 'img', 'aria-label': summary(spec) });
  replaceChildren(
    slot,
    h('figure', { class: 'chart', dataset: { chart: spec.id } },
      h('figcaption', {}, h('h3', {}, spec.title), spec.caption ? h('p', { class: 'chart-caption' }, spec.caption) : null),
      hasData ? plot : notice('empty', spec.emptyText ?? 'No samples in this range', 'Pick a longer range, or wait for the next sweep.'),
      legend(spec),
    ),
  );
  if (!hasData) return undefined;
  const markers = eventMarkers(spec.events ?? []);
  const chart = new uPlot(options(spec, Math.max(plot.clientWidth, 320), markers), spec.data, plot);
  plugins.set(chart, markers);
  const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(plot.clientWidth, 320), height: HEIGHT }));
  resize.observe(plot);
  chart.stopObserving = () => resize.disconnect();
  charts.set(spec.id, chart);
  return chart;
}

export function destroyChart(id) {
  const chart = charts.get(id);
  if (!chart) return;
  chart.stopObserving?.();
  chart.destroy();
  charts.delete(id);
}

/** When leaving a view: every chart it drew. */
export function destroyAllCharts() {
  for (const id of [...charts.keys()]) destroyChart(id);
}
