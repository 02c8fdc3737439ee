/**
 * Where the peers are (countries, autonomous systems) and which clients they run, from
 * GET /api/v1/torrents/:infohash/geo (api/schemas/geo.ts): per tag, the peers of the newest sweep
 * in the range and the mean per sweep over it; a world map of the countries (GET …/map, an SVG the
 * server draws from the bundled atlas) with the top networks beside it. Drawn as bar tables: a
 * table reads well with a screen reader and the bars give the shape at a glance. A server without the route says "not
 * available" instead of failing.
 */
import { api } from '../api.js';
import { h } from '../dom.js';
import { formatCount, formatDateTime, formatValue } from '../format.js';
import { errorNotice, notice } from '../states.js';

/** The route reads raw sweeps for its means and refuses longer ranges (api/routes/torrent-geo.ts). */
export const MAX_GEO_RANGE_MS = 31 * 86_400_000;

/** Rows shown per table; the rest is added to "other", so a long range's changing top N stays readable. */
export const SHOWN_ROWS = 12;

/** `[{ country|asn|client, peers, meanPeers }]` to rows, largest first; "other" (past the top N) last. */
export function geoRows(entries, key) {
  const rows = (entries ?? [])
    .map((entry) => ({ key: String(entry[key]), peers: entry.peers, meanPeers: entry.meanPeers }))
    .sort((a, b) => (a.key === 'other') - (b.key === 'other') || b.peers - a.peers || b.meanPeers - a.meanPeers);
  const named = rows.filter((row) => row.key !== 'other');
  if (named.length < SHOWN_ROWS) return rows;
  const other = { key: 'other', peers: 0, meanPeers: 0 };
  for (const row of [...named.slice(SHOWN_ROWS - 1), ...rows.filter((candidate) => candidate.key === 'other')]) {
    other.peers += row.peers;
    other.meanPeers += row.meanPeers;
  }
  return [...named.slice(0, SHOWN_ROWS - 1), other];
}

function barTable(title, keyLabel, rows, emptyText) {
  if (rows.length === 0) return h('section', { class: 'geo-block' }, h('h3', {}, title), notice('empty', emptyText));
  const max = Math.max(...rows.map((row) => row.peers), 1);
  return h(
    'section',
    { class: 'geo-block', dataset: { geo: keyLabel.toLowerCase() } },
    h('h3', {}, title),
    h('table', { class: 'bars' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, keyLabel),
        h('th', { scope: 'col', class: 'numeric' }, 'Peers, newest sweep'),
        h('th', { scope: 'col', class: 'numeric' }, 'Mean per sweep'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Share of the newest sweep')))),
      h('tbody', {}, rows.map((row) =>
        h('tr', { dataset: { key: row.key } },
          h('th', { scope: 'row' }, row.key === 'other' ? 'Other' : row.key),
          h('td', { class: 'numeric' }, formatCount(row.peers)),
          h('td', { class: 'numeric' }, formatValue(row.meanPeers)),
          h('td', { class: 'bar-cell', 'aria-hidden': 'true' }, h('span', { class: 'bar', style: `width:${((row.peers / max) * 100).toFixed(1)}%` })))))),
  );
}

export async function geoSection(infohash, resolved, capabilities, signal) {
  if (capabilities.geo === false) {
    return notice('unavailable', 'Geography not available', 'This server has no /api/v1/torrents/:infohash/geo route yet: countries, ASNs and the client mix appear once it does.');
  }
  const fromMs = Math.max(resolved.fromMs, resolved.toMs - MAX_GEO_RANGE_MS);
  try {
    const range = { from: new Date(fromMs).toISOString(), to: resolved.query.to };
    const answer = await api.geo(infohash, range, { signal });
    if (answer.sweeps === 0) return notice('empty', 'No peer was located in this range', 'Geography comes from the peers each sweep finds; pick a longer range or wait for the next sweep.');
    // The map is a picture of the table beside it: a server without the map route still shows the tables.
    const map = await api.torrentMap(infohash, range, { signal }).catch((error) => {
      if (error.name === 'AbortError') throw error;
      return null;
    });
    const countries = barTable('Countries', 'Country', geoRows(answer.countries, 'country'), 'No country in this range');
    const asns = barTable('Networks (ASN)', 'ASN', geoRows(answer.asns, 'asn'), 'No network in this range');
    const clients = barTable('Client mix', 'Client', geoRows(answer.clients, 'client'), 'No client names in this range (they come from peer-wire probes)');
    return h(
      'div',
      {},
      h('p', { class: 'muted' }, `${formatCount(answer.sweeps)} ${answer.sweeps === 1 ? 'sweep' : 'sweeps'} located peers in this range${fromMs > resolved.fromMs ? ' (the last 31 days of it)' : ''}; the newest at ${formatDateTime(Date.parse(answer.at))}. Peers are located in memory; no address is kept. Countries are where address blocks are registered (RIR whois), not where people are.`),
      // The top networks sit beside the map: together they say where the swarm is and whose networks carry it.
      map
        ? [
          h('div', { class: 'map-beside' },
            h('figure', { class: 'geo-map', dataset: { map: 'torrent' } }, map, h('figcaption', { class: 'muted' }, 'Peers by registry country in the newest sweep of the range (log-scaled classes). Hover over a country for its name and count; the Countries table lists them all.')),
            asns),
          h('div', { class: 'geo-grid' }, countries, clients),
        ]
        : h('div', { class: 'geo-grid' }, countries, asns, clients),
    );
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    // A 404 "no route" becomes "Geography not available"; anything else shows the API's message.
    return errorNotice(error, 'Geography');
  }
}
