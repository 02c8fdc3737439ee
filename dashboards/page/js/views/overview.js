/**
 * Overview: every watched torrent with its latest counts, a 7-day sparkline and its 24 h / 7 d
 * growth. Usable at 1,000 torrents and more: the watchlist arrives in one request per 1,000 torrents, filtering and sorting happen in the browser, only 20 rows are drawn at a time, and
 * the trends of those 20 come from one batched /compare request (its limit is 20 torrents).
 */
import { api, csvUrl } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatCount, torrentTitle } from '../format.js';
import { columnsOf } from '../growth.js';
import { routeHash } from '../router.js';
import { stepSecondsFor } from '../time-range.js';
import { errorNotice, loading, notice } from '../states.js';
import { loadWatchlist } from '../watchlist.js';
import { COLUMNS, failTrends, fillTrends, torrentRow } from './overview-table.js';

export const PAGE_SIZE = 20;
const TREND_WINDOW_MS = 7 * 86_400_000;
/** Two hours more than 7 days, so the 7-day growth has a baseline at or before its cutoff. */
const TREND_FETCH_MS = TREND_WINDOW_MS + 2 * 3_600_000;
/** Points per sparkline: hourly over a week; torrents watched for less get finer buckets. */
const TREND_POINTS = 170;

const SORTS = {
  dht: { label: 'DHT peers (most first)', compare: (a, b) => (b.latest?.dhtPeers ?? -1) - (a.latest?.dhtPeers ?? -1) },
  unique: { label: 'Unique peers (most first)', compare: (a, b) => (b.latest?.uniquePeers ?? -1) - (a.latest?.uniquePeers ?? -1) },
  name: { label: 'Name (A–Z)', compare: (a, b) => torrentTitle(a).localeCompare(torrentTitle(b)) },
  added: { label: 'Recently added', compare: (a, b) => Date.parse(b.addedAt) - Date.parse(a.addedAt) },
};

function matches(torrent, filter) {
  if (!filter) return true;
  const text = `${torrent.label ?? ''} ${torrent.name ?? ''} ${torrent.infohash} ${(torrent.tags ?? []).join(' ')}`.toLowerCase();
  return filter.toLowerCase().split(/\s+/).every((word) => text.includes(word));
}

