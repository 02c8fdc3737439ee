/**
 * The iterative get_peers lookup (BEP 5), in two stages:
 *
 * 1. Converge: query the k closest known nodes not yet asked, add the closer nodes they return, and
 *    stop only when the k closest nodes that answer have all answered. Values are collected from
 *    every node that answers; the lookup does not stop at the first reply with values, since each
 *    node holds only the announces it received.
 * 2. Harvest (`harvest-values.ts`): a node holding more peers than fit in a reply answers with a
 *    random subset each time (libtorrent caps replies at 100 values), so nodes that returned values
 *    are asked again until the distinct set stops growing.
 *
 * 3. Count (`corroboration.ts`): a value counts as a peer only if two distinct nodes near the
 *    infohash returned it, so a hostile node cannot inflate a count on its own.
 */
import { SwarmscopeError } from '../../core/errors.ts';
import type { NodeContact, PeerAddress } from '../../protocol/compact.ts';
import { countPeers } from './corroboration.ts';
import { LookupState, type Candidate } from './lookup-state.ts';
import { SuspectNodes } from './suspect-nodes.ts';
import { lookAroundNeighbourhood } from './neighbourhood.ts';
import { harvestValues, type HarvestOptions, DEFAULT_HARVEST_OPTIONS } from './harvest-values.ts';
import type { KnownNodes } from './known-nodes.ts';
import type { KrpcSocket } from './krpc-socket.ts';

/** BEP 5: k, the bucket size and the number of closest nodes a lookup converges on. */
export const K_CLOSEST = 8;

export interface GetPeersOptions {
  k: number;
  /** Queries in flight for this lookup (Kademlia's alpha; BEP 5 leaves it open, libtorrent uses 3–5 by default). */
  alpha: number;
  /** Extra attempts for a node that did not answer, so a lost datagram does not drop a close node. */
  retries: number;
  allowPrivateAddresses: boolean;
  /** Guard against a lookup that never converges (a hostile network feeding endless "closer" nodes). */
  maxQueries: number;
  /** Distinct values one node may contribute to one lookup. */
  maxValuesPerNode: number;
  harvest: HarvestOptions;
  /** Called with each value the first time any node returns it (before corroboration). */
  onValue?: (peer: PeerAddress) => void;
}

export const DEFAULT_GET_PEERS_OPTIONS: GetPeersOptions = {
  k: K_CLOSEST,
  alpha: 8,
  retries: 1,
  allowPrivateAddresses: false,
  maxQueries: 400,
  maxValuesPerNode: 20_000,
  harvest: DEFAULT_HARVEST_OPTIONS,
};

export interface LookupResult {
  infohash: string;
  /** Corroborated peers: each returned by at least two distinct nodes near the infohash. */
  peers: Map<string, PeerAddress>;
  /** Values returned by only one near node: reported, not counted. */
  uncorroborated: number;
  /** Values only far or suspect nodes returned. */
  farOrSuspectOnly: number;
  respondedNodes: number;
  queriedNodes: number;
  /** The k closest nodes that answered, with the tokens they gave (kept for BEP 33 scrapes and announces). */
  closest: { contact: NodeContact; token?: Buffer }[];
  queries: number;
  harvestQueries: number;
  durationMs: number;
}

/**
 * The lookup converges on k + this many nodes, not k: a holder that dropped a query or two (loss,
 * a long RTT) falls behind closer nodes that answered, and on the real DHT a large share of the
 * contacts never answer, so the k closest that answered are not always the k that hold the peers.
 * Four more was what the Internet profile of the sim needed to reach all 8 holders (issue 12).
 */
export const CONVERGE_MARGIN = 4;

/**
 * A node that answered without a token and without values cannot have been announced to (BEP 5:
 * announce_peer needs the token of a get_peers reply), so it stores nothing: the lookup looks past
 * it, as an announcer does, to the k closest nodes that could hold peers.
 */
function couldHoldPeers(candidate: Candidate): boolean {
  return !(candidate.state === 'responded' && candidate.token === undefined && (candidate.lastValues?.size ?? 0) === 0);
}

async function converge(state: LookupState, knownNodes: KnownNodes): Promise<void> {
  const { k, alpha, retries, maxQueries } = state.options;
  let inFlight = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const window = state.liveByDistance().filter(couldHoldPeers).slice(0, k + CONVERGE_MARGIN);
      const done = window.every((candidate) => candidate.state === 'responded');
      if ((done || state.queries >= maxQueries) && inFlight === 0) {
        resolve();
        return;
      }
      if (state.queries >= maxQueries) return;
      for (const candidate of window) {
        if (inFlight >= alpha) break;
        if (candidate.state !== 'new') continue;
        candidate.state = 'pending';
        inFlight++;
        // Every earlier attempt at this candidate failed (it is asked again only then).
        void state.ask(candidate, candidate.attempts).then((values) => {
          inFlight--;
          if (values) {
            candidate.state = 'responded';
            candidate.lastValues = values;
            knownNodes.markAlive(candidate.contact);
          } else if (candidate.attempts <= retries) {
            candidate.state = 'new';
          } else {
            candidate.state = 'failed';
            knownNodes.markFailed(candidate.contact);
          }
          pump();
        });
      }
      if (inFlight === 0 && !window.some((candidate) => candidate.state === 'new')) resolve();
    };
    pump();
  });
}

export async function getPeers(
  socket: KrpcSocket,
  knownNodes: KnownNodes,
  infohash: string,
  options: Partial<GetPeersOptions> = {},
  suspects = new SuspectNodes(),
): Promise<LookupResult> {
  const settings = { ...DEFAULT_GET_PEERS_OPTIONS, ...options };
  const startedMs = performance.now();
  const target = Buffer.from(infohash, 'hex');
  const state = new LookupState(target, socket, settings, suspects);
  // Start wide: the closest known nodes plus a margin for those that are gone since we saw them.
  for (const contact of knownNodes.closest(target, settings.k * 4)) state.addCandidate(contact);
  if (state.candidates.size === 0) {
    throw new SwarmscopeError('bootstrap_unreachable', 'no DHT node is known: bootstrap first');
  }
  await converge(state, knownNodes);
  if (await lookAroundNeighbourhood(state, couldHoldPeers)) await converge(state, knownNodes);
  const lookupQueries = state.queries;
  await harvestValues(state);
  const responders = [...state.candidates.values()].filter((candidate) => candidate.state === 'responded');
  const verdict = countPeers(state);
  return {
    infohash,
    ...verdict,
    respondedNodes: responders.length,
    queriedNodes: [...state.candidates.values()].filter((candidate) => candidate.attempts > 0).length,
    closest: state
      .liveByDistance()
      .filter((candidate) => candidate.state === 'responded' && couldHoldPeers(candidate))
      .slice(0, settings.k)
      .map((candidate) => (candidate.token ? { contact: candidate.contact, token: candidate.token } : { contact: candidate.contact })),
    queries: state.queries,
    harvestQueries: state.queries - lookupQueries,
    durationMs: Math.round(performance.now() - startedMs),
  };
}
