/**
 * The collector widens a sweep that would overrun its interval (collector/sweep-pace.ts), on real
 * lookups: a loopback sim whose every reply takes 100 ms, 40 torrents, 2 lookups at once at the
 * start, a 3-second interval. At 2 at once the sweep would take far longer than the interval's 2.4-s
 * budget; the collector widens, and still counts every peer of every swarm (widening must not cost
 * accuracy). The next sweep starts as wide as the last one needed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectorService } from '../../collector/collector-service.ts';
import { createLogger } from '../../core/logger.ts';
import { startSimSwarm } from '../../sim/index.ts';
import { openSqliteStore } from '../../store/sqlite/open-sqlite-store.ts';
import { simCollectorConfig } from '../helpers/sim-collector-config.ts';

test('a sweep that would overrun the interval looks up more torrents at once, and counts every peer', { timeout: 180_000 }, async (t) => {
  const sim = await startSimSwarm({ nodes: 150, seed: 'pace', bindHostBase: '127.13', rttMs: 100, torrentSpecs: Array.from({ length: 40 }, () => ({ peers: 30 })) });
  t.after(() => sim.close());
  const store = openSqliteStore(':memory:');
  t.after(() => store.close());
  for (const torrent of sim.torrents) store.registry.add({ infohash: torrent.infohash, label: `pace ${torrent.infohash.slice(0, 6)}` });
  const config = simCollectorConfig(sim.bootstrap, { probeSampleSize: 0, intervalMs: 3_000, concurrency: 2, maxConcurrency: 32 });
  const collector = await CollectorService.open(config, store.registry, store.series, createLogger('silent'));
  t.after(() => collector.stop());

  const first = await collector.sweepOnce();
  t.diagnostic(`40 lookups at 100 ms a reply: ${first.finishedAtMs - first.startedAtMs} ms, mean lookup ${Math.round(first.meanLookupMs)} ms, up to ${first.peakConcurrency} at once`);
  // 40 lookups of ~0.5 s at 2 at once: ~10 s, four times the budget; widened (to ~8), they fit.
  assert.ok(first.peakConcurrency > 2 * config.concurrency, `widened from 2 to ${first.peakConcurrency}`);
  assert.ok(first.peakConcurrency <= config.maxConcurrency);
  for (const result of first.results) assert.equal(result.sample?.values.dht_peers, 30, `${result.torrent.infohash}: every peer counted`);

  const second = await collector.sweepOnce();
  assert.ok(second.peakConcurrency > 2 * config.concurrency, `the next sweep starts wide: ${second.peakConcurrency}`);
  for (const result of second.results) assert.equal(result.sample?.values.dht_peers, 30);
});
