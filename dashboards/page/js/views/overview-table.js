/**
 * The overview's table: one row per watched torrent on the current page, with the latest counts,
 * a 7-day sparkline and growth. Trend cells start as placeholders and are filled when the page's
 * single batched compare request answers.
 */
import { h } from '../dom.js';
import { MISSING, formatAgo, formatCount, formatDateTime, formatGrowth, shortHash, torrentTitle } from '../format.js';
import { growthOver } from '../growth.js';
import { sparkline } from '../sparkline.js';

const DAY = 86_400_000;

export const COLUMNS = [
  { key: 'select', label: h('span', { class: 'visually-hidden' }, 'Select for comparison') },
  { key: 'torrent', label: 'Torrent' },
  { key: 'dht', label: 'DHT peers', numeric: true },
  { key: 'bep33', label: 'BEP 33 estimate', numeric: true },
  { key: 'trackers', label: h('abbr', { title: 'seeders / leechers from tracker scrapes' }, 'Trackers S / L'), numeric: true },
  { key: 'unique', label: 'Unique peers', numeric: true },
  { key: 'trend', label: 'DHT peers, 7 days' },
  { key: 'growth24', label: '24 h growth', numeric: true },
  { key: 'growth7', label: '7 d growth', numeric: true },
  { key: 'sampled', label: 'Last sample' },
];

function latestCells(latest) {
  if (!latest) {
    return [h('td', { colspan: COLUMNS.length - 2, class: 'no-sample', dataset: { state: 'no-sample' } }, 'No sample yet: the first sweep has not measured this torrent.')];
  }
  const at = Date.parse(latest.at);
  const trackers = latest.trackerSeeders === null && latest.trackerLeechers === null ? MISSING : `${formatCount(latest.trackerSeeders)} / ${formatCount(latest.trackerLeechers)}`;
  return [
    h('td', { class: 'numeric' }, formatCount(latest.dhtPeers)),
    h('td', { class: 'numeric' }, latest.bep33Saturated === 1 ? '≥ ~6,000' : formatCount(latest.bep33Peers)),
    h('td', { class: 'numeric' }, trackers),
    h('td', { class: 'numeric' }, formatCount(latest.uniquePeers)),
    h('td', { class: 'trend', dataset: { cell: 'trend' } }, h('span', { class: 'placeholder' }, '…')),
    h('td', { class: 'numeric', dataset: { cell: 'growth24' } }, '…'),
    h('td', { class: 'numeric', dataset: { cell: 'growth7' } }, '…'),
    h('td', {}, h('time', { datetime: latest.at, title: formatDateTime(at) }, formatAgo(at))),
  ];
}

export function torrentRow(torrent, { selected, onToggle }) {
  const title = torrentTitle(torrent);
  return h(
    'tr',
    { dataset: { infohash: torrent.infohash } },
    h('td', {}, h('input', { type: 'checkbox', checked: selected, 'aria-label': `Compare ${title}`, onchange: (event) => onToggle(torrent.infohash, event.target.checked) })),
    h(
      'th',
      { scope: 'row' },
      h('a', { href: `#/torrent/${torrent.infohash}` }, title),
      h('div', { class: 'muted mono', title: torrent.infohash }, shortHash(torrent.infohash)),
    ),
    latestCells(torrent.latest),
  );
}

function growthCell(cell, growth, window) {
  cell.textContent = formatGrowth(growth);
  cell.title = growth === null ? `less than ${window} of history` : `DHT peers now against ${window} before`;
  cell.classList.toggle('up', typeof growth === 'number' && growth > 0);
  cell.classList.toggle('down', typeof growth === 'number' && growth < 0);
}

/** Fills trend and growth cells from per-torrent [timeMs, value] lists (absent = no points in the window). */
export function fillTrends(tbody, columnsByInfohash) {
  for (const row of tbody.querySelectorAll('tr[data-infohash]')) {
    const trend = row.querySelector('[data-cell="trend"]');
    if (!trend) continue;
    const points = columnsByInfohash.get(row.dataset.infohash) ?? [];
    trend.replaceChildren(sparkline(points, { label: 'DHT peers over the last 7 days' }));
    growthCell(row.querySelector('[data-cell="growth24"]'), growthOver(points, DAY), '24 h');
    growthCell(row.querySelector('[data-cell="growth7"]'), growthOver(points, 7 * DAY), '7 d');
  }
}

/** When the trends could not be loaded: say so in the cells instead of leaving "…". */
export function failTrends(tbody, message) {
  for (const cell of tbody.querySelectorAll('[data-cell]')) {
    cell.textContent = MISSING;
    cell.title = message;
  }
}
