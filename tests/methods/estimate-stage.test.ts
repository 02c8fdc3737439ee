/**
 * The estimate stage and the summary a reader sees (collector/stages/estimate-stage.ts,
 * store/swarm-estimate-summary.ts): captures counted by source, values only when a probe ran, a
 * null estimate with its reason when the overlap is too small or there was no second capture.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EstimateStage, captureCounts } from '../../collector/stages/estimate-stage.ts';
import { newMeasurement, type PeerSource } from '../../collector/stages/stage.ts';
import { chapmanEstimate } from '../../core/chapman-estimate.ts';
import { swarmEstimateSummary } from '../../store/swarm-estimate-summary.ts';
import type { WatchedTorrent } from '../../store/types.ts';

const TORRENT: WatchedTorrent = { infohash: 'c'.repeat(40), label: null, source: null, name: null, size: null, trackers: [], webSeeds: [], files: [], addedAtMs: 0 };

function measurementWith(groups: [count: number, sources: PeerSource[]][], probed = true) {
  const measurement = newMeasurement(TORRENT);
  let next = 0;
  for (const [count, sources] of groups) {
    for (let index = 0; index < count; index++, next++) {
      const host = `198.51.${next >> 8}.${next & 255}`;
      measurement.peers.set(`${host}:6881`, { host, port: 6881, family: 4, sources: new Set(sources) });
    }
  }
  if (probed) Object.assign(measurement.values, { probe_seeders: 1, probe_leechers: 2 });
  return measurement;
}

describe('swarm estimate stage', () => {
  it('counts the captures by source: tracker-only peers are in neither', () => {
    const measurement = measurementWith([[30, ['dht']], [20, ['dht', 'pex']], [40, ['pex']], [5, ['tracker']], [3, ['tracker', 'pex']]]);
    assert.deepEqual(captureCounts(measurement), { dht: 50, pex: 63, both: 20 });
  });

  it('writes the estimate and its interval, rounded outwards, matching the estimator', async () => {
    const measurement = measurementWith([[30, ['dht']], [20, ['dht', 'pex']], [40, ['pex']]]);
    await new EstimateStage().measure(measurement);
    const expected = chapmanEstimate(50, 60, 20);
    assert.ok(expected.estimate !== null);
    assert.deepEqual(measurement.values, {
      probe_seeders: 1,
      probe_leechers: 2,
      pex_peers: 60,
      swarm_estimate_overlap: 20,
      swarm_estimate: Math.round(expected.estimate),
      swarm_estimate_low: Math.floor(expected.low),
      swarm_estimate_high: Math.ceil(expected.high),
    });
    const summary = swarmEstimateSummary(measurement.values);
    assert.equal(summary.reason, null);
    assert.equal(summary.estimate, Math.round(expected.estimate));
    assert.equal(summary.assumptions.length, 3);
  });

  it('an overlap under 7 gives no estimate, and the summary says why', async () => {
    const measurement = measurementWith([[40, ['dht']], [6, ['dht', 'pex']], [30, ['pex']]]);
    await new EstimateStage().measure(measurement);
    assert.equal(measurement.values.swarm_estimate, null);
    assert.equal(measurement.values.swarm_estimate_overlap, 6);
    assert.match(swarmEstimateSummary({ ...measurement.values, dht_peers: 46 }).reason!, /overlap of 6 peers is under 7/);
  });

  it('no probe, no second capture: nothing is estimated, and the summary says there was no second capture', async () => {
    const measurement = measurementWith([[40, ['dht']]], false);
    await new EstimateStage().measure(measurement);
    assert.deepEqual(measurement.values, {});
    assert.match(swarmEstimateSummary({ dht_peers: 40 }).reason!, /no second capture/);
  });
});
