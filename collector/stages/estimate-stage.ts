/**
 * The total-swarm estimate (issue 13). The DHT sees only peers that announce to it; PEX (BEP 11),
 * read from the probed peers, names peers whatever they announce to. Taken as two captures of one
 * swarm within a sweep, the peers both saw give Chapman's estimate of the whole swarm and a 95%
 * interval (core/chapman-estimate.ts). Values: pex_peers, swarm_estimate_overlap, swarm_estimate
 * (_low, _high). With no PEX capture (probes off, no peer sent PEX) nothing is estimated (null);
 * with too small an overlap the estimate is null and the overlap says why.
 *
 * Assumptions, stated wherever the number is shown (METHODS.md): the swarm is closed within the
 * sweep (minutes), and being found by one capture does not change the chance of being found by the
 * other. Peers behind NAT that neither announce to the DHT nor accept connections from the peers
 * we probe are invisible to both captures, so the estimate is of the reachable swarm.
 */
import { chapmanEstimate, type ChapmanResult } from '../../core/chapman-estimate.ts';
import type { SwarmValues } from '../../store/types.ts';
import type { SweepStage, TorrentMeasurement } from './stage.ts';

export interface CaptureCounts {
  dht: number;
  pex: number;
  both: number;
}

export function captureCounts(measurement: Pick<TorrentMeasurement, 'peers'>): CaptureCounts {
  const counts: CaptureCounts = { dht: 0, pex: 0, both: 0 };
  for (const { sources } of measurement.peers.values()) {
    const dht = sources.has('dht');
    const pex = sources.has('pex');
    if (dht) counts.dht++;
    if (pex) counts.pex++;
    if (dht && pex) counts.both++;
  }
  return counts;
}

/** The estimate, or why there is none; null when there was no PEX capture at all. */
export function swarmEstimate(counts: CaptureCounts): ChapmanResult | null {
  return counts.pex === 0 ? null : chapmanEstimate(counts.dht, counts.pex, counts.both);
}

export class EstimateStage implements SweepStage {
  readonly name = 'estimate';

  async measure(measurement: TorrentMeasurement): Promise<void> {
    // No probe ran (no PEX capture): leave every value unmeasured.
    if (measurement.values.probe_seeders === undefined) return;
    const counts = captureCounts(measurement);
    const result = swarmEstimate(counts);
    const estimated = result !== null && result.estimate !== null ? result : null;
    Object.assign(measurement.values, {
      pex_peers: counts.pex,
      swarm_estimate_overlap: counts.both,
      swarm_estimate: estimated ? Math.round(estimated.estimate) : null,
      swarm_estimate_low: estimated ? Math.floor(estimated.low) : null,
      swarm_estimate_high: estimated ? Math.ceil(estimated.high) : null,
    } satisfies SwarmValues);
  }
}
