/**
 * Geography, client mix and distinct-peer sketches for one seeded torrent, written through the
 * store's DetailStore as the collector's enrichment and sketch stages write them: three days of
 * hourly sweeps locating peers in six countries (five + other), four networks and four clients,
 * and a HyperLogLog sketch per sweep over a pool of peers that slowly turns over.
 */
import { createHash } from 'node:crypto';
import { HyperLogLog } from '../../core/hyperloglog.ts';
import { detailStoreOf } from '../../store/detail-validation.ts';
import type { SeriesStore, TaggedSample } from '../../store/types.ts';

const HOUR = 3_600_000;
const SWEEPS = 72;
export const COUNTRY_PEERS = { US: 1200, DE: 800, FR: 450, CN: 400, JP: 300, other: 900 } as const;
const ASN_PEERS = { AS7922: 500, AS3320: 420, AS16509: 260, other: 2800 };
const CLIENT_PEERS = { 'qBittorrent 4.6': 90, 'Transmission 4.0': 45, 'libtorrent 2.0': 30, other: 15 };
/** Peers per sweep sketch; each sweep meets the pool shifted by ten, so three days see 1,000 + 710. */
const PEERS_PER_SWEEP = 1000;
const TURNOVER_PER_SWEEP = 10;
export const DISTINCT_PEERS_3_DAYS = PEERS_PER_SWEEP + TURNOVER_PER_SWEEP * (SWEEPS - 1);

function tagged(measurement: TaggedSample['measurement'], infohash: string, atMs: number, counts: Record<string, number>): TaggedSample[] {
  return Object.entries(counts).map(([tag, peers]) => ({ measurement, infohash, tag, atMs, values: { peers } }));
}

function sketchOf(infohash: string, first: number): Buffer {
  const sketch = new HyperLogLog();
  for (let peer = first; peer < first + PEERS_PER_SWEEP; peer++) sketch.addHash(createHash('sha256').update(`${infohash}/${peer}`).digest());
  return sketch.serialize();
}

/** Returns false when the store keeps no detail (then the page says geography is not available). */
export async function seedDetail(series: SeriesStore, infohash: string, nowMs: number): Promise<boolean> {
  const detail = detailStoreOf(series);
  if (!detail) return false;
  const samples: TaggedSample[] = [];
  const sketches = [];
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    const atMs = nowMs - (SWEEPS - sweep) * HOUR;
    samples.push(...tagged('swarm_geo', infohash, atMs, COUNTRY_PEERS), ...tagged('swarm_asn', infohash, atMs, ASN_PEERS), ...tagged('swarm_client', infohash, atMs, CLIENT_PEERS));
    sketches.push({ infohash, atMs, sketch: sketchOf(infohash, sweep * TURNOVER_PER_SWEEP) });
  }
  await detail.writeTagged(samples);
  await detail.writeSketches(sketches);
  return true;
}
