/** The one metric → JSON name mapping shared by the API's `latest` and `collect --once --json`. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LATEST_METRICS, METRIC_JSON_NAMES, metricJsonName, sampleToLatestJson, valuesToMetricsJson } from '../../store/sample-fields.ts';
import { SWARM_METRICS } from '../../store/types.ts';

describe('sample fields', () => {
  it('camel-cases metric names', () => {
    assert.equal(metricJsonName('dht_peers_v4'), 'dhtPeersV4');
    assert.equal(metricJsonName('bep33_seeders'), 'bep33Seeders');
    assert.equal(METRIC_JSON_NAMES.tracker_completed, 'trackerCompleted');
    assert.equal(Object.keys(METRIC_JSON_NAMES).length, SWARM_METRICS.length);
  });

  it('prints every latest field, null when not measured and 0 when measured as 0', () => {
    const json = sampleToLatestJson({ infohash: 'a'.repeat(40), atMs: Date.UTC(2026, 0, 1), values: { dht_peers: 0, tracker_seeders: 12, probe_seeders: Number.NaN } });
    assert.deepEqual(Object.keys(json), ['at', ...LATEST_METRICS.map((metric) => METRIC_JSON_NAMES[metric])]);
    assert.equal(json.at, '2026-01-01T00:00:00.000Z');
    assert.equal(json.dhtPeers, 0);
    assert.equal(json.trackerSeeders, 12);
    assert.equal(json.dhtPeersV6, null);
    assert.equal(json.probeSeeders, null, 'a NaN is not a measurement');
    assert.deepEqual(Object.keys(json), [
      'at', 'dhtPeers', 'dhtPeersV4', 'dhtPeersV6', 'dhtNodes', 'bep33Seeders', 'bep33Peers', 'bep33Nodes', 'bep33Saturated', 'dhtUncorroborated', 'trackerSeeders',
      'trackerLeechers', 'trackerCompleted', 'probeSeeders', 'probeLeechers', 'pexPeers', 'swarmEstimate', 'swarmEstimateLow', 'swarmEstimateHigh',
      'swarmEstimateOverlap', 'newPeers', 'uniquePeers',
    ]);
  });

  it('gives the metric fields alone for the CLI', () => {
    assert.equal(valuesToMetricsJson({}).uniquePeers, null);
    assert.equal('at' in valuesToMetricsJson({}), false);
  });
});
