/**
 * A real API (buildApp + listen on loopback) over an in-memory SQLite store seeded the way a month
 * of sweeps would leave it: three model torrents with 30 days of samples every 30 minutes, growing
 * logistically with a daily cycle, 996 torrents with one sample each and one never sampled (1,000 in
 * all, the size the overview must handle), two events on the first torrent's time axis, two
 * mirrors of it (mirror-fixture.ts), and its geography and sketches (detail-fixture.ts).
 */
import { buildApp } from '../../api/app.ts';
import type { Readiness } from '../../api/deps.ts';
import { startServer } from '../../api/server.ts';
import { openAlertingState } from '../../store/state/alerting-state.ts';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import type { SwarmSample } from '../../store/types.ts';
import { seedDetail } from './detail-fixture.ts';
import { seedMirrors } from './mirror-fixture.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const HISTORY_DAYS = 30;
export const SAMPLE_EVERY_MS = 30 * 60_000;

export const RICH = [
  { infohash: 'b5a1'.padEnd(40, '1'), label: 'LLaMA 65B (March 2023 leak)', capacity: 4200 },
  { infohash: 'c6b2'.padEnd(40, '2'), label: 'Mistral 7B', capacity: 1800 },
  { infohash: 'd7c3'.padEnd(40, '3'), label: 'Grok-1', capacity: 900 },
] as const;
export const NEVER_SAMPLED = 'e8d4'.padEnd(40, '4');
export const FILLER_COUNT = 996;

/** Logistic growth to `capacity` with the midpoint ten days in, and ±12 % over the day. */
function peersAt(capacity: number, ageMs: number, atMs: number): number {
  const growth = capacity / (1 + Math.exp(-(ageMs / DAY - 10) / 2.5));
  const daily = 1 + 0.12 * Math.sin((2 * Math.PI * (atMs % DAY)) / DAY);
  return Math.max(1, Math.round(growth * daily));
}

export function richSamples(nowMs: number): SwarmSample[] {
  const startMs = nowMs - HISTORY_DAYS * DAY;
  const samples: SwarmSample[] = [];
  for (const torrent of RICH) {
    let unique = 0;
    for (let atMs = startMs; atMs <= nowMs - 5 * 60_000; atMs += SAMPLE_EVERY_MS) {
      const dht = peersAt(torrent.capacity, atMs - startMs, atMs);
      const seeders = Math.round(dht * 0.35);
      // Peers come and go: each sweep meets a few it has not seen before.
      unique = Math.max(unique + Math.round(dht * 0.003), dht);
      samples.push({
        infohash: torrent.infohash,
        atMs,
        values: {
          dht_peers: dht,
          bep33_peers: Math.round(dht * 1.15),
          bep33_seeders: Math.round(seeders * 1.1),
          tracker_seeders: seeders,
          tracker_leechers: Math.round(dht * 0.4),
          probe_seeders: Math.round(seeders * 0.2),
          probe_leechers: Math.round(dht * 0.1),
          unique_peers: unique,
          new_peers: Math.round(dht * 0.05),
          dht_nodes: 8,
        },
      });
    }
  }
  return samples;
}

export interface PageFixture {
  url: string;
  mirrors: { upId: string; downId: string };
  store: SqliteStore;
  nowMs: number;
  /** What /readyz answers from now on (the collector's DHT going away, say). */
  setReadiness(readiness: Readiness): void;
  close(): Promise<void>;
}

export const READY: Readiness = { ready: true, checks: { store: { ok: true, detail: 'sqlite' }, dht: { ok: true, detail: 'joined' } } };

export async function startPageFixture(): Promise<PageFixture> {
  const nowMs = Date.now();
  // Watched since before the history starts, so "All" covers every sample.
  const store = openSqliteStore(':memory:', { now: () => nowMs - (HISTORY_DAYS + 1) * DAY });
  for (const torrent of RICH) store.registry.add({ infohash: torrent.infohash, label: torrent.label, tags: ['model'] });
  store.registry.add({ infohash: NEVER_SAMPLED, label: 'Newly added (no sweep yet)' });
  const fillers = Array.from({ length: FILLER_COUNT }, (_, index) => ({
    infohash: `f0${(index + 1).toString(16).padStart(38, '0')}`,
    label: `Watched torrent ${String(index + 1).padStart(4, '0')}`,
  }));
  store.registry.importEntries(fillers);
  await store.series.writeSamples([
    ...richSamples(nowMs),
    ...fillers.map((torrent, index) => ({ infohash: torrent.infohash, atMs: nowMs - HOUR, values: { dht_peers: index % 50 } })),
  ]);

  const events = openAlertingState(store.db).events;
  const llama = RICH[0].infohash;
  const event = (id: string, type: string, atMs: number, data: Record<string, unknown>) =>
    events.record({ id, type, ruleId: null, subject: llama, occurredAtMs: atMs, body: JSON.stringify({ type, timestamp: new Date(atMs).toISOString(), data }) }, atMs);
  event('evt_fixture_threshold', 'swarm.threshold_crossed', nowMs - 3 * DAY, { infohash: llama, metric: 'dht_peers', op: '>', threshold: 3000, value: 3021 });
  event('evt_fixture_metadata', 'torrent.metadata', nowMs - 20 * HOUR, { infohash: llama, name: 'LLaMA', size: 235_164_838_073 });

  let readiness = READY;
  const mirrors = await seedMirrors(store.db, llama, nowMs);
  await seedDetail(store.series, llama, nowMs);

  const app = await buildApp({
    series: store.series,
    registry: store.registry,
    stateDb: store.db,
    readiness: () => readiness,
    rateLimit: { max: 0 },
  });
  const server = await startServer(app, { host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    mirrors,
    store,
    nowMs,
    setReadiness: (next) => {
      readiness = next;
    },
    async close() {
      await server.close();
      await store.close();
    },
  };
}
