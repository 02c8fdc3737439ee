/**
 * The page's only way to the REST API (DESIGN.md §5). Every failure becomes an ApiError carrying the
 * status and the API's own `{ error: { code, message } }`, so views can tell "this server has no
 * such route" (404) from "the server is down" (status 0) and show the API's message to the reader.
 */

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }

  /** A route this server does not have (yet): the page says "not available" rather than "error". */
  get isMissingRoute() {
    return this.status === 404 && /^no route /.test(this.message);
  }
}

/** `/api/v1/x?a=1&b=2&b=3`: arrays repeat the parameter; null and undefined are left out. */
export function apiUrl(path, params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(name, String(item));
  }
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

export async function getJson(path, params = {}, { signal } = {}) {
  let response;
  try {
    response = await fetch(apiUrl(path, params), { headers: { accept: 'application/json' }, signal });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'unreachable', 'the swarmscope server cannot be reached; is it running?');
  }
  const body = await response.json().catch(() => null);
  if (response.ok) return body;
  const detail = body && body.error ? body.error : { code: 'http_' + response.status, message: `the server answered ${response.status}` };
  throw new ApiError(response.status, detail.code, detail.message);
}

/**
 * An SVG the API draws (the world maps), parsed into a node of this document. Parsed as XML, never
 * set as markup: the server escapes every name it puts in, and an SVG document cannot run script here.
 */
export async function getSvg(path, params = {}, { signal } = {}) {
  const response = await fetch(apiUrl(path, params), { headers: { accept: 'image/svg+xml' }, signal }).catch((error) => {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'unreachable', 'the swarmscope server cannot be reached; is it running?');
  });
  const text = await response.text();
  if (!response.ok) {
    const body = (() => { try { return JSON.parse(text); } catch { return null; } })();
    throw new ApiError(response.status, body?.error?.code ?? `http_${response.status}`, body?.error?.message ?? `the server answered ${response.status}`);
  }
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  if (parsed.querySelector('parsererror')) throw new ApiError(500, 'internal', 'the map could not be read');
  return document.importNode(parsed.documentElement, true);
}

/** The answer of /readyz even when it is a 503: its body says which check failed. */
export async function readiness({ signal } = {}) {
  try {
    const response = await fetch('/readyz', { signal });
    return { reachable: true, ...(await response.json()) };
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    return { reachable: false, status: 'not_ready', checks: {} };
  }
}

let capabilities;
/** Which optional routes (geography, mirrors, events, compare) this server has; asked once per page load. */
export function serverCapabilities() {
  capabilities ??= getJson('/page/capabilities.json').catch(() => ({}));
  return capabilities;
}

export const api = {
  torrents: (params, options) => getJson('/api/v1/torrents', params, options),
  torrent: (infohash, options) => getJson(`/api/v1/torrents/${infohash}`, {}, options),
  series: (infohash, params, options) => getJson(`/api/v1/torrents/${infohash}/series`, params, options),
  compare: (params, options) => getJson('/api/v1/compare', params, options),
  geo: (infohash, params, options) => getJson(`/api/v1/torrents/${infohash}/geo`, params, options),
  uniquePeers: (infohash, params, options) => getJson(`/api/v1/torrents/${infohash}/unique-peers`, params, options),
  events: (params, options) => getJson('/api/v1/events', params, options),
  mirrors: (params, options) => getJson('/api/v1/mirrors', params, options),
  mirrorSeries: (id, params, options) => getJson(`/api/v1/mirrors/${encodeURIComponent(id)}/series`, params, options),
  discoveries: (params, options) => getJson('/api/v1/discoveries', params, options),
  families: (options) => getJson('/api/v1/families', {}, options),
  family: (id, options) => getJson(`/api/v1/families/${encodeURIComponent(id)}`, {}, options),
  familySeries: (id, params, options) => getJson(`/api/v1/families/${encodeURIComponent(id)}/series`, params, options),
  familyUniquePeers: (id, params, options) => getJson(`/api/v1/families/${encodeURIComponent(id)}/unique-peers`, params, options),
  familyGeo: (id, params, options) => getJson(`/api/v1/families/${encodeURIComponent(id)}/geo`, params, options),
  timeline: (params, options) => getJson('/api/v1/events/timeline', params, options),
  torrentMap: (infohash, params, options) => getSvg(`/api/v1/torrents/${infohash}/map`, params, options),
  familyMap: (id, params, options) => getSvg(`/api/v1/families/${encodeURIComponent(id)}/map`, params, options),
};

/** The CSV the API renders for the same query (`format=csv`): what a download link points at. */
export function csvUrl(path, params) {
  return apiUrl(path, { ...params, format: 'csv' });
}
