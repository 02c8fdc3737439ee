/**
 * Which values count as peers (defences against poisoned and sybil nodes, measured by the
 * hostile-sim tests): a value counts only if at least two distinct nodes among the 2k closest
 * responders returned it. A fabricating node cannot corroborate itself; values from nodes far from
 * the infohash are not counted, and such nodes get strikes (`suspect-nodes.ts`).
 */
import type { PeerAddress } from '../../protocol/compact.ts';
import type { LookupState } from './lookup-state.ts';
import { sourceKey } from './suspect-nodes.ts';

/** Corroboration needs this many distinct near nodes per value. */
export const MIN_SOURCES_PER_VALUE = 2;
/** A near node is judged a fabricator only once it gave this many values and none was confirmed. */
const MIN_VALUES_TO_JUDGE = 10;

/**
 * The verdict: which values count. Near = the 2k closest responders that are not suspects.
 * Strikes go to responders outside it that returned values (honest nodes hold values only near
 * the infohash), and to near responders none of whose values another node confirms while other
 * near nodes confirm each other (a fabricator among honest holders).
 */
export function countPeers(state: LookupState): { peers: Map<string, PeerAddress>; uncorroborated: number; farOrSuspectOnly: number } {
  const responders = state.liveByDistance().filter((candidate) => candidate.state === 'responded');
  const near = new Set<string>();
  for (const candidate of responders) {
    const source = sourceKey(candidate.contact);
    if (state.suspects.isSuspect(source)) continue;
    if (near.size < 2 * state.options.k) near.add(source);
  }
  const peers = new Map<string, PeerAddress>();
  const confirmedBySource = new Map<string, number>();
  let uncorroborated = 0;
  let farOrSuspectOnly = 0;
  for (const [key, { peer, sources }] of state.values) {
    const nearSources = sources.filter((source) => near.has(source));
    if (nearSources.length >= MIN_SOURCES_PER_VALUE) {
      peers.set(key, peer);
      for (const source of nearSources) confirmedBySource.set(source, (confirmedBySource.get(source) ?? 0) + 1);
    } else if (nearSources.length === 1) uncorroborated++;
    else farOrSuspectOnly++;
  }
  const counters = state.socket.counters;
  const confirmingNodes = [...confirmedBySource.values()].filter((confirmed) => confirmed > 0).length;
  for (const candidate of responders) {
    const source = sourceKey(candidate.contact);
    if (candidate.valuesGiven === 0) continue;
    let strike = false;
    if (!near.has(source)) {
      if (state.suspects.isSuspect(source)) counters.valuesFromSuspects += candidate.valuesGiven;
      else counters.valuesFromFarNodes += candidate.valuesGiven;
      strike = true;
    } else if (candidate.valuesGiven >= MIN_VALUES_TO_JUDGE && (confirmedBySource.get(source) ?? 0) === 0 && confirmingNodes >= MIN_SOURCES_PER_VALUE) {
      strike = true;
    }
    if (strike && state.suspects.strike(source)) counters.suspectNodes++;
  }
  return { peers, uncorroborated, farOrSuspectOnly };
}
