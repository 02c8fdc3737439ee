/**
 * Hash routes, so every view has a URL that can be bookmarked and shared, and the server needs only
 * one page: `#/`, `#/torrent/<infohash>?range=7d`, `#/compare?infohash=a,b&metric=dht_peers`, `#/mirrors`,
 * `#/discoveries?minScore=0.5`, `#/families`, `#/family/<id>?range=7d&metric=dht_peers`.
 */
export function parseRoute(hash = location.hash) {
  const text = hash.replace(/^#/, '') || '/';
  const [path, query = ''] = text.split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query);
  if (parts[0] === 'torrent' && parts[1]) return { view: 'torrent', infohash: parts[1].toLowerCase(), params };
  if (parts[0] === 'compare') return { view: 'compare', params };
  if (parts[0] === 'mirrors') return { view: 'mirrors', params };
  if (parts[0] === 'discoveries') return { view: 'discoveries', params };
  if (parts[0] === 'family' && parts[1]) return { view: 'family', id: decodeURIComponent(parts[1]), params };
  if (parts[0] === 'families') return { view: 'families', params };
  return { view: 'overview', params };
}

export function routeHash(path, params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  }
  const query = search.toString();
  return `#${path}${query ? `?${query}` : ''}`;
}

/** Updates the URL without re-rendering the view (the view already shows the new state). */
export function replaceHash(hash) {
  history.replaceState(null, '', hash);
}
