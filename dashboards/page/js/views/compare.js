/**
 * Several torrents on one time axis (GET /api/v1/compare, at most 20 torrents): pick torrents from
 * a filterable list, a metric and a range; the chart and its CSV show exactly that query. The
 * selection lives in the URL, so a comparison can be shared.
 */
import { api, csvUrl } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { torrentTitle } from '../format.js';
import { COMPARABLE, aggregationOf, metricInfo } from '../metrics.js';
import { seriesStyle } from '../palette.js';
import { rangePicker } from '../range-picker.js';
import { replaceHash, routeHash } from '../router.js';
import { errorNotice, loading, notice } from '../states.js';
import { renderTimeChart } from '../time-chart.js';
import { rangeFromParams, rangeToParams, resolveRange } from '../time-range.js';
import { loadWatchlist } from '../watchlist.js';

export const MAX_COMPARED = 20;
const LIST_SHOWN = 50;

function alignedColumns(answer) {
  const xs = answer.points.map(([time]) => Date.parse(time) / 1000);
  // The compare answer's null means "no point in this bucket", not a gap: undefined is joined across (time-chart.js).
  return [xs, ...answer.torrents.map((_, column) => answer.points.map((row) => row[column + 1] ?? undefined))];
}

export function renderCompare(main, { params, signal }) {
  const state = {
    selected: (params.get('infohash') ?? '').split(',').map((hash) => hash.trim().toLowerCase()).filter(Boolean).slice(0, MAX_COMPARED),
    metric: COMPARABLE.includes(params.get('metric')) ? params.get('metric') : 'dht_peers',
    range: rangeFromParams(params, '7d'),
    filter: '',
    torrents: [],
  };
  const picker = h('div', { class: 'compare-picker' }, loading('Loading the watchlist…'));
  const controls = h('div', {});
  const chartSlot = h('div', { class: 'chart-slot' });
  const downloads = h('p', { class: 'downloads' });
  replaceChildren(main, h('h1', {}, 'Compare torrents'), picker, controls, chartSlot, downloads);

  // "All" starts when the earliest of the compared torrents began to be watched.
  const startMs = () => Math.min(...state.torrents.filter((torrent) => state.selected.includes(torrent.infohash)).map((torrent) => Date.parse(torrent.addedAt)));
  const syncUrl = () => replaceHash(routeHash('/compare', { infohash: state.selected.join(','), metric: state.metric, ...rangeToParams(state.range) }));

  const chips = h('ul', { class: 'chips' });
  const legend = h('legend', {});
  const list = h('ul', { class: 'pick-list' });
  const more = h('p', { class: 'muted' });
  // Built once: redrawing the list as someone types must not take the focus from the field.
  const filter = h('input', { type: 'search', placeholder: 'name, label or infohash', oninput: (event) => {
    state.filter = event.target.value;
    drawPicker();
  } });

  function toggle(infohash, on) {
    state.selected = on ? [...new Set([...state.selected, infohash])].slice(0, MAX_COMPARED) : state.selected.filter((hash) => hash !== infohash);
    syncUrl();
    drawPicker();
    drawChart();
  }

  function drawPicker() {
    const byHash = new Map(state.torrents.map((torrent) => [torrent.infohash, torrent]));
    const titleOf = (hash) => torrentTitle(byHash.get(hash) ?? { infohash: hash });
    const words = state.filter.toLowerCase();
    const matches = state.torrents.filter((torrent) => `${torrentTitle(torrent)} ${torrent.infohash}`.toLowerCase().includes(words)).slice(0, LIST_SHOWN);
    legend.textContent = `Torrents (${state.selected.length} of at most ${MAX_COMPARED})`;
    replaceChildren(chips, state.selected.map((hash) => h('li', {}, titleOf(hash),
      h('button', { type: 'button', 'aria-label': `Remove ${titleOf(hash)}`, onclick: () => toggle(hash, false) }, '×'))));
    replaceChildren(list, matches.map((torrent) => {
      const on = state.selected.includes(torrent.infohash);
      return h('li', {}, h('label', {},
        h('input', { type: 'checkbox', checked: on, disabled: !on && state.selected.length >= MAX_COMPARED, onchange: (event) => toggle(torrent.infohash, event.target.checked) }),
        ` ${torrentTitle(torrent)}`));
    }));
    more.textContent = state.torrents.length > LIST_SHOWN ? `Showing ${matches.length} matches of ${state.torrents.length}; type to narrow down.` : '';
  }

  function drawControls() {
    const resolved = resolveRange(state.range, { startMs: startMs() });
    const metricSelect = h('select', { onchange: (event) => {
      state.metric = event.target.value;
      syncUrl();
      drawChart();
    } }, COMPARABLE.map((metric) => h('option', { value: metric, selected: metric === state.metric }, metricInfo(metric).label)));
    replaceChildren(controls, h('div', { class: 'toolbar' }, h('label', {}, 'Metric ', metricSelect)), rangePicker(state.range, resolved, (range) => {
      state.range = range;
      syncUrl();
      drawControls();
      drawChart();
    }));
  }

  let generation = 0;
  async function drawChart() {
    const current = ++generation;
    downloads.replaceChildren();
    if (state.selected.length === 0) {
      replaceChildren(chartSlot, notice('empty', 'Pick torrents to compare', 'Choose up to 20 torrents above; their series share one time axis.'));
      return;
    }
    const resolved = resolveRange(state.range, { startMs: startMs() });
    const query = { infohash: state.selected, metric: state.metric, agg: aggregationOf(state.metric), ...resolved.query };
    try {
      const answer = await api.compare(query, { signal });
      if (current !== generation) return;
      const info = metricInfo(state.metric);
      renderTimeChart(chartSlot, {
        id: 'compare',
        title: `${info.label}, compared`,
        caption: info.what,
        yLabel: info.unit,
        series: answer.torrents.map((torrent, index) => ({ label: torrentTitle(torrent), what: torrent.infohash, ...seriesStyle(index) })),
        data: alignedColumns(answer),
        range: resolved,
        events: [],
      });
      replaceChildren(downloads, h('a', { href: csvUrl('/api/v1/compare', query), download: `swarmscope-compare-${state.metric}.csv` }, 'Download this comparison (CSV)'));
    } catch (error) {
      if (error.name !== 'AbortError' && current === generation) replaceChildren(chartSlot, errorNotice(error, 'The comparison'));
    }
  }

  drawControls();
  drawChart();
  loadWatchlist(signal)
    .then((torrents) => {
      state.torrents = torrents;
      if (state.range.preset === 'all') {
        drawControls();
        drawChart();
      }
      replaceChildren(picker, h('fieldset', {}, legend, chips, h('label', {}, 'Find ', filter), list, more));
      drawPicker();
    })
    .catch((error) => {
      if (error.name !== 'AbortError') replaceChildren(picker, errorNotice(error, 'The watchlist'));
    });
}