export function renderOverview(main, { params, signal }) {
  const state = { torrents: [], filter: params.get('q') ?? '', sort: SORTS[params.get('sort')] ? params.get('sort') : 'dht', page: 0, selected: new Set() };
  const summary = h('p', { class: 'summary', 'aria-live': 'polite' });
  const body = h('div', { class: 'overview-body' }, loading('Loading the watchlist…'));
  const compareButton = h('a', { class: 'button', href: '#/compare', 'aria-disabled': 'true' }, 'Compare selected (0)');
  const filterInput = h('input', { type: 'search', value: state.filter, placeholder: 'name, label, infohash or tag', oninput: (event) => update({ filter: event.target.value, page: 0 }) });
  const sortSelect = h('select', { onchange: (event) => update({ sort: event.target.value, page: 0 }) },
    Object.entries(SORTS).map(([key, sort]) => h('option', { value: key, selected: key === state.sort }, sort.label)));

  replaceChildren(
    main,
    h('h1', {}, 'Watched torrents'),
    summary,
    h('div', { class: 'toolbar' }, h('label', {}, 'Filter ', filterInput), h('label', {}, 'Sort by ', sortSelect), compareButton),
    body,
  );

  function update(changes) {
    Object.assign(state, changes);
    draw();
  }

  function toggle(infohash, on) {
    if (on && state.selected.size >= PAGE_SIZE) return draw();
    if (on) state.selected.add(infohash);
    else state.selected.delete(infohash);
    compareButton.textContent = `Compare selected (${state.selected.size})`;
    compareButton.setAttribute('aria-disabled', String(state.selected.size === 0));
    compareButton.href = routeHash('/compare', { infohash: [...state.selected].join(',') });
  }

  function draw() {
    const shown = state.torrents.filter((torrent) => matches(torrent, state.filter)).sort(SORTS[state.sort].compare);
    const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    const rows = shown.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
    const sampled = state.torrents.filter((torrent) => torrent.latest).length;
    summary.textContent = `${formatCount(state.torrents.length)} torrents watched, ${formatCount(sampled)} with a sample` +
      (state.filter ? `; ${formatCount(shown.length)} match the filter` : '') + '.';
    if (state.torrents.length === 0) {
      replaceChildren(body, notice('empty', 'No torrent is watched yet', 'Add one with `swarmscope watch add <magnet|infohash>` or POST /api/v1/torrents.'));
      return;
    }
    if (shown.length === 0) {
      replaceChildren(body, notice('empty', 'No torrent matches the filter'));
      return;
    }
    const tbody = h('tbody', {}, rows.map((torrent) => torrentRow(torrent, { selected: state.selected.has(torrent.infohash), onToggle: toggle })));
    const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' },
      h('button', { type: 'button', disabled: state.page === 0, onclick: () => update({ page: state.page - 1 }) }, '← Previous'),
      h('span', { 'aria-current': 'page' }, `Page ${state.page + 1} of ${pages}`),
      h('button', { type: 'button', disabled: state.page >= pages - 1, onclick: () => update({ page: state.page + 1 }) }, 'Next →'));
    const trendQuery = trendParams(rows);
    replaceChildren(
      body,
      h('div', { class: 'table-scroll' }, h('table', { class: 'torrents' },
        h('caption', { class: 'visually-hidden' }, 'Watched torrents with their latest counts, trend and growth'),
        h('thead', {}, h('tr', {}, COLUMNS.map((column) => h('th', { scope: 'col', class: column.numeric ? 'numeric' : null }, column.label)))),
        tbody)),
      pager,
      trendQuery ? h('p', { class: 'downloads' }, h('a', { href: csvUrl('/api/v1/compare', trendQuery), download: 'swarmscope-overview-dht-peers.csv' }, 'Download the trends on this page (CSV)')) : null,
    );
    loadTrends(tbody, trendQuery);
  }

  function trendParams(rows) {
    const infohash = rows.filter((torrent) => torrent.latest).map((torrent) => torrent.infohash);
    if (infohash.length === 0) return null;
    const toMs = Date.now();
    // Rows watched for less than a week (the demo: minutes) get a window that fits them, or their
    // trend would be one hourly dot; a week-old baseline is then absent and growth says so.
    const watchedMs = toMs - Math.min(...rows.map((torrent) => Date.parse(torrent.addedAt)));
    const windowMs = Math.min(Math.max(watchedMs, 10 * 60_000), TREND_FETCH_MS);
    const step = `${stepSecondsFor(windowMs, TREND_POINTS)}s`;
    return { infohash, metric: 'dht_peers', from: new Date(toMs - windowMs).toISOString(), to: new Date(toMs).toISOString(), step };
  }

  let trendRequest = 0;
  let trendTimer;
  // Typing in the filter redraws the table per keystroke; only the page the typing ends on is fetched.
  function loadTrends(tbody, query) {
    clearTimeout(trendTimer);
    const request = ++trendRequest;
    if (query) trendTimer = setTimeout(() => fetchTrends(tbody, query, request), 150);
  }

  async function fetchTrends(tbody, query, request) {
    try {
      const answer = await api.compare(query, { signal });
      if (request === trendRequest) fillTrends(tbody, columnsOf(answer));
    } catch (error) {
      if (error.name !== 'AbortError' && request === trendRequest) failTrends(tbody, `trends could not be loaded: ${error.message}`);
    }
  }

  loadWatchlist(signal)
    .then((torrents) => update({ torrents }))
    .catch((error) => {
      if (error.name !== 'AbortError') replaceChildren(body, errorNotice(error, 'The watchlist'));
    });
}
