/**
 * The whole watchlist in as few requests as the API allows (pages of 1,000, its largest), for views
 * that filter and sort in the browser: 1,000 torrents are one request, not one per torrent.
 */
import { api } from './api.js';

const LIST_PAGE = 1000;

export async function loadWatchlist(signal) {
  const first = await api.torrents({ offset: 0, limit: LIST_PAGE }, { signal });
  const torrents = [...first.torrents];
  while (torrents.length < first.total) {
    const next = await api.torrents({ offset: torrents.length, limit: LIST_PAGE }, { signal });
    if (next.torrents.length === 0) break;
    torrents.push(...next.torrents);
  }
  return torrents;
}
