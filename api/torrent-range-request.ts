/**
 * What the routes over a torrent's tagged series and sketches share: the infohash, the range
 * (api/time-range.ts), a 404 for a torrent never watched, and the store's DetailStore.
 */
import { SwarmscopeError } from '../core/errors.ts';
import { parseInfohash } from '../core/infohash.ts';
import { detailStoreOf } from '../store/detail-validation.ts';
import type { DetailStore, SeriesStore, TorrentRegistry } from '../store/types.ts';
import { resolveTimeRange } from './time-range.ts';

export interface TorrentRangeDeps {
  series: SeriesStore;
  registry: TorrentRegistry;
  now: () => number;
}

export function resolveTorrentRange(
  deps: TorrentRangeDeps,
  params: { infohash: string },
  query: { from?: string; to?: string },
  maxRangeMs: number,
): { infohash: string; fromMs: number; toMs: number; detail: DetailStore } {
  const infohash = parseInfohash(params.infohash);
  const { fromMs, toMs } = resolveTimeRange(query, deps.now(), maxRangeMs);
  if (!deps.registry.get(infohash, { includeRemoved: true })) throw new SwarmscopeError('not_found', `torrent ${infohash} has never been on the watchlist`);
  const detail = detailStoreOf(deps.series);
  if (!detail) throw new SwarmscopeError('internal', `the ${deps.series.kind} store keeps no tagged series or sketches`);
  return { infohash, fromMs, toMs, detail };
}
