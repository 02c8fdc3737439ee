/**
 * A tagged measurement over a time range, as the /geo route answers it: for each tag, its value in
 * the newest sweep of the range (`peers`: a consistent snapshot whose tags sum to that sweep's
 * peers) and its mean over every sweep of the range (`meanPeers`, a sweep where the tag did not
 * appear counting 0, so means also sum to the mean number of peers). `other` comes last.
 */
import type { SeriesPoint } from '../store/types.ts';

export interface TaggedSummary {
  /** The newest sweep in the range, or null when the range has none. */
  atMs: number | null;
  sweeps: number;
  rows: { tag: string; peers: number; meanPeers: number }[];
}

export function summarizeTagged(series: ReadonlyMap<string, readonly SeriesPoint[]>): TaggedSummary {
  const sweepTimes = new Set<number>();
  for (const points of series.values()) for (const [atMs] of points) sweepTimes.add(atMs);
  if (sweepTimes.size === 0) return { atMs: null, sweeps: 0, rows: [] };
  const atMs = Math.max(...sweepTimes);
  const rows = [...series].map(([tag, points]) => {
    const latest = points.find(([pointMs]) => pointMs === atMs)?.[1] ?? 0;
    const total = points.reduce((sum, [, value]) => sum + value, 0);
    return { tag, peers: latest, meanPeers: Math.round((total / sweepTimes.size) * 100) / 100 };
  });
  rows.sort((a, b) => Number(a.tag === 'other') - Number(b.tag === 'other') || b.peers - a.peers || b.meanPeers - a.meanPeers || (a.tag < b.tag ? -1 : 1));
  return { atMs, sweeps: sweepTimes.size, rows };
}
