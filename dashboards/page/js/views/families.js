/**
 * Leak families: the list (GET /api/v1/families) and one family's spread — a line per member torrent
 * for the chosen metric, plus the family's distinct-peer line, which is a HyperLogLog union of the
 * members' sketches and never a sum of their counts; the distinct peers of the range with the
 * method that produced them; the geography summed over members (labelled as such).
 */
import { api } from '../api.js';
import { timelineAbout } from '../events.js';
import { h, replaceChildren } from '../dom.js';
import { formatCount, shortHash } from '../format.js';
import { COMPARABLE, metricInfo } from '../metrics.js';
import { seriesStyle } from '../palette.js';
import { rangePicker } from '../range-picker.js';
import { replaceHash, routeHash } from '../router.js';
import { alignPoints } from '../series-align.js';
import { errorNotice, loading, notice } from '../states.js';
import { renderTimeChart } from '../time-chart.js';
import { rangeFromParams, rangeToParams, resolveRange } from '../time-range.js';

export const DISTINCT_LABEL = 'distinct peers (HLL union)';

export function renderFamilies(main, { signal }) {
  const body = h('div', {}, loading('Loading families…'));
  replaceChildren(main, h('h1', {}, 'Leak families'),
    h('p', { class: 'summary' }, 'A family is one leaked model across all its torrents and mirrors. Create one with `swarmscope family add` or POST /api/v1/families.'), body);
  api.families({ signal })
    .then(({ families }) => {
      if (families.length === 0) return replaceChildren(body, notice('empty', 'No family yet', 'The shipped watchlist creates some; `swarmscope family add <name> --torrent <infohash>` makes more.'));
      replaceChildren(body, h('div', { class: 'table-scroll' }, h('table', { class: 'families' },
        h('thead', {}, h('tr', {}, ['Family', 'Torrents', 'Mirrors', 'Description'].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, families.map((family) => h('tr', { dataset: { family: family.id } },
          h('th', { scope: 'row' }, h('a', { href: `#/family/${encodeURIComponent(family.id)}` }, family.name)),
          h('td', { class: 'numeric' }, String(family.torrents.length)),
          h('td', { class: 'numeric' }, String(family.mirrors.length)),
          h('td', {}, family.description ?? '')))))));
    })
    .catch((error) => {
      if (error.name !== 'AbortError') replaceChildren(body, errorNotice(error, 'Families'));
    });
}

async function drawSpread(slots, family, state, signal) {
  const resolved = resolveRange(state.range, { startMs: Date.parse(family.createdAt) });
  const query = { from: resolved.query.from, to: resolved.query.to };
  const [series, unique, geo, map] = await Promise.all([
    api.familySeries(family.id, { ...query, metric: state.metric, step: resolved.query.step }, { signal }),
    api.familyUniquePeers(family.id, query, { signal }),
    api.familyGeo(family.id, query, { signal }),
    // The map pictures the country table: without it (an older server) the tables still show.
    api.familyMap(family.id, query, { signal }).catch((error) => {
      if (error.name === 'AbortError') throw error;
      return null;
    }),
  ]);
  // The family's timeline (and its torrents') as marks on the time axis; none rather than an error.
  const events = await timelineAbout({ family: family.id }, resolved, signal).catch((error) => {
    if (error.name === 'AbortError') throw error;
    return [];
  });
  replaceChildren(slots.figures, h('dl', { class: 'figures' },
    h('dt', {}, 'Distinct peers in the range'), h('dd', { id: 'family-unique-peers' }, formatCount(unique.uniquePeers)),
    h('dt', {}, 'Distinct peers in the newest sweep'), h('dd', {}, formatCount(unique.peersNow)),
    h('dt', {}, 'Members'), h('dd', {}, `${unique.torrents} torrents, ${unique.mirrorsUp} of ${unique.mirrors} mirrors up`)),
  h('p', { class: 'muted method' }, `Method: ${unique.method}.`));
  const titles = series.torrents.map((torrent) => torrent.label ?? shortHash(torrent.infohash));
  renderTimeChart(slots.chart, {
    id: 'family-spread',
    title: `${metricInfo(state.metric).label ?? state.metric} per torrent, and the family's distinct peers`,
    yLabel: 'peers',
    series: [
      ...titles.map((title, index) => ({ label: title, what: metricInfo(state.metric).what ?? state.metric, ...seriesStyle(index % 6) })),
      { label: DISTINCT_LABEL, what: series.distinctPeers.method, colour: '#000000', dash: [] },
    ],
    data: alignPoints([...series.torrents.map((torrent) => torrent.points), series.distinctPeers.points]),
    range: resolved,
    events,
  });
  const rows = (list, key) => list.slice(0, 21).map((row) => h('tr', {}, h('th', { scope: 'row' }, row[key]), h('td', { class: 'numeric' }, formatCount(row.peers))));
  const countries = h('table', { class: 'family-countries' }, h('thead', {}, h('tr', {}, h('th', {}, 'Country'), h('th', {}, 'Peers'))), h('tbody', {}, rows(geo.countries, 'country')));
  const asns = h('table', { class: 'family-asns' }, h('thead', {}, h('tr', {}, h('th', {}, 'Network (AS)'), h('th', {}, 'Peers'))), h('tbody', {}, rows(geo.asns, 'asn')));
  // As on a torrent's view: the top networks beside the map, the country table under it.
  replaceChildren(slots.geo, h('h2', {}, 'Where'), h('p', { class: 'muted' }, geo.method),
    map
      ? [h('div', { class: 'map-beside' }, h('figure', { class: 'geo-map', dataset: { map: 'family' } }, map), asns), h('div', { class: 'geo-tables' }, countries)]
      : h('div', { class: 'geo-tables' }, countries, asns));
}

export function renderFamily(main, { id, params, signal }) {
  const state = { metric: COMPARABLE.includes(params.get('metric')) ? params.get('metric') : 'dht_peers', range: rangeFromParams(params, '7d') };
  const header = h('div', {}, loading('Loading the family…'));
  const slots = { controls: h('div', {}), figures: h('div', {}), chart: h('div', { class: 'chart-slot' }), geo: h('section', {}) };
  replaceChildren(main, header, slots.controls, slots.figures, slots.chart, slots.geo);
  api.family(id, { signal })
    .then((family) => {
      replaceChildren(header, h('h1', {}, family.name), family.description ? h('p', { class: 'summary' }, family.description) : null,
        h('p', {}, 'Torrents: ', family.torrents.map((infohash, index) => [index > 0 ? ', ' : '', h('a', { href: `#/torrent/${infohash}` }, shortHash(infohash))])));
      const redraw = () => {
        replaceHash(routeHash(`/family/${encodeURIComponent(id)}`, { metric: state.metric, ...rangeToParams(state.range) }));
        drawControls();
        drawSpread(slots, family, state, signal).catch((error) => {
          if (error.name !== 'AbortError') replaceChildren(slots.figures, errorNotice(error, 'The family\'s spread'));
        });
      };
      const drawControls = () => {
        const metricSelect = h('select', { id: 'family-metric', onchange: (event) => {
          state.metric = event.target.value;
          redraw();
        } }, COMPARABLE.map((metric) => h('option', { value: metric, selected: metric === state.metric }, metricInfo(metric).label ?? metric)));
        replaceChildren(slots.controls, rangePicker(state.range, resolveRange(state.range, { startMs: Date.parse(family.createdAt) }), (next) => {
          state.range = next;
          redraw();
        }), h('p', {}, h('label', { for: 'family-metric' }, 'Per-torrent lines: '), metricSelect));
      };
      redraw();
    })
    .catch((error) => {
      if (error.name !== 'AbortError') replaceChildren(header, error.status === 404 ? notice('empty', 'No such family', `There is no family ${id}.`) : errorNotice(error, 'Family'));
    });
}
