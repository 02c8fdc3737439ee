/**
 * One torrent: what it is, its latest counts, and its history over a chosen range: peers by source,
 * unique peers, seeders and leechers, geography and client mix, with events marked on the time
 * axes. Changing the range re-queries every series with a step fitted to the range; a range that
 * ends "now" refreshes itself about once per bucket.
 */
import { api, serverCapabilities } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import { formatBytes, formatCount, formatDateTime, torrentTitle } from '../format.js';
import { aboutTorrent, allEventsAbout, eventList } from '../events.js';
import { rangePicker } from '../range-picker.js';
import { replaceHash, routeHash } from '../router.js';
import { errorNotice, loading, notice } from '../states.js';
import { renderTimeChart } from '../time-chart.js';
import { isLive, rangeFromParams, rangeToParams, refreshIntervalMs, resolveRange } from '../time-range.js';
import { chartSpecs, csvLinks, loadSeries, CHARTS } from './torrent-charts.js';
import { distinctPeersNote } from './distinct-peers.js';
import { geoSection } from './torrent-geo.js';
import { swarmEstimateNote } from './swarm-estimate.js';

const DAY = 86_400_000;

function facts(torrent) {
  const latest = torrent.latest;
  const rows = [
    ['Infohash', h('code', {}, torrent.infohash)],
    ['Name', torrent.name ?? 'not known yet (no metadata fetched)'],
    ['Size', formatBytes(torrent.size)],
    ['Watched since', formatDateTime(Date.parse(torrent.addedAt))],
    ['Source', torrent.source ?? '—'],
    ['Latest sample', latest ? formatDateTime(Date.parse(latest.at)) : 'no sample yet'],
  ];
  return h('dl', { class: 'facts' }, rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]));
}

function latestCounts(latest, estimate) {
  if (!latest) return notice('empty', 'No sample yet', 'The collector has not measured this torrent yet; counts appear after its first sweep.');
  const tiles = [
    ['DHT peers', latest.dhtPeers],
    ['BEP 33 estimate', latest.bep33Saturated === 1 ? null : latest.bep33Peers],
    ['Tracker seeders', latest.trackerSeeders],
    ['Tracker leechers', latest.trackerLeechers],
    ['Unique peers', latest.uniquePeers],
  ];
  return [
    h('ul', { class: 'tiles' }, tiles.map(([label, value]) => h('li', {}, h('span', { class: 'tile-value' }, formatCount(value)), h('span', { class: 'tile-label' }, label)))),
    swarmEstimateNote(estimate),
  ];
}

export function renderTorrent(main, { infohash, params, signal }) {
  replaceChildren(main, loading('Loading the torrent…'));
  let timer;
  signal.addEventListener('abort', () => clearTimeout(timer));

  Promise.all([api.torrent(infohash, { signal }), serverCapabilities()])
    .then(([torrent, capabilities]) => {
      // A torrent added minutes ago (the demo) shows its whole history by default; others the last day.
      const young = Date.now() - Date.parse(torrent.addedAt) < DAY;
      let range = rangeFromParams(params, young ? 'all' : '24h');
      const pickerSlot = h('div', {});
      const chartsSlot = h('div', { class: 'charts' }, CHARTS.map((chart) => h('div', { class: 'chart-slot', dataset: { slot: chart.id } })));
      const seriesErrors = h('div', {});
      const distinctSlot = h('div', {});
      const geoSlot = h('div', {}, loading('Loading geography…'));
      const eventsSlot = h('div', {});
      const csvSlot = h('div', {});
      const latestSlot = h('div', {}, latestCounts(torrent.latest, torrent.swarmEstimate));
      replaceChildren(
        main,
        h('p', { class: 'breadcrumb' }, h('a', { href: '#/' }, '← All torrents')),
        h('h1', {}, torrentTitle(torrent)),
        facts(torrent),
        latestSlot,
        h('section', { 'aria-labelledby': 'history' }, h('h2', { id: 'history' }, 'History'), pickerSlot, seriesErrors, distinctSlot, chartsSlot,
          h('details', { class: 'downloads' }, h('summary', {}, 'Download what is shown (CSV)'), csvSlot)),
        h('section', { 'aria-labelledby': 'where' }, h('h2', { id: 'where' }, 'Where and with what'), geoSlot),
        h('section', { 'aria-labelledby': 'events' }, h('h2', { id: 'events' }, 'Events'), eventsSlot),
        h('p', {}, h('a', { href: routeHash('/compare', { infohash: torrent.infohash }) }, 'Compare this torrent with others →')),
      );

      let generation = 0;
      const draw = async (first) => {
        clearTimeout(timer);
        // A range picked while the previous one is still loading wins, whichever answers last.
        const current = ++generation;
        const resolved = resolveRange(range, { startMs: Date.parse(torrent.addedAt) });
        // A refresh leaves the picker alone: someone may be typing a custom range into it.
        if (first) {
          replaceChildren(pickerSlot, rangePicker(range, resolved, (next) => {
            range = next;
            replaceHash(routeHash(`/torrent/${infohash}`, rangeToParams(range)));
            draw(true);
          }));
          replaceChildren(geoSlot, loading('Loading geography…'));
        } else {
          api.torrent(infohash, { signal }).then((fresh) => replaceChildren(latestSlot, latestCounts(fresh.latest, fresh.swarmEstimate)), () => {});
        }
        replaceChildren(csvSlot, csvLinks(infohash, resolved));
        const eventsPromise = capabilities.events === false ? Promise.resolve([]) : allEventsAbout(aboutTorrent(infohash), { infohash }, resolved, signal).catch((error) => error);
        const [{ points, errors }, events, distinct] = await Promise.all([
          loadSeries(infohash, resolved, signal),
          eventsPromise,
          distinctPeersNote(infohash, resolved, capabilities, signal),
        ]);
        if (signal.aborted || current !== generation) return;
        const markers = Array.isArray(events) ? events : [];
        for (const spec of chartSpecs(points, markers, resolved)) renderTimeChart(chartsSlot.querySelector(`[data-slot="${spec.id}"]`), spec);
        replaceChildren(distinctSlot, distinct);
        replaceChildren(seriesErrors, errors.length > 0 ? notice('error', 'Some series could not be loaded', errors.join('; ')) : null);
        replaceChildren(eventsSlot, Array.isArray(events) ? eventList(markers) : errorNotice(events, 'Events'));
        const geo = await geoSection(infohash, resolved, capabilities, signal);
        if (current !== generation) return;
        replaceChildren(geoSlot, geo);
        if (isLive(range) && !signal.aborted) timer = setTimeout(() => draw(false), refreshIntervalMs(resolved));
      };
      draw(true).catch((error) => {
        if (error.name !== 'AbortError') replaceChildren(main, errorNotice(error, 'The torrent'));
      });
    })
    .catch((error) => {
      if (error.name === 'AbortError') return;
      if (error.status === 404 && !error.isMissingRoute) {
        replaceChildren(main, notice('empty', 'This torrent is not watched', error.message), h('p', {}, h('a', { href: '#/' }, '← All torrents')));
      } else {
        replaceChildren(main, errorNotice(error, 'The torrent'));
      }
    });
}
