/**
 * What the demo puts in its store before `start` opens it: the three swarms as a watchlist file,
 * the loopback mirror of the first one, and alert rules whose firings show up as marks on the
 * page's time axes (a threshold crossed as a swarm takes off, the mirror's takedown).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMirrorRegistry } from '../../store/mirror-registry.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { openAlertingState } from '../../store/state/alerting-state.ts';
import { demoInfohash, type DemoSwarm } from './demo-growth.ts';

const DEMO_MIRROR_LABEL = 'Demo mirror on loopback';

/** Writes the watchlist `start` imports (`--watch`); returns its path. */
export function writeDemoWatchlist(dir: string, swarms: readonly DemoSwarm[]): string {
  const path = join(dir, 'demo-watchlist.json');
  writeFileSync(path, `${JSON.stringify(swarms.map((swarm) => ({ infohash: demoInfohash(swarm), label: swarm.label, source: swarm.source })), null, 2)}\n`);
  return path;
}

/** Registers the mirror and the alert rules once; a demo restarted on the same folder keeps them. */
export async function prepareDemoStore(dbPath: string, options: { mirrorUrl?: string; swarms: readonly DemoSwarm[]; nowMs?: number }): Promise<void> {
  const nowMs = options.nowMs ?? Date.now();
  const store = openSqliteStore(dbPath);
  try {
    const first = demoInfohash(options.swarms[0]!);
    if (options.mirrorUrl) {
      const mirrors = createMirrorRegistry(store.db);
      // The loopback port changes with every run: the previous run's mirror would only ever be down.
      for (const old of mirrors.list({ offset: 0, limit: 1000 }).mirrors) if (old.label === DEMO_MIRROR_LABEL) mirrors.remove(old.id, nowMs);
      mirrors.add({ url: options.mirrorUrl, infohash: first, label: DEMO_MIRROR_LABEL, source: 'cli' }, nowMs);
    }
    const rules = openAlertingState(store.db).rules;
    if (rules.list({ offset: 0, limit: 1 }).total > 0) return;
    const none = { infohash: null, familyId: null, metric: null, op: null, value: null, windowMs: null, percent: null, hysteresis: null, mirrorId: null, mirrorEvents: [], label: null };
    rules.create({ ...none, kind: 'threshold', infohash: first, metric: 'dht_peers', op: '>', value: 1000, label: 'demo: over 1,000 DHT peers' }, nowMs);
    rules.create({ ...none, kind: 'mirror', label: 'demo: mirror changes' }, nowMs);
  } finally {
    await store.close();
  }
}
