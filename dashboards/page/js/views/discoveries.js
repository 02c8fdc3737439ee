/**
 * Torrents found on the DHT that look like model weights (GET /api/v1/discoveries), highest score
 * first. The reasons are the point: each row opens to show why the classifier flagged it and its
 * largest files, so a reader can judge the judgement. The minimum score lives in the URL.
 */
import { api } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatAgo, formatBytes, formatDateTime } from '../format.js';
import { replaceHash, routeHash } from '../router.js';
import { errorNotice, loading, notice } from '../states.js';

const SCORES = [0, 0.3, 0.5, 0.7, 0.9];

function discoveryRows(discovery) {
  const firstSeenMs = Date.parse(discovery.firstSeenAt);
  const family = discovery.suggestedFamily;
  const details = h('tr', { class: 'discovery-details', hidden: true },
    h('td', { colspan: 7 },
      h('h3', {}, 'Why'),
      h('ul', { class: 'reasons' }, discovery.reasons.map((reason) => h('li', {}, reason))),
      h('h3', {}, `Largest files (${discovery.files.count} in all)`),
      h('ul', { class: 'files' }, discovery.files.largest.map((file) => h('li', {}, `${file.path} — ${formatBytes(file.length)}`))),
      family ? [h('h3', {}, 'Family evidence'), h('ul', {}, family.evidence.map((item) => h('li', {}, `${item.kind}: ${item.file} = ${item.memberFile ?? ''}`)))] : [],
      discovery.watched ? [] : h('p', { class: 'muted' }, 'To watch it: ', h('code', {}, `swarmscope watch add ${discovery.infohash}`))));
  const toggle = h('button', { type: 'button', class: 'link', 'aria-expanded': 'false', onclick: () => {
    details.hidden = !details.hidden;
    toggle.setAttribute('aria-expanded', String(!details.hidden));
  } }, discovery.name);
  const row = h('tr', { dataset: { infohash: discovery.infohash } },
    h('td', { class: 'numeric score' }, discovery.score.toFixed(2)),
    h('th', { scope: 'row' }, toggle, h('div', { class: 'muted' }, discovery.infohash)),
    h('td', { class: 'numeric' }, formatBytes(discovery.size)),
    h('td', {}, discovery.foundBy === 'sample' ? 'BEP 51 sample' : 'asked of our node'),
    h('td', {}, h('time', { datetime: discovery.firstSeenAt, title: formatDateTime(firstSeenMs) }, formatAgo(firstSeenMs))),
    h('td', {}, family ? h('a', { href: `#/family/${encodeURIComponent(family.id)}` }, family.name ?? family.id) : '—'),
    h('td', {}, discovery.watched ? h('a', { href: `#/torrent/${discovery.infohash}` }, 'watched') : 'no'));
  return [row, details];
}

export function renderDiscoveries(main, { params, signal }) {
  const requested = Number(params.get('minScore') ?? '0.3');
  const minScore = SCORES.includes(requested) ? requested : 0.3;
  const body = h('div', {}, loading('Loading discoveries…'));
  const select = h('select', { id: 'min-score', onchange: (event) => {
    replaceHash(routeHash('/discoveries', { minScore: event.target.value }));
    renderDiscoveries(main, { params: new URLSearchParams({ minScore: event.target.value }), signal });
  } }, SCORES.map((score) => h('option', { value: String(score), selected: score === minScore }, `≥ ${score}`)));
  replaceChildren(main, h('h1', {}, 'Discoveries'),
    h('p', { class: 'summary' }, 'Torrents nobody put on the watchlist, found by sampling the DHT (BEP 51) or because other nodes asked swarmscope\'s node about them, whose files look like model weights. Open a row to see why.'),
    h('p', {}, h('label', { for: 'min-score' }, 'Minimum score '), select), body);
  api.discoveries({ minScore, limit: 500 }, { signal })
    .then(({ discoveries, total }) => {
      if (discoveries.length === 0) return replaceChildren(body, notice('empty', 'No discovery at this score', 'Run `swarmscope discover` (or start with --discover) to sample the DHT.'));
      replaceChildren(body, h('p', { class: 'muted' }, `${total} discover${total === 1 ? 'y' : 'ies'}`), h('div', { class: 'table-scroll' }, h('table', { class: 'discoveries' },
        h('thead', {}, h('tr', {}, ['Score', 'Name', 'Size', 'Found by', 'First seen', 'Suggested family', 'Watched'].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, discoveries.flatMap(discoveryRows)))));
    })
    .catch((error) => {
      if (error.name !== 'AbortError') replaceChildren(body, error.isMissingRoute ? notice('unavailable', 'Discoveries not available', 'This server has no /api/v1/discoveries route.') : errorNotice(error, 'Discoveries'));
    });
}
