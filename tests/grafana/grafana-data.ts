/**
 * Data for the Grafana queries, written the way swarmscope writes it: swarm samples and the tagged
 * series (trackers, countries, networks) through the InfluxDB store (what a sweep does), mirror
 * checks through the InfluxDB mirror series (what the mirror checker does), all downsampled into
 * `hourly` and `daily` by the store's own backfill (what the continuous queries compute).
 */
import type { InfluxSeriesStore } from '../../store/influx/influx-series-store.ts';
import type { InfluxLocation } from '../../store/influx/influx-url.ts';
import { createInfluxMirrorSeries } from '../../store/mirror-series-influx.ts';
import type { MirrorSample } from '../../store/mirror-series.ts';
import type { SwarmSample, TaggedSample } from '../../store/types.ts';

const HOUR = 3_600_000;
export const DAYS = 8;
export const SAMPLE_EVERY_MS = HOUR / 2;
export const TORRENTS = ['a1'.padEnd(40, 'a'), 'b2'.padEnd(40, 'b')];
export const MIRRORS = ['mir_grafana_good', 'mir_grafana_451'];
const COUNTRIES = ['US', 'DE', 'FR', 'JP', 'other'];
const ASNS = ['AS13335', 'AS16509', 'other'];
const TRACKERS = ['udp://tracker.opentrackr.org:1337/announce', 'http://tracker.example:6969/announce'];

function swarmValues(index: number, step: number) {
  const dht = 100 * (index + 1) + step;
  return {
    dht_peers: dht,
    dht_peers_v4: dht - 5,
    dht_peers_v6: 5,
    dht_nodes: 8,
    dht_uncorroborated: step % 3,
    bep33_peers: Math.round(dht * 1.1),
    bep33_seeders: Math.round(dht * 0.4),
    bep33_nodes: 8,
    bep33_saturated: 0,
    tracker_seeders: Math.round(dht * 0.3),
    tracker_leechers: Math.round(dht * 0.2),
    tracker_completed: 1000 + step,
    probe_seeders: 4,
    probe_leechers: 6,
    new_peers: 3,
    unique_peers: 500 + 3 * step,
    countries: COUNTRIES.length - 1,
    lookup_ms: 900 + (step % 10) * 50,
  };
}

function taggedSamples(atMs: number, step: number): TaggedSample[] {
  return TORRENTS.flatMap((infohash, index) => [
    ...TRACKERS.map((tag, t) => ({ measurement: 'swarm_tracker' as const, infohash, tag, atMs, values: { tracker_seeders: 10 + t + index, tracker_leechers: 5 + step % 4, tracker_completed: 100 + step } })),
    ...COUNTRIES.map((tag, c) => ({ measurement: 'swarm_geo' as const, infohash, tag, atMs, values: { peers: 40 - 5 * c + index } })),
    ...ASNS.map((tag, a) => ({ measurement: 'swarm_asn' as const, infohash, tag, atMs, values: { peers: 30 - 8 * a + index } })),
  ]);
}

function mirrorSamples(atMs: number, step: number): MirrorSample[] {
  return MIRRORS.map((mirrorId, index) => {
    const down = index === 1 && step % 10 === 0;
    return { mirrorId, atMs, values: { up: down ? 0 : 1, status: down ? 451 : 200, latency_ms: 80 + index * 40 + (step % 5), bytes: 13_476_839_424, pieces_verified: 3, pieces_failed: index } };
  });
}

/** Writes DAYS days of sweeps and mirror checks ending now; returns the range written. */
export async function writeGrafanaData(store: InfluxSeriesStore, location: InfluxLocation, nowMs: number): Promise<{ fromMs: number; toMs: number }> {
  const fromMs = nowMs - DAYS * 24 * HOUR;
  const swarm: SwarmSample[] = [];
  const tagged: TaggedSample[] = [];
  const mirrors: MirrorSample[] = [];
  for (let atMs = fromMs, step = 0; atMs <= nowMs - 60_000; atMs += SAMPLE_EVERY_MS, step++) {
    TORRENTS.forEach((infohash, index) => swarm.push({ infohash, atMs, values: swarmValues(index, step) }));
    tagged.push(...taggedSamples(atMs, step));
    mirrors.push(...mirrorSamples(atMs, step));
  }
  await store.writeSamples(swarm);
  await store.writeTagged(tagged);
  await createInfluxMirrorSeries(location, { rawMs: 30 * 86_400_000, hourlyMs: 365 * 86_400_000, dailyMs: 0 }).writeMirrorSamples(mirrors);
  await store.backfill({ fromMs, toMs: nowMs });
  return { fromMs, toMs: nowMs };
}
