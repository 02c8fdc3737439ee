/**
 * The stages of a sweep, in order. The DHT stage comes first: its peers feed the stages after it.
 */
import type { DhtClient } from '../dht/dht-client.ts';
import type { PeerMemory } from '../peer-memory.ts';
import { DhtStage } from './dht-stage.ts';
import type { SweepStage } from './stage.ts';

export interface StageDependencies {
  dht: DhtClient;
  peerMemory: PeerMemory;
}

export function defaultStages(deps: StageDependencies): SweepStage[] {
  return [new DhtStage(deps.dht, deps.peerMemory)];
}
