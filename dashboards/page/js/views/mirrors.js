/**
 * HTTP mirrors of watched torrents (GET /api/v1/mirrors, shapes in api/schemas/mirror.ts): whether
 * each serves the torrent's real bytes, what it answered, how fast, and its history with state
 * changes marked. A server without the mirror observatory gets a plain "mirrors not available".
 */
import { api, csvUrl, serverCapabilities } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { aboutMirror, eventList, eventsAbout } from '../events.js';
import { formatAgo, formatBytes, formatCount, formatDateTime, shortHash } from '../format.js';
import { seriesStyle } from '../palette.js';
import { rangePicker } from '../range-picker.js';
import { alignPoints } from '../series-align.js';
import { errorNotice, loading, notice } from '../states.js';
import { renderTimeChart } from '../time-chart.js';
import { resolveRange } from '../time-range.js';

const MIRROR_CHARTS = [
  { metric: 'up', title: 'Availability', yLabel: 'share of checks up (0–1)', what: 'mean of up (1) and down (0) over each bucket; content that differs is not up' },
  { metric: 'latency_ms', title: 'Latency', yLabel: 'ms', what: 'time to the answer of a check' },
];

const STATE_TEXT = { unknown: 'not checked yet', up: 'up', down: 'down', taken_down: 'taken down', content_differs: 'content differs' };

const unavailable = () =>
  notice('unavailable', 'Mirrors not available', 'This swarmscope server does not watch HTTP mirrors (yet): there is no /api/v1/mirrors route.');

const titleOf = (mirror) => mirror.label ?? mirror.url;

function statusText(latest) {
  if (!latest) return '—';
  if (latest.legalTakedown) return `${latest.status} (legal takedown)`;
  if (latest.status === null) return latest.error ? latest.error.kind : '—';
  return String(latest.status);
}

function verificationText(latest) {
  const verification = latest?.verification;
  if (!verification) return '—';
  if (verification.skipped) return `not verified: ${verification.skipped}`;
  return `${formatCount(verification.verified)} match, ${formatCount(verification.failed)} differ`;
}

function mirrorRow(mirror, onShow) {
  const latest = mirror.latest;
  const checkedAt = latest ? Date.parse(latest.at) : NaN;
  const since = mirror.stateSince ? ` since ${formatDateTime(Date.parse(mirror.stateSince))}` : '';
  return h('tr', { dataset: { mirror: mirror.id } },
    h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', onclick: () => onShow(mirror) }, titleOf(mirror)),
      h('div', { class: 'muted' }, mirror.url, mirror.file ? ` (${mirror.file})` : '')),
    h('td', {}, mirror.infohash ? h('a', { href: `#/torrent/${mirror.infohash}` }, shortHash(mirror.infohash)) : '—'),
    h('td', { class: `state state-${mirror.state.replace('_', '-')}`, title: `${STATE_TEXT[mirror.state] ?? mirror.state}${since}` }, STATE_TEXT[mirror.state] ?? mirror.state),
    h('td', { class: 'numeric' }, statusText(latest)),
    h('td', { class: 'numeric' }, formatCount(latest?.latencyMs)),
    h('td', { class: 'numeric' }, formatBytes(latest?.bytes)),
    h('td', {}, verificationText(latest)),
    h('td', {}, Number.isFinite(checkedAt) ? h('time', { datetime: latest.at, title: formatDateTime(checkedAt) }, formatAgo(checkedAt)) : 'not yet'));
}

async function showHistory(slot, mirror, range, capabilities, signal) {
  const resolved = resolveRange(range, { startMs: Date.parse(mirror.createdAt) });
  const charts = MIRROR_CHARTS.map((chart) => ({ ...chart, slot: h('div', { class: 'chart-slot' }) }));
  const eventsSlot = h('div', {});
  replaceChildren(slot, h('h2', { id: 'mirror-history', tabindex: '-1' }, `History of ${titleOf(mirror)}`),
    rangePicker(range, resolved, (next) => showHistory(slot, mirror, next, capabilities, signal)), charts.map((chart) => chart.slot), h('h3', {}, 'Events'), eventsSlot);
  if (capabilities.mirrorSeries === false) {
    charts[0].slot.replaceChildren(notice('unavailable', 'Mirror history not available', 'This server has no /api/v1/mirrors/:id/series route.'));
    return;
  }
  const events = capabilities.events === false ? [] : await eventsAbout(aboutMirror(mirror.id), resolved, signal).catch(() => []);
  replaceChildren(eventsSlot, eventList(events));
  await Promise.all(charts.map(async (chart, index) => {
    const query = { metric: chart.metric, agg: 'avg', ...resolved.query };
    try {
      const answer = await api.mirrorSeries(mirror.id, query, { signal });
      renderTimeChart(chart.slot, {
        id: `mirror-${chart.metric}`,
        title: chart.title,
        yLabel: chart.yLabel,
        series: [{ label: chart.title, what: chart.what, ...seriesStyle(index) }],
        data: alignPoints([answer.points]),
        range: resolved,
        events,
      });
      chart.slot.append(h('p', { class: 'downloads' }, h('a', { href: csvUrl(`/api/v1/mirrors/${encodeURIComponent(mirror.id)}/series`, query), download: `${mirror.id}-${chart.metric}.csv` }, `${chart.title} (CSV)`)));
    } catch (error) {
      if (error.name !== 'AbortError') replaceChildren(chart.slot, errorNotice(error, chart.title));
    }
  }));
}

export function renderMirrors(main, { signal }) {
  const body = h('div', {}, loading('Loading mirrors…'));
  const history = h('section', { class: 'mirror-history' });
  replaceChildren(main, h('h1', {}, 'Mirrors'), h('p', { class: 'summary' }, 'HTTP servers offering the files of a watched torrent, checked on a schedule and verified piece by piece against the torrent.'), body, history);
  serverCapabilities()
    .then(async (capabilities) => {
      if (capabilities.mirrors === false) return replaceChildren(body, unavailable());
      const { mirrors } = await api.mirrors({ limit: 1000 }, { signal });
      if (mirrors.length === 0) return replaceChildren(body, notice('empty', 'No mirror is watched yet', 'Add one with `swarmscope mirror add <url>` or POST /api/v1/mirrors; web seeds of watched torrents are added by themselves.'));
      const onShow = (mirror) => showHistory(history, mirror, { preset: '7d' }, capabilities, signal).then(() => history.querySelector('h2')?.focus?.());
      replaceChildren(body, h('div', { class: 'table-scroll' }, h('table', { class: 'mirrors' },
        h('thead', {}, h('tr', {}, ['Mirror', 'Torrent', 'State', 'HTTP status', 'Latency (ms)', 'Size', 'Pieces verified', 'Last check'].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, mirrors.map((mirror) => mirrorRow(mirror, onShow))))));
    })
    .catch((error) => {
      if (error.name === 'AbortError') return;
      replaceChildren(body, error.status === 404 ? unavailable() : errorNotice(error, 'Mirrors'));
    });
}
