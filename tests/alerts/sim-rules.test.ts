/**
 * Alert rules on real measurements: the loopback sim swarm, the collector's real sweeps over KRPC,
 * the SQLite store, and the evaluator after each sweep, as in `swarmscope start`. One swarm grows
 * past a threshold and then hovers around it; another grows by more than 50% and hovers around
 * that. Each rule fires exactly once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CollectorService } from '../../collector/collector-service.ts';
import { createLogger } from '../../core/logger.ts';
import { startSimSwarm } from '../../sim/index.ts';
import { simCollectorConfig } from '../helpers/sim-collector-config.ts';
import { HOUR, openAlertFixture } from './alert-fixture.ts';

test('threshold and growth rules fire once when a sim swarm grows past them, not while it hovers', async (t) => {
  const sim = await startSimSwarm({ nodes: 120, seed: 'alerts', torrentSpecs: [{ peers: 40 }, { peers: 40 }] });
  t.after(() => sim.close());
  const [thresholdSwarm, growthSwarm] = sim.torrents.map((torrent) => torrent.infohash) as [string, string];
  const f = openAlertFixture();
  t.after(() => f.close());
  f.store.registry.add({ infohash: thresholdSwarm, label: 'threshold swarm' });
  f.store.registry.add({ infohash: growthSwarm, label: 'growth swarm' });
  const config = simCollectorConfig(sim.bootstrap, { dhtNodeQueryGapMs: 0, dhtQueryTimeoutMs: 500 });
  const collector = await CollectorService.open(config, f.store.registry, f.store.series, createLogger('silent'));
  t.after(() => collector.stop());

  const now = Date.now();
  f.addRule({ kind: 'threshold', infohash: thresholdSwarm, value: 50 }, now);
  f.addRule({ kind: 'growth', infohash: growthSwarm, windowMs: 24 * HOUR, percent: 50 }, now);
  // Default bands: 2.5 peers around 50, 2.5 points around +50% (from the first sweep's 40 peers: 59 = +47.5%).
  const thresholdPeers = [40, 48, 51, 49, 52, 48, 51];
  const growthPeers = [40, 50, 61, 59, 62, 60, 61];
  const firedAt: Record<string, number[]> = { 'swarm.threshold_crossed': [], 'swarm.growth': [] };
  for (let sweep = 0; sweep < thresholdPeers.length; sweep++) {
    sim.setPeerCount(thresholdSwarm, thresholdPeers[sweep]!);
    sim.setPeerCount(growthSwarm, growthPeers[sweep]!);
    f.clock.nowMs = Date.now();
    const report = await collector.sweepOnce();
    const measured = new Map(report.results.map((result) => [result.torrent.infohash, result.sample?.values.dht_peers]));
    assert.deepEqual([measured.get(thresholdSwarm), measured.get(growthSwarm)], [thresholdPeers[sweep], growthPeers[sweep]], `sweep ${sweep} measured the truth`);
    await f.evaluator.evaluateOnce();
    for (const event of f.state.events.list({}, { offset: 0, limit: 100 }).events) {
      if (!firedAt[event.type]!.includes(event.occurredAtMs)) firedAt[event.type]!.push(event.occurredAtMs);
    }
    // Sweeps are time-stamped in milliseconds: keep two from sharing one.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const sweepTimes = (await f.store.series.querySeries({ infohash: thresholdSwarm, metric: 'dht_peers', fromMs: 0, toMs: Date.now(), stepMs: 0, agg: 'last' })).map(([atMs]) => atMs);
  assert.deepEqual(firedAt['swarm.threshold_crossed'], [sweepTimes[2]], 'fired at 51, not at 52 or 51 while hovering');
  assert.deepEqual(firedAt['swarm.growth'], [sweepTimes[2]], 'fired at +52.5%, not again while hovering between +47.5% and +55%');
  const growth = f.state.events.list({ type: 'swarm.growth' }, { offset: 0, limit: 1 }).events[0]!.payload as { data: { changePercent: number; baselineValue: number; value: number } };
  assert.deepEqual([growth.data.baselineValue, growth.data.value, growth.data.changePercent], [40, 61, 52.5]);
});
