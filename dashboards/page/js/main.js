/**
 * Starts the page: the readiness banner, and a view per hash route. Each view gets an AbortSignal
 * that fires when the reader navigates away, so its requests and refresh timers stop with it and a
 * late answer never draws into the next view.
 */
import { parseRoute } from './router.js';
import { startStatusBanner } from './status-banner.js';
import { destroyAllCharts } from './time-chart.js';
import { renderCompare } from './views/compare.js';
import { renderDiscoveries } from './views/discoveries.js';
import { renderFamilies, renderFamily } from './views/families.js';
import { renderMirrors } from './views/mirrors.js';
import { renderOverview } from './views/overview.js';
import { renderTorrent } from './views/torrent.js';

const VIEWS = { overview: renderOverview, torrent: renderTorrent, compare: renderCompare, mirrors: renderMirrors, discoveries: renderDiscoveries, families: renderFamilies, family: renderFamily };
const TITLES = { overview: 'Watched torrents', torrent: 'Torrent', compare: 'Compare', mirrors: 'Mirrors', discoveries: 'Discoveries', families: 'Leak families', family: 'Leak family' };

const main = document.getElementById('main');
let current;

function show() {
  const route = parseRoute();
  current?.abort();
  destroyAllCharts();
  current = new AbortController();
  for (const link of document.querySelectorAll('[data-nav]')) {
    if (link.dataset.nav === (route.view === 'family' ? 'families' : route.view)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${TITLES[route.view]} · swarmscope`;
  main.dataset.view = route.view;
  VIEWS[route.view](main, { ...route, signal: current.signal });
}

// Range and selection changes rewrite the hash with replaceState, which fires no hashchange: only
// real navigation (links, back/forward, typing a URL) switches views.
window.addEventListener('hashchange', () => {
  show();
  // Keyboard and screen reader users land on the new view, not on the link they left.
  main.focus();
});
startStatusBanner(document.getElementById('status-banner'));
show();
