/**
 * The stages of a sweep, in order. The DHT stage comes first: its peers feed the stages after it.
 */
import type { DhtClient } from '../dht/dht-client.ts';
import type { PeerMemory } from '../peer-memory.ts';
import type { ProbeSettings } from '../peer-wire/probe-settings.ts';
import type { DetailStages } from './detail-stages.ts';
import { DhtStage } from './dht-stage.ts';
import { EstimateStage } from './estimate-stage.ts';
import { ProbeStage, type ProbeStageDependencies } from './probe-stage.ts';
import type { SweepStage } from './stage.ts';

export interface StageDependencies {
  dht: DhtClient;
  peerMemory: PeerMemory;
  /** Peer-wire probes and metadata (registry, domain events); left out when absent (DHT-only tests, benchmarks). */
  probe?: { settings: ProbeSettings } & ProbeStageDependencies;
  /** Tracker scrapes, geography and peer sketches (detail-stages.ts); left out when absent. */
  detail?: DetailStages;
}

export function defaultStages(deps: StageDependencies): SweepStage[] {
  return [
    new DhtStage(deps.dht, deps.peerMemory),
    ...(deps.detail ? [deps.detail.tracker] : []),
    // After the DHT stage (it probes the peers found there), before enrichment and sketches (PEX peers join the set).
    ...(deps.probe ? [new ProbeStage(deps.probe.settings, deps.probe), new EstimateStage()] : []),
    // Last: they read every peer the stages before them found.
    ...(deps.detail ? [deps.detail.enrichment, deps.detail.sketch] : []),
  ];
}
