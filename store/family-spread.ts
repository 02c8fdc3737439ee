/**
 * A leak family's spread, from what the stores already keep per torrent. Distinct peers across the
 * family are the estimate of the union of every member's HyperLogLog sketches over the range (a
 * peer in two torrents counts once), never a sum of per-torrent counts. Geography is a sum over
 * members of each one's largest per-country count in the range: a peer in two torrents counts
 * twice there, and the answer says so.
 */
import { HyperLogLog } from '../core/hyperloglog.ts';
import type { DetailStore, SeriesPoint, TaggedMeasurement } from './types.ts';

export const FAMILY_DISTINCT_METHOD = 'HyperLogLog union of every member torrent\'s per-sweep sketches (precision 14, about ±0.8%); never a sum of per-torrent counts';
export const FAMILY_GEO_METHOD = 'sum over member torrents of each one\'s largest count per tag in the range: a peer sharing several torrents is counted once per torrent';

/** The union of the members' sketches in [fromMs, toMs]; null when no member has a sketch there. */
export async function familySketch(detail: DetailStore, infohashes: readonly string[], fromMs: number, toMs: number): Promise<HyperLogLog | null> {
  let union: HyperLogLog | null = null;
  for (const infohash of infohashes) {
    const merged = await detail.mergedSketch(infohash, fromMs, toMs);
    if (!merged) continue;
    union = (union ?? new HyperLogLog()).merge(HyperLogLog.deserialize(merged));
  }
  return union;
}

export async function familyUniquePeers(detail: DetailStore, infohashes: readonly string[], fromMs: number, toMs: number): Promise<number | null> {
  const union = await familySketch(detail, infohashes, fromMs, toMs);
  return union ? Math.round(union.estimate()) : null;
}

/** The family's distinct peers per bucket of `stepMs` (buckets start at multiples of the step, as series do); empty buckets left out. */
export async function familyDistinctSeries(detail: DetailStore, infohashes: readonly string[], fromMs: number, toMs: number, stepMs: number): Promise<SeriesPoint[]> {
  const points: SeriesPoint[] = [];
  for (let bucketMs = Math.floor(fromMs / stepMs) * stepMs; bucketMs <= toMs; bucketMs += stepMs) {
    const estimate = await familyUniquePeers(detail, infohashes, Math.max(fromMs, bucketMs), Math.min(toMs, bucketMs + stepMs - 1));
    if (estimate !== null) points.push([bucketMs, estimate]);
  }
  return points;
}

/** Per tag (country, ASN): the sum over members of each member's largest count in the range, largest first. */
export async function familyTaggedSums(detail: DetailStore, measurement: TaggedMeasurement, infohashes: readonly string[], fromMs: number, toMs: number): Promise<{ tag: string; peers: number }[]> {
  const sums = new Map<string, number>();
  for (const infohash of infohashes) {
    // One or two buckets of the whole range's width (buckets start at multiples of the step): few points whatever the range.
    const stepMs = Math.ceil((toMs - fromMs + 1) / 1000) * 1000;
    const byTag = await detail.queryTagged({ measurement, infohash, field: 'peers', fromMs, toMs, stepMs, agg: 'max' });
    for (const [tag, points] of byTag) {
      const largest = points.reduce((max, [, value]) => Math.max(max, value), 0);
      sums.set(tag, (sums.get(tag) ?? 0) + largest);
    }
  }
  return [...sums.entries()].map(([tag, peers]) => ({ tag, peers })).sort((a, b) => b.peers - a.peers || a.tag.localeCompare(b.tag));
}
