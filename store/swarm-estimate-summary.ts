/**
 * A swarm estimate as a reader should see it (issue 13): the number, its 95% interval, the two
 * captures and their overlap, the assumptions it rests on, and — when there is no number — why.
 * Built from a stored sample's values, so the API, `collect --json` readers and the page say the
 * same thing. The estimate itself is computed by the collector (collector/stages/estimate-stage.ts).
 */
import { chapmanEstimate } from '../core/chapman-estimate.ts';
import type { SwarmValues } from './types.ts';

export const ESTIMATE_METHOD = 'Chapman capture–recapture over two captures of one sweep: the DHT lookup and the peers named over PEX (BEP 11); 95% interval after Chao (1987)';
export const ESTIMATE_ASSUMPTIONS = [
  'the swarm is closed within a sweep (no peer joins or leaves in those minutes)',
  'being found by the DHT does not change the chance of being named over PEX (independent captures)',
  'peers that neither announce to the DHT nor are connected to a probed peer are invisible to both: the estimate is of the reachable swarm',
];

export interface SwarmEstimateSummary {
  estimate: number | null;
  low: number | null;
  high: number | null;
  dhtPeers: number | null;
  pexPeers: number | null;
  overlap: number | null;
  /** Why there is no estimate; null when there is one. */
  reason: string | null;
  method: string;
  assumptions: string[];
}

function count(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function swarmEstimateSummary(values: SwarmValues): SwarmEstimateSummary {
  const summary: SwarmEstimateSummary = {
    estimate: count(values.swarm_estimate),
    low: count(values.swarm_estimate_low),
    high: count(values.swarm_estimate_high),
    dhtPeers: count(values.dht_peers),
    pexPeers: count(values.pex_peers),
    overlap: count(values.swarm_estimate_overlap),
    reason: null,
    method: ESTIMATE_METHOD,
    assumptions: ESTIMATE_ASSUMPTIONS,
  };
  if (summary.estimate !== null) return summary;
  if (summary.pexPeers === null || summary.dhtPeers === null || summary.overlap === null) {
    summary.reason = 'no second capture this sweep: no peer could be probed, or probes are off';
    return summary;
  }
  const result = chapmanEstimate(summary.dhtPeers, summary.pexPeers, Math.min(summary.overlap, summary.dhtPeers, summary.pexPeers));
  summary.reason = result.estimate === null ? result.reason : 'not computed for this sample';
  return summary;
}
